"""Inter-annotator agreement: one annotation pass scored against another with the scorer.

Pass A plays the gold, pass B the prediction (all layers, entities included), so agreement
is the F1 the scorer reports (symmetric: swapping the passes swaps P and R and keeps F1).
Cohen's kappa is added for the labels of matched items (event type over span-matched
triggers, factuality over type-matched triggers), where chance agreement is meaningful.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import msgspec

from benchmark.labels import LabelSet, load_labels
from benchmark.loader import Corpus
from benchmark.model import Document, Prediction
from benchmark.scorer import Report, ResamplingOptions, ScoringOptions, score

LAYERS = ("ENT-I", "ENT-C", "TI", "TC", "AI", "AC", "AC+", "TUPLE", "FACT", "MODE", "ST", "ST-ID")


def as_prediction(doc: Document) -> Prediction:
    """A gold document seen as a system's output (every layer kept, segmentation dropped)."""
    raw = msgspec.to_builtins(doc)
    for key in ("paragraphs", "sentences", "meta", "text"):
        raw.pop(key, None)
    return msgspec.convert(raw, Prediction)


def cohen_kappa(pairs: Counter) -> float | None:
    """Cohen's kappa of (label A, label B) pair counts; ``None`` when chance agreement is 1."""
    total = sum(pairs.values())
    if not total:
        return None
    observed = sum(n for (a, b), n in pairs.items() if a == b) / total
    left, right = Counter(), Counter()
    for (a, b), n in pairs.items():
        left[a] += n
        right[b] += n
    expected = sum(left[k] * right[k] for k in left) / (total * total)
    return None if expected == 1 else (observed - expected) / (1 - expected)


@dataclass(frozen=True)
class Agreement:
    report: Report
    type_kappa: float | None

    def table(self) -> dict[str, dict[str, float | int]]:
        rows = {}
        for name in LAYERS:
            result = self.report.metrics[name]
            rows[name] = {"f1": result.f1, "a_items": result.counts.gold, "b_items": result.counts.predicted,
                          "matched": result.counts.tp}
        return rows


def agreement(a: list[Document], b: list[Document], labels: LabelSet | None = None, *, span: str = "exact",
              args: str = "mention") -> Agreement:
    """Score pass B against pass A, document by document (same ids in both)."""
    labels = labels or load_labels()
    corpus = Corpus(tuple(a), "<pass A>", labels)
    report = score(corpus, [as_prediction(doc) for doc in b], options=ScoringOptions(span=span, args=args),
                   resampling=ResamplingOptions(n=0))
    return Agreement(report, cohen_kappa(Counter(report.confusion)))
