"""When a predicted item agrees with a gold item, and the one alignment function.

An *item* (``Item``) is what one metric counts: a ``label`` that must be equal (event type,
role, polarity...) and ``slots`` that must agree (trigger span, argument span, holder...).
A gold slot lists its acceptable *alternatives* (one mention, or every mention of the
entity under coreference matching); a predicted slot holds one value. A value is a span
``(start, end)`` or a token string (an entity or event identity). Two values agree when:

* both are spans and the span rule holds: ``exact`` (same offsets) or ``overlap`` (share
  at least one character);
* both are tokens and are equal.

Alignment is one-to-one and deterministic: a maximum matching (the largest number of
pairs), among those the one with the largest total agreement (the mean Jaccard overlap of
the slots and the share of equal attributes such as type, factuality and mode, carried in
``payload``), remaining ties resolved by content (items sorted by position, then value,
then payload, whose last field is the record id), never by the order of the records.
Unmatched predictions are false positives (duplicates included), unmatched gold items
false negatives.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any, NamedTuple

import numpy as np

SPAN_RULES = ("exact", "overlap")


class Item(NamedTuple):
    """One scoring unit: equal ``label``, agreeing ``slots``; ``position`` places it in the text."""

    label: tuple
    slots: tuple[tuple[Any, ...], ...]
    position: int
    breakdown: str = ""
    payload: tuple = ()  # (attributes..., record id): breaks ties by agreement, then by content


class Alignment(NamedTuple):
    pairs: list[tuple[int, int]]  # (gold index, predicted index)
    missed: list[int]  # gold indices left unmatched
    spurious: list[int]  # predicted indices left unmatched


def _jaccard(a: tuple[int, int], b: tuple[int, int]) -> float:
    inter = min(a[1], b[1]) - max(a[0], b[0])
    return inter / (max(a[1], b[1]) - min(a[0], b[0])) if inter > 0 else 0.0


def agreement(gold_alternatives: tuple, value: Any, span_rule: str) -> float:
    """How well a predicted value agrees with a gold slot: 0 = not at all, else in (0, 1]."""
    best = 0.0
    for alternative in gold_alternatives:
        if isinstance(alternative, tuple) and isinstance(value, tuple):
            if alternative == value:
                return 1.0
            if span_rule == "overlap" and alternative[0] < value[1] and value[0] < alternative[1]:
                best = max(best, _jaccard(alternative, value) or 1e-9)
        elif alternative == value:
            return 1.0
    return best


def _attribute_agreement(a: Item, b: Item) -> float:
    """Share of equal attributes (the payload without its last field, the record id), in [0, 1]."""
    left, right = a.payload[:-1], b.payload[:-1]
    if not left or len(left) != len(right):
        return 0.0
    return sum(x == y for x, y in zip(left, right)) / len(left)


def _order(items: list[Item], indices: list[int]) -> list[int]:
    return sorted(indices, key=lambda i: (items[i].position, repr(items[i].slots), repr(items[i].payload)))


def align(gold: list[Item], pred: list[Item], span_rule: str = "exact") -> Alignment:
    """Match gold and predicted items one-to-one (see the module docstring for the rule)."""
    groups: dict[tuple, tuple[list[int], list[int]]] = defaultdict(lambda: ([], []))
    for i, item in enumerate(gold):
        groups[item.label][0].append(i)
    for j, item in enumerate(pred):
        groups[item.label][1].append(j)
    pairs: list[tuple[int, int]] = []
    keys_are_values = span_rule == "exact" and all(len(alts) == 1 for item in gold for alts in item.slots)
    for gold_ids, pred_ids in groups.values():
        if not gold_ids or not pred_ids:
            continue
        if len(gold_ids) == 1 and len(pred_ids) == 1:  # the common case: one candidate on each side
            i, j = gold_ids[0], pred_ids[0]
            if all(agreement(alts, value[0], span_rule) for alts, value in zip(gold[i].slots, pred[j].slots)):
                pairs.append((i, j))
        elif keys_are_values:
            pairs.extend(_match_equal(gold, pred, gold_ids, pred_ids))
        else:
            pairs.extend(_match_best(gold, pred, _order(gold, gold_ids), _order(pred, pred_ids), span_rule))
    matched_gold = {g for g, _ in pairs}
    matched_pred = {p for _, p in pairs}
    return Alignment(
        sorted(pairs),
        [i for i in range(len(gold)) if i not in matched_gold],
        [j for j in range(len(pred)) if j not in matched_pred],
    )


def _match_equal(gold: list[Item], pred: list[Item], gold_ids: list[int], pred_ids: list[int]) -> list[tuple[int, int]]:
    """Equality is an equivalence, so any pairing within a key is a maximum matching; among
    several candidates of one key, the pairing that agrees most on attributes is chosen."""
    waiting: dict[tuple, list[int]] = defaultdict(list)
    for i in gold_ids:
        waiting[gold[i].slots].append(i)
    offered: dict[tuple, list[int]] = defaultdict(list)
    for j in pred_ids:
        offered[pred[j].slots].append(j)
    pairs: list[tuple[int, int]] = []
    for key, preds in offered.items():
        golds = waiting.get(key)
        if not golds:
            continue
        if len(golds) == 1 and len(preds) == 1:
            pairs.append((golds[0], preds[0]))
        elif len({gold[i].payload[:-1] for i in golds} | {pred[j].payload[:-1] for j in preds}) <= 1:
            pairs.extend(zip(_order(gold, golds), _order(pred, preds)))  # nothing to prefer: content order
        else:
            pairs.extend(_match_best(gold, pred, _order(gold, golds), _order(pred, preds), "exact"))
    return pairs


def _match_best(gold: list[Item], pred: list[Item], gold_ids: list[int], pred_ids: list[int], span_rule: str):
    """Maximum matching with the largest total agreement (Hungarian algorithm, scipy)."""
    epsilon = 1.0 / (min(len(gold_ids), len(pred_ids)) + 1)
    weights = np.zeros((len(gold_ids), len(pred_ids)))
    for row, i in enumerate(gold_ids):
        for col, j in enumerate(pred_ids):
            scores = [agreement(alts, value[0], span_rule) for alts, value in zip(gold[i].slots, pred[j].slots)]
            if all(scores):
                overlap = sum(scores) / len(scores) if scores else 1.0
                weights[row, col] = 1.0 + epsilon * (overlap + _attribute_agreement(gold[i], pred[j])) / 2
    if not weights.any():
        return
    from scipy.optimize import linear_sum_assignment  # imported when first needed: it takes a quarter second

    rows, cols = linear_sum_assignment(weights, maximize=True)
    for row, col in zip(rows, cols):
        if weights[row, col] > 0:
            yield gold_ids[row], pred_ids[col]
