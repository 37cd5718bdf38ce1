"""Counts(tp, fp, fn) and the one function that turns counts into precision, recall and F1.

Scores are fractions in [0, 1]. Micro averaging sums counts, then divides; macro divides
per label, then averages. A ratio whose denominator is zero takes the ``zero_division``
value (default 0.0), recorded in the signature; nothing is ever ``None`` or an epsilon.
"""

from __future__ import annotations

from typing import NamedTuple


class Counts(NamedTuple):
    """True positives, false positives, false negatives; ``+`` adds them (micro averaging)."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def __add__(self, other: "Counts") -> "Counts":  # type: ignore[override]
        return Counts(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn)

    @property
    def predicted(self) -> int:
        return self.tp + self.fp

    @property
    def gold(self) -> int:
        return self.tp + self.fn


class PRF(NamedTuple):
    precision: float
    recall: float
    f1: float


def prf(counts: Counts, zero_division: float = 0.0) -> PRF:
    """Precision tp/(tp+fp), recall tp/(tp+fn), F1 their harmonic mean.

    >>> prf(Counts(tp=2, fp=1, fn=2))
    PRF(precision=0.6666666666666666, recall=0.5, f1=0.5714285714285714)
    >>> prf(Counts(0, 0, 0))
    PRF(precision=0.0, recall=0.0, f1=0.0)
    """
    tp, fp, fn = counts
    if min(tp, fp, fn) < 0:  # tp <= min(predicted, gold) holds iff fp, fn >= 0; else a scorer bug
        raise ValueError(f"invalid counts {counts}")
    precision = tp / (tp + fp) if tp + fp else zero_division
    recall = tp / (tp + fn) if tp + fn else zero_division
    # F1 from counts (2tp / (2tp + fp + fn)) avoids the 0/0 of the harmonic mean when P = R = 0.
    f1 = 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else zero_division
    return PRF(precision, recall, f1)


def macro_f1(per_label: dict[str, Counts], zero_division: float = 0.0) -> float:
    """Mean F1 over the labels given (those seen in gold or predictions), or ``zero_division``."""
    if not per_label:
        return zero_division
    return sum(prf(c, zero_division).f1 for c in per_label.values()) / len(per_label)
