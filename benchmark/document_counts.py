"""The reference counts of one document: every metric's tp, fp and fn per (row, metric, label).

``score_document`` is the definition of what is counted: item builders from
``benchmark.units``, the one alignment of ``benchmark.match``, rows from the resampling
units. ``benchmark.vectorised`` computes the same counts for many documents at once under
the default rules; the corpus-level scorer (``benchmark.scorer``) adds documents up.
"""

from __future__ import annotations

import bisect
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from benchmark import units
from benchmark.match import Alignment, Item, align
from benchmark.model import Document, Prediction
from benchmark.textalign import resolve_prediction

if TYPE_CHECKING:
    from benchmark.scorer import ScoringOptions

TEXTEE_METRICS = ("TI", "TC", "AI", "AC", "AI+", "AC+")


# --- one document --------------------------------------------------------------------------


@dataclass
class DocumentScore:
    """What one document contributes: tp, fp and fn counted per (row, metric, label); the type confusion."""

    tp: Counter = field(default_factory=Counter)
    fp: Counter = field(default_factory=Counter)
    fn: Counter = field(default_factory=Counter)
    confusion: Counter = field(default_factory=Counter)
    unresolved: list[str] = field(default_factory=list)

    @property
    def counts(self) -> dict[tuple[int, str, str], list[int]]:
        """(row, metric, label) -> [tp, fp, fn]."""
        return {key: [self.tp[key], self.fp[key], self.fn[key]] for key in self.tp.keys() | self.fp.keys() | self.fn.keys()}


def _dedupe(items: list[Item]) -> list[Item]:
    """TextEE's set semantics: identical keys collapse; the kept item is the first by content
    (position, then payload), so the count table never depends on the order of records."""
    seen: dict[tuple, Item] = {}
    for item in sorted(items, key=lambda i: (i.position, repr(i.payload))):
        seen.setdefault((item.label, item.slots), item)
    return list(seen.values())


def unit_starts(gold: Document, unit: str) -> list[int]:
    """Start offsets of a document's resampling units (one unit for ``doc``)."""
    if unit == "sentence":
        return [s.start for s in gold.sentences]
    if unit == "paragraph":
        return [p.start for p in gold.paragraphs]
    return [0]


def score_document(gold: Document, pred: Prediction | None, options: ScoringOptions,
                   invalid: tuple[int, int, int] = (0, 0, 0), unit: str = "sentence") -> DocumentScore:
    """Counts of every metric for one gold document and its prediction (``None``: predicted nothing).

    This is the reference definition of every count (``benchmark.vectorised`` reproduces it
    faster for the default rules). ``invalid`` = (events, their arguments, stances) that
    lenient validation removed from the prediction: each event is a false positive of TI,
    TC and TUPLE, each of its arguments one of AI, AC, AI+ and AC+, each stance one of ST
    and ST-ID. They are counted in the metric's unlabelled column, so they cost precision
    but stay out of per-label breakdowns, macro-F1 and F_avg (their labels are not trusted).
    """
    pred = pred if pred is not None else Prediction(id=gold.id)
    pred, unresolved = resolve_prediction(pred, gold)
    result = DocumentScore(unresolved=unresolved)
    rows = RowLocator(gold, unit)

    def count(metric: str, gold_items: list[Item], pred_items: list[Item], alignment: Alignment | None = None):
        if options.compat == "textee" and metric in TEXTEE_METRICS:
            gold_items, pred_items, alignment = _dedupe(gold_items), _dedupe(pred_items), None
        tally(result, metric, gold_items, pred_items, alignment or align(gold_items, pred_items, options.span), rows)

    coref = options.args == "coref"
    for metric, typed in (("ENT-I", False), ("ENT-C", True)):
        count(metric, units.gold_entity_items(gold, typed), units.pred_entity_items(pred, typed))
    # Item lists of triggers are parallel to the event lists, so alignment indices are event indices.
    gold_ti, pred_ti = units.gold_trigger_items(gold, False), units.pred_trigger_items(pred, False)
    ti = align(gold_ti, pred_ti, options.span)
    count("TI", gold_ti, pred_ti, ti)
    for g, p in ti.pairs:
        result.confusion[(gold.events[g].type, pred.events[p].type)] += 1
    gold_tc, pred_tc = units.gold_trigger_items(gold, True), units.pred_trigger_items(pred, True)
    tc = align(gold_tc, pred_tc, options.span)
    count("TC", gold_tc, pred_tc, tc)
    for metric, with_role, attached in (("AI", False, False), ("AC", True, False), ("AI+", False, True), ("AC+", True, True)):
        count(metric, units.gold_argument_items(gold, with_role, attached, coref),
              units.pred_argument_items(pred, with_role, attached))
    count("TUPLE", units.gold_tuple_items(gold), units.pred_tuple_items(pred, units.entity_resolver(gold, options.span)))
    for metric, index in (("FACT", 1), ("MODE", 2)):  # payload: (type, factuality, mode, id)
        for g, p in tc.pairs:
            gold_label = gold_tc[g].payload[index] or "none"
            pred_label = pred_tc[p].payload[index] or "none"
            r = rows(gold_tc[g].position)
            if gold_label == pred_label:
                result.tp[(r, metric, gold_label)] += 1
            else:
                result.fp[(r, metric, pred_label)] += 1
                result.fn[(r, metric, gold_label)] += 1
    count_stances(result, gold, pred, options, {pred.events[p].id: gold.events[g].id for g, p in tc.pairs}, rows)
    for metrics, n in ((("TI", "TC", "TUPLE"), invalid[0]), (("AI", "AC", "AI+", "AC+"), invalid[1]),
                       (("ST", "ST-ID"), invalid[2])):
        for metric in metrics:
            if n:
                result.fp[(0, metric, "")] += n
    return result


class RowLocator:
    """The resampling unit (row of the document) holding a text position; 0 for unplaced items."""

    def __init__(self, gold: Document, unit: str):
        self.starts = unit_starts(gold, unit)
        self.single = len(self.starts) == 1

    def __call__(self, position: int) -> int:
        return 0 if self.single else max(bisect.bisect_right(self.starts, position) - 1, 0)


def tally(result: DocumentScore, metric: str, gold_items: list[Item], pred_items: list[Item], alignment: Alignment,
          rows: RowLocator) -> None:
    """Add an alignment to the counts: pairs are true positives, missed gold false negatives, spurious predictions false positives."""
    if rows.single:
        result.tp.update([(0, metric, gold_items[g].breakdown) for g, _ in alignment.pairs])
        result.fn.update([(0, metric, gold_items[g].breakdown) for g in alignment.missed])
        result.fp.update([(0, metric, pred_items[p].breakdown) for p in alignment.spurious])
        return
    result.tp.update([(rows(gold_items[g].position), metric, gold_items[g].breakdown) for g, _ in alignment.pairs])
    result.fn.update([(rows(gold_items[g].position), metric, gold_items[g].breakdown) for g in alignment.missed])
    result.fp.update([(rows(pred_items[p].position), metric, pred_items[p].breakdown) for p in alignment.spurious])


def count_stances(result: DocumentScore, gold: Document, pred: Prediction, options: ScoringOptions,
                  gold_event_of: dict[str, str], rows: RowLocator) -> None:
    """ST and ST-ID; ``gold_event_of`` maps predicted event ids to the gold events TC aligned them with."""
    coref = options.args == "coref"
    for metric, with_polarity in (("ST", True), ("ST-ID", False)):
        gold_items = units.gold_stance_items(gold, with_polarity, coref)
        pred_items = units.pred_stance_items(pred, with_polarity, gold_event_of)
        tally(result, metric, gold_items, pred_items, align(gold_items, pred_items, options.span), rows)
