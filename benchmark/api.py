"""File-level entry points: score a prediction file, and an HF ``evaluate``-style ``compute``."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import msgspec

from benchmark.errors import InputError, Issue, Location, UsageError
from benchmark.labels import LabelSet, load_labels
from benchmark.loader import Corpus, GoldIndex, gold_files, index_gold
from benchmark.model import Document, Prediction
from benchmark.parallel import score_files
from benchmark.scorer import LenientSummary, Report, ResamplingOptions, ScoringOptions, score
from benchmark.validate import (Checker, IssueLog, check_document, check_prediction, iter_predictions,
                                iter_predictions_lenient)


def score_file(
    pred_path: str | Path,
    gold: Corpus | GoldIndex | str | Path | None = None,
    *,
    split: str = "test",
    options: ScoringOptions | None = None,
    resampling: ResamplingOptions | None = None,
    lenient: bool = False,
    labels: LabelSet | None = None,
    workers: int | None = None,
) -> Report:
    """Validate and score one prediction file against a gold corpus (default: the bundled test split).

    Gold given as files (a path, or ``None`` for the bundled data) is read once and scored
    by ``workers`` processes (``benchmark.parallel``; ``None``: as many as useful); a
    ``Corpus`` or ``GoldIndex`` is scored in this process. With ``lenient``, invalid events
    and stances are removed and each counts as a false positive; undecodable lines are
    skipped (their documents score as missing); the report's ``lenient`` summary says how
    many of each.

    Raises:
        InputError: the gold or the prediction file breaks a rule (every problem is listed; nothing is scored).
    """
    if not isinstance(gold, (Corpus, GoldIndex)) and not lenient:
        return score_files(pred_path, gold_files(gold, split), labels or load_labels(), options, resampling, workers)
    corpus = gold if isinstance(gold, (Corpus, GoldIndex)) else index_gold(gold, split, labels)
    if not lenient:
        predictions = iter_predictions(pred_path, corpus.by_id(), corpus.labels)
        return score(corpus, predictions, options=options, resampling=resampling)
    log = IssueLog()
    records = list(iter_predictions_lenient(pred_path, corpus.by_id(), corpus.labels, log))
    invalid = {r.prediction.id: (r.invalid_events, r.invalid_arguments, r.invalid_stances) for r in records}
    report = score(corpus, [r.prediction for r in records], invalid=invalid, options=options, resampling=resampling)
    report.lenient = LenientSummary(log.total, sum(r.invalid_events for r in records),
                                    sum(r.invalid_stances for r in records), sum(r.invalid_entities for r in records),
                                    [str(i) for i in log.issues[:20]])
    return report


def compute(
    *,
    predictions: Sequence[dict[str, Any]],
    references: Sequence[dict[str, Any]],
    labels: LabelSet | None = None,
    **rules: Any,
) -> dict[str, dict[str, float]]:
    """Score in the style of HuggingFace ``evaluate``: JSON-like documents in, ``{metric: scores}`` out.

    Keyword-only, as ``evaluate`` does, so that predictions and references cannot be swapped
    by position. ``rules`` are ``ScoringOptions`` fields (``span``, ``args``, ``compat``) and
    ``ResamplingOptions`` fields prefixed ``bootstrap_`` (``bootstrap_n``, ``bootstrap_unit``...).

    >>> doc = {"id": "d", "text": "Troops attacked.", "meta": {}, "entities": [], "stances": [],
    ...        "paragraphs": [{"start": 0, "end": 16, "text": "Troops attacked."}],
    ...        "sentences": [{"start": 0, "end": 16, "text": "Troops attacked."}],
    ...        "events": [{"id": "V1", "type": "ASSAULT", "factuality": "asserted", "arguments": [],
    ...                    "trigger": {"start": 7, "end": 15, "text": "attacked"}}]}
    >>> compute(predictions=[{"id": "d", "events": [{"id": "p", "type": "ASSAULT", "factuality": "asserted",
    ...         "trigger": {"text": "attacked"}}]}], references=[doc], bootstrap_n=0)["TC"]["f1"]
    1.0
    """
    labels = labels or load_labels()
    resampling = ResamplingOptions(**{k.removeprefix("bootstrap_"): v for k, v in rules.items() if k.startswith("bootstrap_")})
    options = ScoringOptions(**{k: v for k, v in rules.items() if not k.startswith("bootstrap_")})
    gold = [_convert(ref, Document, "references", i, labels) for i, ref in enumerate(references)]
    corpus = Corpus(tuple(gold), "<references>", labels)
    by_id = corpus.by_id()
    preds = []
    for i, pred in enumerate(predictions):
        record = _convert(pred, Prediction, "predictions", i, labels, by_id)
        preds.append(record)
    report = score(corpus, preds, options=options, resampling=resampling)
    return {name: {"precision": r.precision, "recall": r.recall, "f1": r.f1,
                   **({"ci_f1": list(r.ci["f1"])} if "f1" in r.ci else {})}
            for name, r in report.metrics.items()} | {"signature": {"value": str(report.signature)}}  # type: ignore[dict-item]


def _convert(raw: dict[str, Any], kind, where: str, index: int, labels: LabelSet, gold: dict | None = None):
    path = f"<{where}[{index}]>"
    try:
        record = msgspec.convert(raw, kind)
    except msgspec.ValidationError as exc:
        raise InputError(Issue(Location(path), str(exc))) from None
    log = IssueLog()
    checker = Checker(path, 0, labels, log)
    if kind is Document:
        check_document(record, labels, checker)
    elif gold is None or record.id not in gold:
        checker.problem("id", f"no reference document with id {record.id!r}")
    else:
        check_prediction(record, gold[record.id], labels, checker)
    log.raise_if_any()
    return record


def build_report_html(
    pred_paths: Sequence[str | Path],
    gold: Corpus,
    *,
    names: Sequence[str] | None = None,
    options: ScoringOptions | None = None,
    resampling: ResamplingOptions | None = None,
) -> str:
    """Score one or more prediction files and render the error-analysis page (``benchmark.report_html``)."""
    from benchmark.comparison import compare
    from benchmark.explain import diagnose
    from benchmark.report_html import SystemView, render_report

    options = options or ScoringOptions()
    gold_by_id = gold.by_id()
    systems = []
    for index, path in enumerate(pred_paths):
        predictions = list(iter_predictions(path, gold_by_id, gold.labels))
        report = score(gold, predictions, options=options, resampling=resampling)
        by_id = {p.id: p for p in predictions}
        diagnoses = {doc.id: diagnose(doc, by_id.get(doc.id), options) for doc in gold.documents}
        name = names[index] if names else system_name(path)
        systems.append(SystemView(name, report, diagnoses))
    comparisons = []
    if len(systems) == 2:
        try:
            comparisons = compare(systems[0].report, systems[1].report)
        except UsageError:  # no resamples, or a single unit: no p-values to show
            pass
    return render_report(gold, systems, comparisons)


def system_name(path: str | Path) -> str:
    """A system's display name: ``runs/<system>/predictions.jsonl`` -> ``<system>``, else the file stem."""
    path = Path(path)
    return path.parent.name if path.stem == "predictions" and path.parent.name else path.stem
