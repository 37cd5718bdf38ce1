"""The reference counts, computed for many documents at once with numpy (default match rules).

Under exact spans and mention arguments, with every predicted span placed and each trigger
span used by one event per side, two items of a metric agree exactly when their integer keys
are equal, so matching a batch of documents is a multiset intersection: within each key, the
first min(#gold, #predicted) items of each side in (position, record) order are the pairs,
as ``benchmark.match.align`` pairs equal keys. A ``Batch`` turns documents into key columns
and counts every metric with a few sorts. It returns exactly what
``document_counts.score_document`` (the definition) counts; tests/test_vectorised.py checks
that they agree, cell by cell, on random corpora.

Stance targets that are events become the coreference cluster of the gold event their
predicted event was aligned with (TC), so an event target is a key too; items of one key
share their holder span, hence their position and row, whichever pairs are chosen.

A document is left to the reference when the shortcut would not be exact: two events of one
side share a trigger span (their pairing depends on attributes), a predicted span could not
be placed in the text or lies outside it (unvalidated input), predicted event ids repeat, or
the text is longer than ``MAX_OFFSET``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from benchmark.document_counts import unit_starts
from benchmark.model import Document, Prediction
from benchmark.textalign import resolve_prediction

if TYPE_CHECKING:
    from benchmark.scorer import ScoringOptions

OFFSET_BITS = 21
MAX_OFFSET = 1 << OFFSET_BITS  # offsets and document indices are packed into int64 keys
BATCH_ITEMS = 100_000  # gold items (triggers, arguments, mentions) held before a batch is counted
DENSE_CELLS = 1 << 22  # count cells are summed in a dense array of up to this many (else by sorting)
METRICS = ("ENT-I", "ENT-C", "TI", "TC", "AI", "AC", "AI+", "AC+", "TUPLE", "FACT", "MODE", "ST", "ST-ID")
TP, FP, FN = 0, 1, 2
EVENT_TARGET, SPAN_TARGET = 0, 1


def applies(options: ScoringOptions) -> bool:
    """Whether the match rules are the ones this module reproduces."""
    return (options.span, options.args, options.compat) == ("exact", "mention", "none")


class _Vocabulary(dict):
    """Label name -> small integer, numbering a name the first time it is looked up; ``names`` inverts it."""

    def __init__(self) -> None:
        super().__init__()
        self.names: list[str] = []

    def __missing__(self, name: str) -> int:
        self[name] = len(self.names)
        self.names.append(name)
        return self[name]


class _Columns:
    """Rows of integers appended flat to a list (``list.extend`` of a tuple is much cheaper than
    ``array.extend``), read back as an (n, width) int64 matrix."""

    def __init__(self, width: int):
        self.width, self.values = width, []
        self._matrix = np.zeros((0, width), dtype=np.int64)

    def __len__(self) -> int:
        return len(self.values) // self.width

    def matrix(self) -> np.ndarray:
        if len(self._matrix) != len(self):  # converted once per batch, then reused
            self._matrix = np.fromiter(self.values, np.int64, len(self.values)).reshape(-1, self.width)
        return self._matrix


class _Side:
    """Key columns of one side (gold or predicted) of a batch, appended document by document."""

    def __init__(self) -> None:
        self.triggers = _Columns(7)  # doc, start, end, type, factuality, mode, cluster (gold) / 0
        self.arguments = _Columns(8)  # doc, type, trigger start, trigger end, role, start, end, event (trigger row)
        self.mentions = _Columns(5)  # doc, start, end, entity type, entity (its index in the document; gold)
        self.stances = _Columns(7)  # doc, holder start, holder end, target kind, a, b, polarity


class Batch:
    """Documents waiting to be counted together; ``add`` refuses one the shortcut cannot count exactly."""

    def __init__(self, options: ScoringOptions, unit: str):
        self.options, self.unit = options, unit
        self.code = _Vocabulary()
        self.code[""]  # label 0: the unlabelled column
        self.clear()

    def clear(self) -> None:
        self.gold, self.pred = _Side(), _Side()
        self.ids: list[str] = []
        self.unit_starts = _Columns(1)  # (doc << 32) | unit start, in document order
        self.first_row = _Columns(1)  # index into unit_starts of each document's first unit

    @property
    def full(self) -> bool:
        gold = self.gold
        return len(gold.triggers) + len(gold.arguments) + len(gold.mentions) >= BATCH_ITEMS

    def add(self, gold: Document, pred: Prediction | None) -> bool:
        """Take a document (``pred=None``: nothing predicted), or return False to leave it to the reference."""
        if len(gold.text) >= MAX_OFFSET or len(self.ids) >= MAX_OFFSET - 1:
            return False
        pred = pred if pred is not None else Prediction(id=gold.id)
        if not _placed_within(pred, len(gold.text)):  # text-only spans are placed first (the packed keys need offsets)
            pred, unresolved = resolve_prediction(pred, gold)
            if unresolved or not _placed_within(pred, len(gold.text)):  # or unvalidated input
                return False
        if not _unique_triggers(gold.events) or not _unique_triggers(pred.events):
            return False
        if pred.stances and len({e.id for e in pred.events}) != len(pred.events):
            return False
        d = len(self.ids)
        self.ids.append(gold.id)
        self.first_row.values.append(len(self.unit_starts))
        self.unit_starts.values.extend((d << 32) | start for start in unit_starts(gold, self.unit))
        self._add_gold(d, gold)
        self._add_pred(d, pred)
        return True

    def _add_gold(self, d: int, gold: Document) -> None:
        code, side = self.code, self.gold
        mentions = side.mentions.values
        for number, entity in enumerate(gold.entities):
            entity_type = code[entity.type]
            for m in entity.mentions:
                mentions.extend((d, m.start, m.end, entity_type, number))
        # an event's cluster: the row of the first event of its coreference cluster (its own row without one)
        cluster_of: dict[str, int] = {}
        first_of_cluster: dict[str, int] = {}
        row = len(side.triggers)
        triggers, arguments = side.triggers.values, side.arguments.values
        for event in gold.events:
            trigger, event_type = event.trigger, code[event.type]
            start, end = trigger.start, trigger.end
            cluster = row if event.coref is None else first_of_cluster.setdefault(event.coref, row)
            if gold.stances:
                cluster_of[event.id] = cluster
            triggers.extend((d, start, end, event_type, code[event.factuality], code[event.mode or "none"], cluster))
            for a in event.arguments:
                arguments.extend((d, event_type, start, end, code[a.role], a.span.start, a.span.end, row))
            row += 1
        for stance in gold.stances:
            holder, target = stance.holder.span, stance.target
            if target.event is not None:
                kind, a, b = EVENT_TARGET, cluster_of[target.event], 0
            else:
                kind, a, b = SPAN_TARGET, target.span.start, target.span.end  # type: ignore[union-attr]
            side.stances.values.extend((d, holder.start, holder.end, kind, a, b, code[stance.polarity]))

    def _add_pred(self, d: int, pred: Prediction) -> None:
        code, side = self.code, self.pred
        mentions = side.mentions.values
        for entity in pred.entities or ():
            entity_type = code[entity.type]
            for m in entity.mentions:
                mentions.extend((d, m.start, m.end, entity_type, 0))  # type: ignore[arg-type]
        row = first_event = len(side.triggers)
        triggers, arguments = side.triggers.values, side.arguments.values
        for event in pred.events:
            trigger, event_type = event.trigger, code[event.type]
            start, end = trigger.start, trigger.end
            triggers.extend((d, start, end, event_type, code[event.factuality], code[event.mode or "none"], 0))  # type: ignore[arg-type]
            for a in event.arguments:
                arguments.extend((d, event_type, start, end, code[a.role], a.span.start, a.span.end, row))  # type: ignore[arg-type]
            row += 1
        event_row = {event.id: first_event + i for i, event in enumerate(pred.events)} if pred.stances else {}
        for stance in pred.stances:
            holder, target = stance.holder.span, stance.target
            if target.event is not None:
                kind, a, b = EVENT_TARGET, event_row.get(target.event, -1), 0
            else:
                kind, a, b = SPAN_TARGET, target.span.start, target.span.end  # type: ignore[union-attr]
            side.stances.values.extend((d, holder.start, holder.end, kind, a, b, code[stance.polarity]))  # type: ignore[arg-type]

    # --- counting ----------------------------------------------------------------------------

    def count(self, column: Callable[[str, str], int]) -> tuple[list[str], np.ndarray, Counter]:
        """The documents in the order added, their count cells (document number, row, column, field,
        value; ``column(metric, label)`` numbers the columns) and the type confusion; then the batch is empty."""
        cells: list[np.ndarray] = []  # columns: doc, row, metric, label, field, value
        confusion: Counter = Counter()
        if self.ids:
            tc_pairs = self._count_triggers(cells, confusion)
            self._count_arguments(cells)
            self._count_mentions(cells)
            self._count_tuples(cells)
            self._count_stances(cells, tc_pairs)
        result = self.ids, self._summed(cells, column), confusion
        self.clear()
        return result

    def _rows(self, docs: np.ndarray, positions: np.ndarray) -> np.ndarray:
        """Each item's row in its document (the unit holding its position; 0 before the first)."""
        if self.unit == "doc" or not len(docs):
            return np.zeros(len(docs), dtype=np.int64)
        starts = self.unit_starts.matrix()[:, 0]
        first = self.first_row.matrix()[docs, 0]
        return np.maximum(np.searchsorted(starts, (docs << 32) | positions, side="right") - 1 - first, 0)

    def _count_triggers(self, cells: list[np.ndarray], confusion: Counter) -> tuple[np.ndarray, np.ndarray]:
        """TI, TC, FACT, MODE and the type confusion; returns the TC pairs (gold, predicted trigger rows)."""
        gold, pred = self.gold.triggers.matrix(), self.pred.triggers.matrix()
        gold_rows, pred_rows = self._rows(gold[:, 0], gold[:, 1]), self._rows(pred[:, 0], pred[:, 1])
        _, gi, pi = np.intersect1d(_span_key(gold, 0, 1, 2), _span_key(pred, 0, 1, 2), assume_unique=True,
                                   return_indices=True)
        names, n_labels = self.code.names, len(self.code)
        pairs = np.bincount(gold[gi, 3] * n_labels + pred[pi, 3], minlength=n_labels * n_labels)  # (gold, predicted) type
        confusion.update({(names[k // n_labels], names[k % n_labels]): int(pairs[k]) for k in np.flatnonzero(pairs).tolist()})
        unlabelled = np.zeros(max(len(gold), len(pred)), dtype=np.int64)
        _tally(cells, "TI", gold[:, 0], gold_rows, unlabelled[:len(gold)], pred[:, 0], pred_rows,
               unlabelled[:len(pred)], gi, pi)
        same_type = gold[gi, 3] == pred[pi, 3]
        gi, pi = gi[same_type], pi[same_type]
        _tally(cells, "TC", gold[:, 0], gold_rows, gold[:, 3], pred[:, 0], pred_rows, pred[:, 3], gi, pi)
        for metric, column in (("FACT", 4), ("MODE", 5)):
            gold_label, pred_label = gold[gi, column], pred[pi, column]
            agree = gold_label == pred_label
            docs, rows = gold[gi, 0], gold_rows[gi]
            cells.append(_cells(docs[agree], rows[agree], metric, gold_label[agree], TP))
            cells.append(_cells(docs[~agree], rows[~agree], metric, pred_label[~agree], FP))
            cells.append(_cells(docs[~agree], rows[~agree], metric, gold_label[~agree], FN))
        return gi, pi

    def _count_arguments(self, cells: list[np.ndarray]) -> None:
        gold, pred = self.gold.arguments.matrix(), self.pred.arguments.matrix()
        both = np.concatenate([gold, pred])
        argument = _dense(_span_key(both, 0, 5, 6))
        trigger_and_argument = _dense(_dense(_span_key(both, 0, 2, 3)) * (argument.max(initial=0) + 1) + argument)
        event_type, role, n_labels = both[:, 1], both[:, 4], len(self.code)
        for metric, key in (("AI", argument * n_labels + event_type),
                            ("AC", (argument * n_labels + event_type) * n_labels + role),
                            ("AI+", trigger_and_argument * n_labels + event_type),
                            ("AC+", (trigger_and_argument * n_labels + event_type) * n_labels + role)):
            breakdown = role if metric in ("AC", "AC+") else event_type
            self._match(cells, metric, key, both[:, 0], both[:, 2], breakdown, len(gold))

    def _count_mentions(self, cells: list[np.ndarray]) -> None:
        both = np.concatenate([self.gold.mentions.matrix(), self.pred.mentions.matrix()])
        span, entity_type = _dense(_span_key(both, 0, 1, 2)), both[:, 3]
        n_gold = len(self.gold.mentions)
        self._match(cells, "ENT-I", span, both[:, 0], both[:, 1], np.zeros(len(both), np.int64), n_gold)
        self._match(cells, "ENT-C", span * len(self.code) + entity_type, both[:, 0], both[:, 1], entity_type, n_gold)

    def _count_tuples(self, cells: list[np.ndarray]) -> None:
        """TUPLE: per event, its type and the sets of gold entities among its actors and recipients.

        A gold argument's entity is the entity of its mention; a predicted argument's, the
        entity with a mention at exactly its span, else a token of the span that no gold entity has.
        """
        gold_mentions = self.gold.mentions.matrix()
        mention_keys = _span_key(gold_mentions, 0, 1, 2)
        by_key = np.argsort(mention_keys)
        sorted_keys = mention_keys[by_key]
        triggers = np.concatenate([self.gold.triggers.matrix(), self.pred.triggers.matrix()])
        n_gold_events = len(self.gold.triggers)
        arguments = np.concatenate([self.gold.arguments.matrix(), self.pred.arguments.matrix()])
        events = arguments[:, 7] + np.where(np.arange(len(arguments)) < len(self.gold.arguments), 0, n_gold_events)
        actor, recipient = self.code["actor"], self.code["recipient"]
        kept = (arguments[:, 4] == actor) | (arguments[:, 4] == recipient)
        arguments, events = arguments[kept], events[kept]
        keys = _span_key(arguments, 0, 5, 6)
        found = np.minimum(np.searchsorted(sorted_keys, keys), max(len(sorted_keys) - 1, 0))
        is_mention = sorted_keys[found] == keys if len(sorted_keys) else np.zeros(len(keys), dtype=bool)
        entity = np.where(is_mention, gold_mentions[by_key[found], 4] if len(sorted_keys) else 0,
                          -1 - ((arguments[:, 5] << OFFSET_BITS) | arguments[:, 6]))
        member = (arguments[:, 4] == recipient) * (len(entity) + 1) + _dense(entity)  # (role, entity) as one number
        pairs = _sorted_unique(events * (2 * (len(entity) + 1)) + member)  # by event
        members = np.column_stack([pairs // (2 * (len(entity) + 1)), pairs % (2 * (len(entity) + 1))])
        set_of_event = _set_numbers(members, len(triggers))
        key = (triggers[:, 0] * len(self.code) + triggers[:, 3]) * (int(set_of_event.max(initial=0)) + 1) + set_of_event
        self._match(cells, "TUPLE", key, triggers[:, 0], triggers[:, 1], triggers[:, 3], n_gold_events)

    def _count_stances(self, cells: list[np.ndarray], tc_pairs: tuple[np.ndarray, np.ndarray]) -> None:
        gold, pred = self.gold.stances.matrix(), self.pred.stances.matrix()
        if not len(gold) and not len(pred):
            return
        # a predicted event target becomes the cluster of the gold event TC aligned it with;
        # an unaligned (or unknown) one a number no gold target has
        gi, pi = tc_pairs
        cluster_of_pred = np.full(len(self.pred.triggers) + 1, -1, dtype=np.int64)
        cluster_of_pred[pi] = self.gold.triggers.matrix()[gi, 6]
        pred_targets = pred[:, 4].copy()
        events = pred[:, 3] == EVENT_TARGET
        pred_targets[events] = cluster_of_pred[pred[events, 4]]
        unaligned = events & (pred_targets < 0)
        pred_targets[unaligned] = len(self.gold.triggers) + np.arange(unaligned.sum())  # past every gold row
        both = np.concatenate([gold, pred])
        targets = np.concatenate([gold[:, 4], pred_targets])
        is_event = both[:, 3] == EVENT_TARGET
        target = np.where(is_event, -1 - targets, _span_key(np.column_stack([both[:, 0], targets, both[:, 5]]), 0, 1, 2))
        holder_and_target = _dense(_dense(_span_key(both, 0, 1, 2)) * (len(both) + 1) + _dense(target))
        polarity = both[:, 6]
        self._match(cells, "ST", holder_and_target * len(self.code) + polarity, both[:, 0], both[:, 1], polarity, len(gold))
        self._match(cells, "ST-ID", holder_and_target, both[:, 0], both[:, 1], np.zeros(len(both), np.int64), len(gold))

    def _match(self, cells: list[np.ndarray], metric: str, key: np.ndarray, docs: np.ndarray, positions: np.ndarray,
               breakdown: np.ndarray, n_gold: int) -> None:
        """Multiset matching of one metric's items: gold items are the first ``n_gold``, predictions the rest.

        Within a key, the first min(#gold, #predicted) items of each side in (position,
        record) order are pairs: ``align``'s content-order pairing of equal keys. Every key
        holds its document and breakdown label, so with one row per document the counts of
        a key are enough: min(#gold, #predicted) true positives, the rest misses and extras.
        """
        group = _dense(key)
        is_gold = np.arange(len(key)) < n_gold
        n_groups = int(group.max(initial=-1)) + 1
        n_gold_of = np.bincount(group[is_gold], minlength=n_groups)
        n_pred_of = np.bincount(group[~is_gold], minlength=n_groups)
        quota = np.minimum(n_gold_of, n_pred_of)
        if self.unit == "doc":
            member = np.zeros(n_groups, dtype=np.int64)
            member[group] = np.arange(len(group))  # an item of each key: its document and label
            for values, field in ((quota, TP), (n_gold_of - quota, FN), (n_pred_of - quota, FP)):
                index = member[values > 0]
                cells.append(_cells(docs[index], np.zeros(len(index), np.int64), metric, breakdown[index], field,
                                    values[values > 0]))
            return
        order = np.lexsort((positions, ~is_gold, group))  # by group, gold first, then position, then record
        run = group[order] * 2 + (~is_gold[order])
        rank = np.empty(len(key), dtype=np.int64)
        rank[order] = np.arange(len(key)) - np.searchsorted(run, run, side="left")
        matched = rank < quota[group]
        rows = self._rows(docs, positions)
        for index, field in ((is_gold & matched, TP), (is_gold & ~matched, FN), (~is_gold & ~matched, FP)):
            cells.append(_cells(docs[index], rows[index], metric, breakdown[index], field))

    def _summed(self, cells: list[np.ndarray], column: Callable[[str, str], int]) -> np.ndarray:
        """Equal cells summed, as (doc, row, column, field, value)."""
        table = np.concatenate(cells) if cells else np.zeros((0, 6), dtype=np.int64)
        sizes = [int(table[:, i].max(initial=0)) + 1 for i in range(5)]
        n_codes = float(np.prod(np.array(sizes, dtype=float)))
        if n_codes <= DENSE_CELLS:  # a count for every possible cell: no sort
            codes = np.ravel_multi_index(tuple(table[:, :5].T), sizes)
            unique = np.flatnonzero(np.bincount(codes, minlength=int(n_codes)))
            values = np.bincount(codes, weights=table[:, 5], minlength=int(n_codes))[unique].astype(np.int64)
            summed = np.column_stack(np.unravel_index(unique, sizes))
        else:
            if n_codes < 2.0**62:  # one int64 code per cell: 1-d sorts
                unique, inverse = np.unique(np.ravel_multi_index(tuple(table[:, :5].T), sizes), return_inverse=True)
                summed = np.column_stack(np.unravel_index(unique, sizes))
            else:
                summed, inverse = np.unique(table[:, :5], axis=0, return_inverse=True)
            values = np.bincount(inverse.reshape(-1), weights=table[:, 5], minlength=len(summed)).astype(np.int64)
        metric_label = summed[:, 2] * sizes[3] + summed[:, 3]
        present = _sorted_unique(metric_label)
        column_of = np.zeros(int(present.max(initial=0)) + 1, dtype=np.int64)
        column_of[present] = [column(METRICS[code // sizes[3]], self.code.names[code % sizes[3]])
                              for code in present.tolist()]
        return np.column_stack([summed[:, 0], summed[:, 1], column_of[metric_label], summed[:, 4], values])


def _set_numbers(members: np.ndarray, n_events: int) -> np.ndarray:
    """Number each event's set of members (rows (event, member), sorted, unique): equal sets,
    equal numbers; the empty set is a number too."""
    counts = np.bincount(members[:, 0], minlength=n_events) if len(members) else np.zeros(n_events, dtype=np.int64)
    width = int(counts.max(initial=0))
    if width == 0:
        return np.zeros(n_events, dtype=np.int64)
    firsts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    table = np.full((n_events, width), -1, dtype=np.int64)  # members are >= 0
    table[members[:, 0], np.arange(len(members)) - firsts[members[:, 0]]] = members[:, 1]
    order = np.lexsort(table.T[::-1])  # rows in lexicographic order
    ordered = table[order]
    new_set = np.ones(n_events, dtype=bool)
    new_set[1:] = (ordered[1:] != ordered[:-1]).any(axis=1)
    numbers = np.empty(n_events, dtype=np.int64)
    numbers[order] = np.cumsum(new_set) - 1
    return numbers


def _placed_within(pred: Prediction, n: int) -> bool:
    """Whether every span of ``pred`` has offsets, inside [0, n): validated input with no text-only span."""
    spans = [event.trigger for event in pred.events] + [a.span for event in pred.events for a in event.arguments]
    if pred.entities:
        spans += [m for entity in pred.entities for m in entity.mentions]
    for stance in pred.stances:
        spans += [stance.holder.span, *stance.evidence] + ([stance.target.span] if stance.target.span is not None else [])
    for span in spans:
        start, end = span.start, span.end
        if start is None or end is None or not 0 <= start < end <= n:
            return False
    return True


def _unique_triggers(events) -> bool:
    return len({(e.trigger.start, e.trigger.end) for e in events}) == len(events)


def _span_key(table: np.ndarray, doc: int, start: int, end: int) -> np.ndarray:
    return (table[:, doc] << (2 * OFFSET_BITS)) | (table[:, start] << OFFSET_BITS) | table[:, end]


def _sorted_unique(values: np.ndarray) -> np.ndarray:
    """The distinct values, sorted (``np.unique`` without options, which numpy 2 computes with a
    hash table, here 20 times slower than a sort)."""
    ordered = np.sort(values)
    return ordered[np.concatenate([[True], ordered[1:] != ordered[:-1]])] if len(ordered) else ordered


def _dense(key: np.ndarray) -> np.ndarray:
    """Keys renumbered 0..k-1 (equal keys, equal numbers), so that products of them stay small."""
    return np.unique(key, return_inverse=True)[1].reshape(-1).astype(np.int64)


def _tally(cells: list[np.ndarray], metric: str, gold_docs, gold_rows, gold_labels, pred_docs, pred_rows, pred_labels,
           gold_paired: np.ndarray, pred_paired: np.ndarray) -> None:
    """Cells of a one-to-one alignment given as paired indices: tp and fn on gold rows, fp on predicted ones."""
    gold_hit = np.zeros(len(gold_docs), dtype=bool)
    gold_hit[gold_paired] = True
    pred_hit = np.zeros(len(pred_docs), dtype=bool)
    pred_hit[pred_paired] = True
    cells.append(_cells(gold_docs[gold_hit], gold_rows[gold_hit], metric, gold_labels[gold_hit], TP))
    cells.append(_cells(gold_docs[~gold_hit], gold_rows[~gold_hit], metric, gold_labels[~gold_hit], FN))
    cells.append(_cells(pred_docs[~pred_hit], pred_rows[~pred_hit], metric, pred_labels[~pred_hit], FP))


def _cells(docs: np.ndarray, rows: np.ndarray, metric: str, labels: np.ndarray, field: int,
           values: np.ndarray | None = None) -> np.ndarray:
    """Count cells (doc, row, metric, label, field, value); ``values`` defaults to one per cell."""
    n = len(docs)
    return np.column_stack([docs, rows, np.full(n, METRICS.index(metric), np.int64), labels,
                            np.full(n, field, np.int64), np.ones(n, np.int64) if values is None else values]
                           ).astype(np.int64, copy=False)
