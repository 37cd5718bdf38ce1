"""score(gold, predictions) -> Report: every metric's counts, scores, intervals and signature.

Counts are additive: each document contributes per-unit (sentence) counts for every
(metric, label) column; the corpus score is their sum, so scoring streams over the
predictions, and the bootstrap resamples rows of the table without re-matching.
"""

from __future__ import annotations

from array import array
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from benchmark import vectorised
from benchmark.counts import Counts, macro_f1, prf
from benchmark.errors import UsageError
from benchmark.loader import Corpus, GoldIndex
from benchmark.document_counts import DocumentScore, score_document
from benchmark.match import SPAN_RULES
from benchmark.metrics import COUNTED, F_AVG_POLARITIES, METRICS
from benchmark.model import Document, Prediction
from benchmark.resampling import bootstrap_sums, percentile_interval
from benchmark.signature import Signature

ARG_RULES = ("mention", "coref")
COMPAT_MODES = ("none", "textee")
RESAMPLING_UNITS = ("auto", "doc", "paragraph", "sentence")
MIN_DOCUMENTS_FOR_DOC_RESAMPLING = 30  # below this, "auto" resamples sentences (few units: intervals too narrow)
MIN_RESAMPLING_UNITS = 30  # fewer units than this get a warning: percentile intervals and p-values are unreliable
MAX_RESAMPLES = 100_000


@dataclass(frozen=True)
class ScoringOptions:
    """Every choice that changes a count. Defaults: exact spans, exact argument mentions."""

    span: str = "exact"
    args: str = "mention"
    compat: str = "none"
    zero_division: float = 0.0

    def __post_init__(self) -> None:
        for name, value, allowed in (("span", self.span, SPAN_RULES), ("args", self.args, ARG_RULES),
                                     ("compat", self.compat, COMPAT_MODES)):
            if value not in allowed:
                raise UsageError(f"--{name} must be one of {', '.join(allowed)} (got {value!r})")
        if self.compat == "textee" and (self.span, self.args) != ("exact", "mention"):
            raise UsageError("--compat textee reproduces TextEE's exact-span, mention-level keys; "
                             "it cannot be combined with --span overlap or --args coref")
        if self.zero_division not in (0.0, 1.0):
            raise UsageError(f"zero_division must be 0 or 1 (got {self.zero_division})")


@dataclass(frozen=True)
class ResamplingOptions:
    """How confidence intervals are computed: unit, number of resamples, seed, level.

    ``unit="auto"`` resamples documents when the gold has at least
    ``MIN_DOCUMENTS_FOR_DOC_RESAMPLING`` of them, else sentences; the signature records the
    unit actually used.
    """

    def resolved(self, n_documents: int) -> "ResamplingOptions":
        if self.unit != "auto":
            return self
        unit = "doc" if n_documents >= MIN_DOCUMENTS_FOR_DOC_RESAMPLING else "sentence"
        return ResamplingOptions(unit=unit, n=self.n, seed=self.seed, level=self.level)


    unit: str = "auto"
    n: int = 1000
    seed: int = 0
    level: float = 0.95

    def __post_init__(self) -> None:
        if self.unit not in RESAMPLING_UNITS:
            raise UsageError(f"--unit must be one of {', '.join(RESAMPLING_UNITS)} (got {self.unit!r})")
        if not 0 <= self.n <= MAX_RESAMPLES:
            raise UsageError(f"--bootstrap must be between 0 and {MAX_RESAMPLES:,} (got {self.n})")
        if self.seed < 0:
            raise UsageError(f"--seed must be >= 0 (got {self.seed})")
        if not 0 < self.level < 1:
            raise UsageError(f"the confidence level must be in (0, 1) (got {self.level})")


# --- the corpus ----------------------------------------------------------------------------


@dataclass(frozen=True)
class MetricResult:
    """One metric's corpus-level numbers."""

    name: str
    counts: Counts
    precision: float
    recall: float
    f1: float
    macro_f1: float | None
    ci: dict[str, tuple[float, float]]
    per_label: dict[str, Counts]

    def to_json(self, zero_division: float) -> dict[str, Any]:
        return {
            "tp": self.counts.tp, "fp": self.counts.fp, "fn": self.counts.fn,
            "precision": self.precision, "recall": self.recall, "f1": self.f1, "macro_f1": self.macro_f1,
            "ci": {k: list(v) for k, v in self.ci.items()},
            "per_label": {label: dict(zip(("tp", "fp", "fn"), c)) | prf(c, zero_division)._asdict()
                          for label, c in self.per_label.items()},
        }


@dataclass(frozen=True)
class LenientSummary:
    """What ``--lenient`` skipped: problems found, and events/stances/entities removed."""

    problems: int
    events: int
    stances: int
    entities: int
    first_problems: list[str]


@dataclass
class Report:
    """Everything a scoring run found: the count table, per-metric results, signature, notes."""

    options: ScoringOptions
    resampling: ResamplingOptions
    signature: Signature
    columns: list[tuple[str, str]]
    table: np.ndarray  # (rows, columns, 3) int64; rows: the resampling units, documents in id order
    row_doc: np.ndarray  # document index of each row
    doc_ids: list[str]
    metrics: dict[str, MetricResult]
    confusion: dict[tuple[str, str], int]
    missing_documents: list[str]
    unresolved_spans: list[str]
    skipped_metrics: dict[str, str]
    type_mappings: list[str] = field(default_factory=list)  # digests of mappings applied by `evbench convert --map`
    lenient: LenientSummary | None = None  # set when scored with --lenient

    def unit_table(self, unit: str | None = None) -> np.ndarray:
        """The count table by resampling unit (the report's own), or summed to documents (``"doc"``)."""
        if unit is None or unit == self.resampling.unit:
            return self.table
        if unit != "doc":
            raise UsageError(f"this report counted by {self.resampling.unit}; {unit} rows are not available")
        summed = np.zeros((len(self.doc_ids), *self.table.shape[1:]), dtype=self.table.dtype)
        np.add.at(summed, self.row_doc, self.table)
        return summed

    def label_intervals(self, metric: str) -> dict[str, tuple[float, float]]:
        """Bootstrap CI of F1 for each label of a metric's breakdown (same unit, n and level; own stream).

        Empty when the report was computed without resampling (``n = 0``).
        """
        cols = [(i, label) for i, (m, label) in enumerate(self.columns) if m == metric and label]
        table = self.unit_table()
        if not cols or not table.shape[0] or not self.resampling.n:
            return {}
        rng = np.random.default_rng([self.resampling.seed, 1])
        (sums,) = bootstrap_sums([table[:, [i for i, _ in cols]]], self.resampling.n, rng)
        tp, fp, fn = sums[..., 0], sums[..., 1], sums[..., 2]
        denominator = 2 * tp + fp + fn
        f1 = np.where(denominator > 0, 2 * tp / np.maximum(denominator, 1), np.nan)
        return {label: percentile_interval(f1[:, j], self.resampling.level)
                for j, (_, label) in enumerate(cols) if not np.isnan(f1[:, j]).all()}

    def per_document(self, metric: str = "TC") -> dict[str, dict[str, float]]:
        """Each document's counts and scores for one metric."""
        docs = self.unit_table("doc")
        cols = [i for i, (m, _) in enumerate(self.columns) if m == metric]
        result = {}
        for index, doc_id in enumerate(self.doc_ids):
            c = Counts(*(int(v) for v in docs[index, cols].sum(0))) if cols else Counts()
            result[doc_id] = dict(zip(("tp", "fp", "fn"), c)) | prf(c, self.options.zero_division)._asdict()
        return result

    def to_json(self) -> dict[str, Any]:
        zd = self.options.zero_division
        return {
            "signature": str(self.signature),
            "options": self.signature.fields(),
            "metrics": {name: result.to_json(zd) for name, result in self.metrics.items()},
            "skipped_metrics": self.skipped_metrics,
            "confusion": [{"gold": g, "pred": p, "count": n} for (g, p), n in sorted(self.confusion.items())],
            "missing_documents": self.missing_documents,
            "unresolved_spans": self.unresolved_spans,
            "type_mappings": self.type_mappings,
            "lenient": None if self.lenient is None else {
                "problems": self.lenient.problems, "removed_events": self.lenient.events,
                "removed_stances": self.lenient.stances, "removed_entities": self.lenient.entities,
                "first_problems": self.lenient.first_problems},
            "per_document": {name: self.per_document(name) for name in ("TC", "AC+", "ST")},
        }


class CountTable:
    """Count cells of documents as they arrive, kept compact (int32 blocks), then one numpy table.

    A cell is (document, row within the document, column, field, value): field 0, 1, 2 are
    tp, fp, fn; columns are (metric, label) pairs numbered as they first appear. Memory is
    the cells, not the documents.
    """

    def __init__(self) -> None:
        unlabelled = [(m, "") for m in COUNTED if METRICS[m].breakdown == ""]  # always present, even when empty
        self.columns: dict[tuple[str, str], int] = {column: i for i, column in enumerate(unlabelled)}
        self.documents: dict[str, int] = {}  # document id -> its number, in the order added
        self.blocks: list[np.ndarray] = []  # (n, 5) int32 cells, first column the document number

    def column(self, metric: str, label: str) -> int:
        """The number of a (metric, label) column, given the first time it is asked for."""
        return self.columns.setdefault((metric, label), len(self.columns))

    def add(self, doc_id: str, doc_score: DocumentScore) -> None:
        cells = [(0, row, self.column(metric, label), field_index, value)
                 for field_index, counter in enumerate((doc_score.tp, doc_score.fp, doc_score.fn))
                 for (row, metric, label), value in counter.items()]
        self.add_block([doc_id], np.array(cells, dtype=np.int64).reshape(-1, 5))

    def add_block(self, doc_ids: list[str], cells: np.ndarray) -> None:
        """Documents' cells; the first column numbers the document in ``doc_ids``."""
        first = len(self.documents)
        for offset, doc_id in enumerate(doc_ids):
            self.documents[doc_id] = first + offset
        block = cells.astype(np.int32)
        block[:, 0] += first
        self.blocks.append(block)

    def merge(self, other: "CountTable") -> None:
        """Add another table's documents (none of them in this one)."""
        number = np.array([self.column(*column) for column in other.columns], dtype=np.int32)
        first = len(self.documents)
        for doc_id, index in other.documents.items():
            self.documents[doc_id] = first + index
        for block in other.blocks:
            block = block.copy()
            block[:, 0] += first
            block[:, 2] = number[block[:, 2]]
            self.blocks.append(block)

    def build(self, unit_counts: list[tuple[str, int]]) -> tuple[list[tuple[str, str]], np.ndarray, np.ndarray]:
        """(columns in metric order, (rows, columns, 3) table, document index of each row)."""
        ordered = sorted(self.columns, key=lambda c: (COUNTED.index(c[0]), c[1]))
        position = np.empty(len(self.columns), dtype=np.int64)
        for i, column in enumerate(ordered):
            position[self.columns[column]] = i
        sizes = np.array([n for _, n in unit_counts], dtype=np.int64)
        first_rows = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64)
        first_row_of = np.zeros(len(self.documents) + 1, dtype=np.int64)  # by document number
        for (doc_id, _), first_row in zip(unit_counts, first_rows.tolist()):
            if doc_id in self.documents:
                first_row_of[self.documents[doc_id]] = first_row
        table = np.zeros((int(sizes.sum()), len(ordered), 3), dtype=np.int64)
        flat = table.reshape(-1)
        for block in self.blocks:  # block by block: temporaries stay the size of a block
            cells = block.astype(np.int64)
            index = ((first_row_of[cells[:, 0]] + cells[:, 1]) * len(ordered) + position[cells[:, 2]]) * 3 + cells[:, 3]
            np.add.at(flat, index, cells[:, 4])
        row_doc = np.repeat(np.arange(len(unit_counts), dtype=np.int64), sizes)
        return ordered, table, row_doc


def _statistics(columns: list[tuple[str, str]], zero_division: float, drop_undefined: bool = False):
    """Vectorised P, R, F1 of every counted metric and F_avg from summed (draws, columns, 3) counts.

    A ratio with a zero denominator is ``zero_division``, as for point estimates. With
    ``drop_undefined`` (inside the bootstrap) a draw in which a metric is undefined — no
    gold and no predicted item at all — gives NaN for all three, so that the draw is left
    out of that metric's interval (docs/metrics.md, section 5).
    """
    by_metric: dict[str, list[int]] = {metric: [] for metric in COUNTED}
    for i, (metric, _) in enumerate(columns):
        by_metric[metric].append(i)
    polarity_cols = {label: i for i, (m, label) in enumerate(columns) if m == "ST" and label in F_AVG_POLARITIES}
    undefined = np.nan if drop_undefined else zero_division

    def ratio(num, den):
        return np.where(den > 0, num / np.maximum(den, 1), zero_division)

    def prf_of(sums):
        tp, fp, fn = sums[..., 0], sums[..., 1], sums[..., 2]
        empty = (tp + fp + fn) == 0
        return tuple(np.where(empty, undefined, value)
                     for value in (ratio(tp, tp + fp), ratio(tp, tp + fn), ratio(2 * tp, 2 * tp + fp + fn)))

    def compute(sums: np.ndarray) -> dict[str, dict[str, np.ndarray]]:
        out = {}
        for metric, cols in by_metric.items():
            p, r, f = prf_of(sums[:, cols].sum(1))
            out[metric] = {"precision": p, "recall": r, "f1": f}
        out["F_avg"] = {"f1": f_avg(sums)}
        return out

    def f_avg(sums: np.ndarray) -> np.ndarray:
        # Mean F1 over the polarities of F_AVG_POLARITIES that occur (gold or predicted) in the
        # sample; SemEval-2016's script always averages both, which scores a perfect system 0.5
        # on data without any 'favor' tuple.
        total = np.zeros(sums.shape[0])
        present = np.zeros(sums.shape[0])
        for col in polarity_cols.values():
            tp, fp, fn = sums[:, col, 0], sums[:, col, 1], sums[:, col, 2]
            occurs = (tp + fp + fn) > 0
            total += np.where(occurs, 2 * tp / np.maximum(2 * tp + fp + fn, 1), 0.0)
            present += occurs
        return np.where(present > 0, total / np.maximum(present, 1), undefined)

    return compute


class Tally:
    """Counting documents one by one: the count table, the type confusion, unresolved spans, notes.

    ``add`` counts a document with ``benchmark.vectorised`` where it applies (in batches,
    same counts) and with the reference ``score_document`` otherwise; ``finish`` counts what
    is still batched. Tallies of disjoint documents ``merge`` (parallel scoring).
    """

    def __init__(self, options: ScoringOptions, unit: str, vectorise: bool = True):
        self.options, self.unit = options, unit
        self.counts = CountTable()
        self.confusion: Counter = Counter()
        self.unresolved: list[str] = []
        self.mappings: set[str] = set()  # digests of type mappings the predictions were converted with
        self.any_entities = False  # whether any prediction has an entity layer
        self.batch = vectorised.Batch(options, unit) if vectorise and vectorised.applies(options) else None

    def add(self, gold: Document, pred: Prediction | None, removed: tuple[int, int, int] = (0, 0, 0)) -> None:
        """Count one document (``pred=None``: nothing predicted); ``removed``: see ``score_document``."""
        if pred is not None:
            if pred.meta and "type_mapping" in pred.meta:
                self.mappings.add(str(pred.meta["type_mapping"]))
            self.any_entities = self.any_entities or pred.entities is not None
        if self.batch is not None and removed == (0, 0, 0) and self.batch.add(gold, pred):
            if self.batch.full:
                self._count_batch()
            return
        doc_score = score_document(gold, pred, self.options, removed, self.unit)
        self.counts.add(gold.id, doc_score)
        self.confusion.update(doc_score.confusion)
        self.unresolved.extend(f"{gold.id}: {where}" for where in doc_score.unresolved)

    def finish(self) -> "Tally":
        if self.batch is not None:
            self._count_batch()
            self.batch = None
        return self

    def _count_batch(self) -> None:
        doc_ids, cells, confusion = self.batch.count(self.counts.column)  # type: ignore[union-attr]
        self.counts.add_block(doc_ids, cells)
        self.confusion.update(confusion)

    def merge(self, other: "Tally") -> None:
        """Add the counts of another finished tally of other documents."""
        self.counts.merge(other.counts)
        self.confusion.update(other.confusion)
        self.unresolved.extend(other.unresolved)
        self.mappings |= other.mappings
        self.any_entities = self.any_entities or other.any_entities


def score(
    gold: Corpus | GoldIndex,
    predictions: Iterable[Prediction],
    *,
    invalid: dict[str, tuple[int, int, int]] | None = None,
    options: ScoringOptions | None = None,
    resampling: ResamplingOptions | None = None,
    rng: np.random.Generator | None = None,
    vectorise: bool = True,
) -> Report:
    """Score predictions against a gold corpus.

    Args:
        gold: validated gold documents: a ``Corpus`` (``benchmark.load_gold``) or a
            ``GoldIndex`` (``benchmark.loader.index_gold``, documents read on demand).
        predictions: validated predictions (``benchmark.iter_predictions``), any order; a
            gold document with no prediction scores as predicting nothing and is listed.
        options: match rules (``ScoringOptions``); defaults: exact spans, mention arguments.
        resampling: bootstrap settings (``ResamplingOptions``); defaults: unit ``auto``, 1,000, seed 0, 95 %.
        rng: overrides the generator seeded from ``resampling.seed``.
        vectorise: count with ``benchmark.vectorised`` where it applies (same counts, faster);
            ``False`` counts every document with the reference ``score_document``.
        invalid: lenient scoring: per document id, (events, their arguments, stances)
            removed by lenient validation; each counts as a false positive (see
            ``score_document``). Given, it marks the report ``valid:lenient`` in the signature.

    Raises:
        UsageError: a prediction's document id is not in the gold, or appears twice.
    """
    options = options or ScoringOptions()
    resampling = (resampling or ResamplingOptions()).resolved(len(gold))
    gold_by_id = gold.by_id()
    tally = Tally(options, resampling.unit, vectorise)
    predicted: set[str] = set()
    for pred in predictions:
        if pred.id not in gold_by_id:
            raise UsageError(f"prediction for unknown document {pred.id!r}")
        if pred.id in predicted:
            raise UsageError(f"two predictions for document {pred.id!r}")
        predicted.add(pred.id)
        tally.add(gold_by_id[pred.id], pred, (invalid or {}).get(pred.id, (0, 0, 0)))
    doc_ids = gold.ids()
    missing = [doc_id for doc_id in doc_ids if doc_id not in predicted]
    for doc_id in missing:
        tally.add(gold_by_id[doc_id], None, (invalid or {}).get(doc_id, (0, 0, 0)))
    signature = Signature.build(gold.labels, gold.digest, options, resampling, lenient=invalid is not None)
    return build_report(tally.finish(), gold.unit_counts(resampling.unit), missing, signature, resampling, rng)


def build_report(tally: Tally, unit_counts: list[tuple[str, int]], missing: list[str], signature: Signature,
                 resampling: ResamplingOptions, rng: np.random.Generator | None = None) -> Report:
    """The report of a finished tally: ``unit_counts`` lists the gold documents with their units.

    Units are laid out with documents in id order, whatever the order of the gold files: the
    signature's gold hash ignores that order, so the bootstrap draws must too.
    """
    unit_counts = sorted(unit_counts)
    columns, table, row_doc = tally.counts.build(unit_counts)
    skipped = {}
    if not tally.any_entities:
        skipped = {m: "the predictions have no entity layer" for m in ("ENT-I", "ENT-C")}
        keep = [i for i, (m, _) in enumerate(columns) if m not in skipped]
        columns, table = [columns[i] for i in keep], table[:, keep]
    doc_ids = [doc_id for doc_id, _ in unit_counts]
    order = {doc_id: i for i, doc_id in enumerate(doc_ids)}
    unresolved = sorted(tally.unresolved, key=lambda where: order.get(where.partition(": ")[0], len(order)))  # id order
    report = Report(tally.options, resampling, signature, columns, table, row_doc, doc_ids,
                    {}, dict(tally.confusion), sorted(missing), unresolved, skipped)
    report.type_mappings = sorted(tally.mappings)
    report.metrics = _metric_results(report, rng or np.random.default_rng(resampling.seed))
    return report


def _metric_results(report: Report, rng: np.random.Generator) -> dict[str, MetricResult]:
    zd = report.options.zero_division
    total = report.table.sum(0)
    point = _statistics(report.columns, zd)(total[None])
    unit_table = report.unit_table()
    intervals: dict[str, dict[str, tuple[float, float]]] = {}
    if report.resampling.n and unit_table.shape[0]:
        (sums,) = bootstrap_sums([unit_table], report.resampling.n, rng)
        draws = _statistics(report.columns, zd, drop_undefined=True)(sums)
        intervals = {m: {k: percentile_interval(v, report.resampling.level) for k, v in stats.items()
                         if not np.isnan(v).all()}
                     for m, stats in draws.items()}
    results = {}
    for metric in [m for m in METRICS if m not in report.skipped_metrics]:
        if METRICS[metric].derived:
            value = float(point[metric]["f1"][0])
            results[metric] = MetricResult(metric, Counts(), value, value, value, None, intervals.get(metric, {}), {})
            continue
        per_label = {label: Counts(*map(int, total[i])) for i, (m, label) in enumerate(report.columns) if m == metric}
        counts = sum(per_label.values(), Counts())
        p, r, f = prf(counts, zd)
        labelled = {k: v for k, v in per_label.items() if k != ""}
        results[metric] = MetricResult(metric, counts, p, r, f, macro_f1(labelled, zd) if labelled else None,
                                       intervals.get(metric, {}), labelled)
    return results
