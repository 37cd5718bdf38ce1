"""The ``evbench`` command line: parse options, call the library, render, exit.

Exit codes (the same for every command): 0 success; 1 negative verdict (invalid file,
regression); 2 usage error; 65 malformed input data.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.table import Table

from benchmark import render
from benchmark.api import score_file
from benchmark.comparison import compare as compare_reports
from benchmark.errors import EvbenchError, ExitCode, Issue
from benchmark.jsonl import write_text
from benchmark.labels import load_labels
from benchmark.loader import index_gold, load_gold
from benchmark.metrics import KEY_METRICS, parse_metrics
from benchmark.scorer import ResamplingOptions, ScoringOptions
from benchmark.stats import corpus_stats
from benchmark.validate import validate_gold_file, validate_prediction_file
from benchmark.version import FORMAT_VERSION, __version__

app = typer.Typer(
    name="evbench",
    help="Event- and stance-extraction benchmark for political news.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console(highlight=False, soft_wrap=True)
if not out.is_terminal:  # pipes and CI logs: wide enough that tables never truncate a number
    out = Console(highlight=False, soft_wrap=True, width=160)
err = Console(stderr=True, highlight=False, soft_wrap=True)
SHOWN_ISSUES = 20

GoldOption = Annotated[
    Optional[Path], typer.Option("--gold", help="Gold JSONL file or data folder [default: the bundled data/].")
]
SplitOption = Annotated[str, typer.Option("--split", help="Split of a data folder: train, validation, test or all.")]
LabelsOption = Annotated[
    Optional[Path], typer.Option("--labels", help="Label-set file [default: the PLOVER v1 set].", exists=True, dir_okay=False)
]
JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON for machines instead of a table.")]


def print_issues(issues: list[Issue], total: int) -> None:
    """The first issues, one line each, on stderr, then how many more there are."""
    for issue in issues[:SHOWN_ISSUES]:
        err.print(str(issue), markup=False)
    if total > SHOWN_ISSUES:
        err.print(f"... and {total - SHOWN_ISSUES} more problem(s)", markup=False)


@contextmanager
def exits_on_error() -> Iterator[None]:
    """Turn library errors into a clean message and the documented exit code."""
    try:
        yield
    except EvbenchError as exc:
        issues = getattr(exc, "issues", None)
        if issues:
            print_issues(issues, exc.total)
        else:
            err.print(f"error: {exc}", markup=False)
        raise typer.Exit(int(exc.exit_code)) from None


def _version(value: bool) -> None:
    if value:
        out.print(f"evbench {__version__} (data format {FORMAT_VERSION})")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    """Event- and stance-extraction benchmark for political news."""


@app.command()
def validate(
    file: Annotated[Path, typer.Argument(help="JSONL file to check.", exists=True, dir_okay=False)],
    predictions: Annotated[bool, typer.Option("--predictions", help="FILE holds system predictions.")] = False,
    gold: GoldOption = None,
    labels: LabelsOption = None,
    as_json: JsonFlag = False,
) -> None:
    """Check a gold or prediction file against every rule of the format; exit 1 if invalid."""
    with exits_on_error():
        label_set = load_labels(labels)
        if predictions:
            gold_docs = load_gold(gold, "all" if gold is None or gold.is_dir() else "test", label_set).by_id()
            result = validate_prediction_file(file, gold_docs, label_set)
        else:
            result = validate_gold_file(file, label_set)
    kind = "prediction" if predictions else "gold"
    if as_json:
        out.print_json(json.dumps({
            "file": str(file), "kind": kind, "valid": result.ok, "documents": result.records,
            "problems": result.log.total, "issues": [str(i) for i in result.log.issues[:SHOWN_ISSUES]],
        }))
    elif not result.ok:
        print_issues(result.log.issues, result.log.total)
    if result.ok:
        if not as_json:
            out.print(f"{file}: valid {kind} file, {result.records} document(s)", markup=False)
        return
    err.print(f"{file}: INVALID, {result.log.total} problem(s)", markup=False)
    raise typer.Exit(int(ExitCode.NEGATIVE))


@app.command()
def stats(
    gold: GoldOption = None,
    split: SplitOption = "all",
    labels: LabelsOption = None,
    as_json: JsonFlag = False,
) -> None:
    """Counts per layer, event type, role, entity type, factuality and polarity; one column per split."""
    from benchmark.loader import gold_files

    with exits_on_error():
        label_set = load_labels(labels)
        files = gold_files(gold, split)
        columns = {f.stem: corpus_stats(load_gold(f, labels=label_set).documents, label_set) for f in files}
        if len(files) > 1:
            columns["all"] = corpus_stats(load_gold(gold, "all", label_set).documents, label_set)
    if as_json:
        out.print_json(json.dumps(columns))
        return
    first = next(iter(columns.values()))
    for section in first:
        table = Table(title=section.replace("_", " "), title_justify="left")
        table.add_column(section.rstrip("s") if section != "layers" else "layer")
        for name in columns:
            table.add_column(name, justify="right")
        for key in first[section]:
            table.add_row(key, *(str(columns[name][section][key]) for name in columns))
        out.print(table)


SpanOption = Annotated[str, typer.Option("--span", help="Span match rule: exact or overlap.")]
ArgsOption = Annotated[str, typer.Option("--args", help="Argument/stance entity rule: mention or coref.")]
CompatOption = Annotated[str, typer.Option("--compat", help="none, or textee (TextEE's set semantics).")]
BootstrapOption = Annotated[int, typer.Option("--bootstrap", help="Bootstrap resamples (0: no intervals).")]
UnitOption = Annotated[str, typer.Option(
    "--unit", help="Resampling unit: doc, paragraph, sentence, or auto (doc with >= 5 documents, else sentence).")]
SeedOption = Annotated[int, typer.Option("--seed", help="Random seed of the bootstrap.")]


def _load_report(pred: Path, gold: Path | None, split: str, labels: Path | None, span: str, args: str,
                 compat: str, bootstrap: int, unit: str, seed: int, lenient: bool = False):
    corpus = index_gold(gold, split, load_labels(labels))  # documents read on demand: memory bounded by the index
    return score_file(pred, corpus, options=ScoringOptions(span=span, args=args, compat=compat),
                      resampling=ResamplingOptions(unit=unit, n=bootstrap, seed=seed), lenient=lenient)


@app.command()
def score(
    pred: Annotated[Path, typer.Option("--pred", help="Prediction JSONL file.", exists=True, dir_okay=False)],
    gold: GoldOption = None,
    split: SplitOption = "test",
    span: SpanOption = "exact",
    args: ArgsOption = "mention",
    compat: CompatOption = "none",
    bootstrap: BootstrapOption = 1000,
    unit: UnitOption = "auto",
    seed: SeedOption = 0,
    labels: LabelsOption = None,
    json_out: Annotated[Optional[Path], typer.Option("--json", help="Also write the full report as JSON here.")] = None,
    markdown: Annotated[bool, typer.Option("--markdown", help="Print a Markdown table instead.")] = False,
    lenient: Annotated[bool, typer.Option(
        "--lenient", help="Skip invalid records (each a false positive) instead of rejecting the file.")] = False,
) -> None:
    """Score predictions: P/R/F1 for every metric, with bootstrap CIs and a signature."""
    with exits_on_error():
        report = _load_report(pred, gold, split, labels, span, args, compat, bootstrap, unit, seed, lenient)
        if json_out is not None:
            write_text(json_out, json.dumps(report.to_json(), indent=1) + "\n")
    if markdown:
        out.print(render.score_markdown(report), markup=False)
    else:
        out.print(render.score_table(report))
        out.print(f"signature: {report.signature}", markup=False)
    for line in render.notes(report):
        err.print(f"note: {line}", markup=False)


@app.command()
def compare(
    pred_a: Annotated[Path, typer.Argument(help="System A's predictions.", exists=True, dir_okay=False)],
    pred_b: Annotated[Path, typer.Argument(help="System B's predictions.", exists=True, dir_okay=False)],
    gold: GoldOption = None,
    split: SplitOption = "test",
    span: SpanOption = "exact",
    args: ArgsOption = "mention",
    compat: CompatOption = "none",
    bootstrap: BootstrapOption = 1000,
    unit: UnitOption = "auto",
    seed: SeedOption = 0,
    metrics: Annotated[Optional[str], typer.Option("--metrics", help="Comma-separated metrics [default: all].")] = None,
    labels: LabelsOption = None,
    as_json: JsonFlag = False,
) -> None:
    """Paired bootstrap and approximate-randomisation p-values for B − A, per metric."""
    with exits_on_error():
        chosen = parse_metrics(metrics) if metrics else None
        report_a = _load_report(pred_a, gold, split, labels, span, args, compat, bootstrap, unit, seed)
        report_b = _load_report(pred_b, gold, split, labels, span, args, compat, bootstrap, unit, seed)
        rows = compare_reports(report_a, report_b, n=bootstrap or 1000, seed=seed, metrics=chosen)
    if as_json:
        out.print_json(json.dumps(render.comparison_json(rows, str(report_a.signature))))
        return
    out.print(render.comparison_table(rows, f"A: {pred_a.name}", f"B: {pred_b.name}"))
    out.print(f"signature: {report_a.signature}", markup=False)


@app.command()
def run(
    out_dir: Annotated[Path, typer.Option("--out", help="Where to write runs/<system>/predictions.jsonl.")] = Path("runs"),
    gold: Annotated[Optional[Path], typer.Option("--gold", help="Data folder [default: the bundled data/].")] = None,
    bootstrap: BootstrapOption = 1000,
    unit: UnitOption = "auto",
    seed: SeedOption = 0,
    as_json: JsonFlag = False,
) -> None:
    """The main job: run both baselines on the bundled gold, score them, print the leaderboard."""
    import time

    from baselines.run import run_baselines

    started = time.perf_counter()
    with exits_on_error(), err.status("running baselines") as status:
        runs = run_baselines(gold, out_dir, bootstrap=bootstrap, unit=unit, seed=seed,
                             progress=lambda message: status.update(message))
    elapsed = time.perf_counter() - started
    if as_json:
        out.print_json(json.dumps({"elapsed_seconds": elapsed, "runs": [
            {"system": r.system, "protocol": r.protocol, "predictions": str(r.predictions),
             "signature": str(r.report.signature),
             "metrics": {m: {"f1": r.report.metrics[m].f1, "ci": list(r.report.metrics[m].ci.get("f1", ()))}
                         for m in KEY_METRICS if m in r.report.metrics}} for r in runs]}))
        return
    for protocol in dict.fromkeys(r.protocol for r in runs):
        chosen = [r for r in runs if r.protocol == protocol]
        out.print(render.leaderboard(chosen, protocol))
        out.print(f"signature: {chosen[0].report.signature}", markup=False)
    err.print(f"done in {elapsed:.1f} s; predictions under {out_dir}/, error analysis in {out_dir}/report.html",
              markup=False)


@app.command()
def check(
    pred: Annotated[Path, typer.Option("--pred", help="Prediction JSONL file to gate.", exists=True, dir_okay=False)],
    reference: Annotated[Path, typer.Option("--reference", help="Reference scores (JSON).", dir_okay=False)],
    gold: GoldOption = None,
    split: SplitOption = "test",
    tolerance: Annotated[float, typer.Option("--tolerance", min=0.0, help="Allowed drop in F1 (absolute, 0.01 = 1 point).")] = 0.01,
    metrics: Annotated[str, typer.Option("--metrics", help="Comma-separated metrics to gate.")] = "TC,AC+,ST",
    reference_pred: Annotated[Optional[Path], typer.Option(
        "--reference-pred", help="The reference run's predictions: a drop must also be significant.",
        exists=True, dir_okay=False)] = None,
    alpha: Annotated[float, typer.Option("--alpha", help="Significance level of the noise-aware mode.")] = 0.05,
    update: Annotated[bool, typer.Option("--update", help="Write the current scores as the new reference.")] = False,
    span: SpanOption = "exact",
    args: ArgsOption = "mention",
    compat: CompatOption = "none",
    bootstrap: BootstrapOption = 1000,
    unit: UnitOption = "auto",
    seed: SeedOption = 0,
    labels: LabelsOption = None,
    junit: Annotated[Optional[Path], typer.Option("--junit", help="Write JUnit XML here.")] = None,
    as_json: JsonFlag = False,
) -> None:
    """Fail (exit 1) when a metric dropped below its recorded reference by more than the tolerance."""
    from benchmark import gate

    with exits_on_error():
        chosen = parse_metrics(metrics)
        report = _load_report(pred, gold, split, labels, span, args, compat, bootstrap, unit, seed)
        if update:
            command = ["evbench", "check", "--pred", str(pred), "--reference", str(reference), "--split", split,
                       "--span", span, "--args", args, "--compat", compat, "--bootstrap", str(bootstrap), "--unit", unit,
                       "--seed", str(seed), *(["--gold", str(gold)] if gold else []),
                       *(["--labels", str(labels)] if labels else []), "--update"]
            gate.write_reference(reference, report, " ".join(command))
            err.print(f"wrote reference {reference} ({report.signature})", markup=False)
            return
        recorded = gate.read_reference(reference)
        reference_report = (_load_report(reference_pred, gold, split, labels, span, args, compat, bootstrap, unit, seed)
                            if reference_pred is not None else None)
        verdicts = gate.check(report, recorded, chosen, tolerance=tolerance, reference_report=reference_report,
                              alpha=alpha, n=bootstrap or 1000, seed=seed)
        if junit is not None:
            write_text(junit, gate.junit_xml(verdicts, "check", str(report.signature), tolerance,
                                             alpha if reference_pred is not None else None))
    if as_json:
        out.print_json(json.dumps(gate.verdicts_json(verdicts, str(report.signature))))
    else:
        out.print(render.verdict_table(verdicts, tolerance))
        out.print(f"signature: {report.signature}", markup=False)
    if any(v.failed for v in verdicts):
        err.print("REGRESSION: " + "; ".join(gate.describe(v) for v in verdicts if v.failed), markup=False)
        raise typer.Exit(int(ExitCode.NEGATIVE))


@app.command()
def report(
    pred: Annotated[list[Path], typer.Option("--pred", help="Prediction file (repeat for several systems).",
                                             exists=True, dir_okay=False)],
    output: Annotated[Path, typer.Option("-o", "--output", help="Where to write the HTML page.")],
    gold: GoldOption = None,
    split: SplitOption = "test",
    span: SpanOption = "exact",
    args: ArgsOption = "mention",
    bootstrap: BootstrapOption = 1000,
    unit: UnitOption = "auto",
    seed: SeedOption = 0,
    labels: LabelsOption = None,
) -> None:
    """Write a self-contained HTML error-analysis page (scores, CIs, plots, highlighted document)."""
    from benchmark.api import build_report_html

    with exits_on_error():
        corpus = load_gold(gold, split, load_labels(labels))
        page = build_report_html(pred, corpus, options=ScoringOptions(span=span, args=args),
                                 resampling=ResamplingOptions(unit=unit, n=bootstrap, seed=seed))
        write_text(output, page)
    err.print(f"wrote {output} ({len(page.encode()) / 1024:.0f} KiB)", markup=False)


@app.command()
def schema(
    predictions: Annotated[bool, typer.Option("--predictions", help="The schema of prediction records.")] = False,
    labels: LabelsOption = None,
) -> None:
    """Print the JSON Schema (draft 2020-12) of gold or prediction records."""
    from benchmark.schema import json_schema

    with exits_on_error():
        document = json_schema("predictions" if predictions else "gold", load_labels(labels))
    sys.stdout.write(json.dumps(document, indent=1, ensure_ascii=False) + "\n")


@app.command()
def align(
    pred: Annotated[Path, typer.Option("--pred", help="Predictions with text-only spans.", exists=True, dir_okay=False)],
    output: Annotated[Path, typer.Option("-o", "--output", help="Where to write the aligned predictions.")],
    gold: GoldOption = None,
    split: SplitOption = "test",
    labels: LabelsOption = None,
) -> None:
    """Resolve text-only spans to offsets (the scorer's normalisation); list what could not be resolved."""
    from benchmark.textalign import align_file

    with exits_on_error():
        corpus = load_gold(gold, split, load_labels(labels))
        count, unresolved = align_file(pred, corpus, output)
    for where in unresolved[:SHOWN_ISSUES]:
        err.print(f"unresolved: {where}", markup=False)
    if len(unresolved) > SHOWN_ISSUES:
        err.print(f"... and {len(unresolved) - SHOWN_ISSUES} more", markup=False)
    err.print(f"aligned {count} document(s) -> {output}; {len(unresolved)} span(s) occur nowhere and stay text-only "
              "(they count as wrong)", markup=False)


@app.command()
def convert(
    input_path: Annotated[Path, typer.Argument(help="Input file (or folder of .ann files for brat).")],
    output: Annotated[Path, typer.Argument(help="Output file (or folder for brat).")],
    source: Annotated[str, typer.Option("--from", help="evbench, brat, oneie or textee.")],
    target: Annotated[str, typer.Option("--to", help="evbench, brat or oneie.")],
    labels: LabelsOption = None,
    write_labels: Annotated[Optional[Path], typer.Option(
        "--write-labels", help="Derive a label set from the converted data and write it here.")] = None,
    mapping: Annotated[Optional[Path], typer.Option(
        "--map", help="Type mapping (their event types/roles -> ours), JSON.", exists=True, dir_okay=False)] = None,
    gold: GoldOption = None,
    no_evbench_key: Annotated[bool, typer.Option(
        "--no-evbench-key", help="oneie output: leave out the evbench key that makes the round trip exact.")] = False,
) -> None:
    """Convert between evbench and BRAT standoff, OneIE/TextEE JSON (docs/formats.md)."""
    from benchmark.convert.dispatch import convert as run_convert

    with exits_on_error():
        gold_docs = load_gold(gold, "all").by_id() if gold is not None else None
        result = run_convert(source, target, input_path, output, labels=load_labels(labels) if labels else None,
                             write_labels=write_labels, mapping=mapping, gold=gold_docs, keep_evbench=not no_evbench_key)
    err.print(f"converted {result.documents} document(s) {source} -> {target}: {output}", markup=False)
    if result.lossy_spans:
        err.print(f"note: {result.lossy_spans} span(s) did not fall on token boundaries and were widened", markup=False)
    for what, count in sorted(result.dropped.items()):
        err.print(f"note: dropped {count} x {what} (no evbench equivalent or not in the mapping)", markup=False)
    if result.labels_written:
        err.print(f"wrote label set {result.labels_written}", markup=False)


baseline_app = typer.Typer(help="Run a baseline system on documents.", no_args_is_help=True)
app.add_typer(baseline_app, name="baseline")


@baseline_app.command("rules")
def baseline_rules(
    input_path: Annotated[Path, typer.Option("--input", help="JSONL documents (only 'id' and 'text' are needed).",
                                             exists=True, dir_okay=False)],
    output: Annotated[Path, typer.Option("--output", help="Where to write the predictions (JSONL).")],
    workers: Annotated[int, typer.Option("--workers", min=1, help="Worker processes.")] = 1,
) -> None:
    """The rule-based PLOVER coder: dictionaries and patterns, no training."""
    from baselines.rules.stream import code_file

    with exits_on_error():
        count = code_file(input_path, output, workers)
    err.print(f"rules: coded {count} document(s) -> {output}", markup=False)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(app())
