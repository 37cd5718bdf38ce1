"""The main job: run both baselines on the bundled gold, score them, build the leaderboard.

Protocols (each system's predictions are scored on text it was not tuned or trained on):
* ``test``: the rule coder on the test split (it has no training); the ML pipeline trained
  on ``train`` with C chosen on ``validation`` by TC F1 (when those splits exist).
* ``seed-cv``: paragraph-fold cross-validation on the test documents that have folds in
  ``data/folds.json`` (the seed article): every paragraph is predicted by a model that
  never saw it. The rule coder is scored on the same documents for comparison.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from baselines.ml import MLPipeline, cross_validate
from baselines.rules import code_document
from benchmark.api import build_report_html, score_file
from benchmark.errors import UsageError
from benchmark.jsonl import check_writable, write_jsonl, write_text
from benchmark.loader import DEFAULT_DATA_DIR, Corpus, gold_files, load_folds, load_gold
from benchmark.scorer import Report, ResamplingOptions, ScoringOptions

C_GRID = (0.1, 1.0, 10.0)
Progress = Callable[[str], None]


@dataclass(frozen=True)
class SystemRun:
    """One system under one protocol: where its predictions are and how they scored."""

    system: str
    protocol: str
    predictions: Path
    report: Report


def _has_split(data_dir: Path, split: str) -> bool:
    try:
        gold_files(data_dir, split)
    except UsageError:
        return False
    return True


def _score(path: Path, corpus: Corpus, resampling: ResamplingOptions) -> Report:
    return score_file(path, corpus, options=ScoringOptions(), resampling=resampling)


def select_c(train: Corpus, validation: Corpus, resampling: ResamplingOptions, out_dir: Path) -> float:
    """The C of C_GRID with the best TC F1 on the validation split (ties: the smaller C)."""
    best = (-1.0, C_GRID[0])
    for c in C_GRID:
        model = MLPipeline(C=c).fit(train.documents)
        path = out_dir / f"validation-C{c:g}.jsonl"
        write_jsonl(path, (model.predict(d.id, d.text) for d in validation.documents))
        f1 = _score(path, validation, ResamplingOptions(n=0)).metrics["TC"].f1
        best = max(best, (f1, -c))
    return -best[1] if best[1] < 0 else best[1]


def run_baselines(data_dir: Path | None = None, out_dir: Path = Path("runs"), *, bootstrap: int = 1000,
                  unit: str = "auto", seed: int = 0, progress: Progress | None = None) -> list[SystemRun]:
    """Run, write and score both baselines under every protocol the data supports."""
    data_dir = DEFAULT_DATA_DIR if data_dir is None else data_dir
    note = progress or (lambda message: None)
    resampling = ResamplingOptions(unit=unit, n=bootstrap, seed=seed)
    test = load_gold(data_dir, "test")
    runs: list[SystemRun] = []
    check_writable([out_dir / "rules" / "predictions.jsonl", out_dir / "rules" / "seed-cv.jsonl",
                    out_dir / "sklearn" / "predictions.jsonl", out_dir / "sklearn-cv" / "predictions.jsonl",
                    *(out_dir / "sklearn" / f"validation-C{c:g}.jsonl" for c in C_GRID), out_dir / "report.html"])

    note("rules: coding the test split")
    rules_path = out_dir / "rules" / "predictions.jsonl"
    write_jsonl(rules_path, (code_document(d.id, d.text) for d in test.documents))
    runs.append(SystemRun("rules", "test", rules_path, _score(rules_path, test, resampling)))

    if _has_split(data_dir, "train") and _has_split(data_dir, "validation"):
        train, validation = load_gold(data_dir, "train"), load_gold(data_dir, "validation")
        note("sklearn: choosing C on the validation split")
        c = select_c(train, validation, resampling, out_dir / "sklearn")
        note(f"sklearn: training on train (C={c:g}), predicting test")
        model = MLPipeline(C=c).fit(train.documents)
        ml_path = out_dir / "sklearn" / "predictions.jsonl"
        write_jsonl(ml_path, (model.predict(d.id, d.text) for d in test.documents))
        runs.append(SystemRun("sklearn", "test", ml_path, _score(ml_path, test, resampling)))

    folds = load_folds(data_dir) if (data_dir / "folds.json").is_file() else {}
    cv_docs = [d for d in test.documents if d.id in folds]
    if cv_docs:
        cv_gold = Corpus(tuple(cv_docs), test.source, test.labels)
        note(f"sklearn: {len(set(f for d in cv_docs for f in folds[d.id]))}-fold paragraph cross-validation")
        cv_path = out_dir / "sklearn-cv" / "predictions.jsonl"
        write_jsonl(cv_path, cross_validate(cv_docs, folds, progress=lambda i, n: note(f"sklearn: fold {i}/{n} done")))
        runs.append(SystemRun("sklearn", "seed-cv", cv_path, _score(cv_path, cv_gold, resampling)))
        rules_cv = out_dir / "rules" / "seed-cv.jsonl"
        write_jsonl(rules_cv, (code_document(d.id, d.text) for d in cv_docs))
        runs.append(SystemRun("rules", "seed-cv", rules_cv, _score(rules_cv, cv_gold, resampling)))
    note("writing the error-analysis report")
    shown = [r for r in runs if r.protocol == "test"] or runs
    if len(shown) < 2:
        shown = [r for r in runs if r.protocol == "seed-cv"] or shown
    gold_shown = test if shown[0].protocol == "test" else cv_gold
    page = build_report_html([r.predictions for r in shown], gold_shown, names=[f"{r.system} ({r.protocol})" for r in shown],
                             resampling=resampling)
    write_text(out_dir / "report.html", page)
    return runs
