"""``evbench score``, ``compare``, ``check``, ``report``, ``align``: scoring and using scores."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Optional

import typer

from benchmark import render
from benchmark.cli.common import (SHOWN_ISSUES, ArgsOption, BootstrapOption, CompatOption, GoldOption, JsonFlag,
                                  LabelsOption, SeedOption, SpanOption, SplitOption, UnitOption, WorkersOption,
                                  _load_report, app, err, exits_on_error, guard_output, out, refuse_split_of_a_file)
from benchmark.comparison import compare as compare_reports
from benchmark.errors import ExitCode
from benchmark.jsonl import write_text
from benchmark.labels import load_labels
from benchmark.loader import load_gold
from benchmark.metrics import parse_metrics
from benchmark.scorer import ResamplingOptions, ScoringOptions

@app.command()
def score(
    ctx: typer.Context,
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
    workers: WorkersOption = None,
) -> None:
    """Score predictions: P/R/F1 for every metric, with bootstrap CIs and a signature."""
    with exits_on_error():
        refuse_split_of_a_file(ctx, gold)
        if json_out is not None:
            guard_output(json_out, pred, gold, labels)
        report = _load_report(pred, gold, split, labels, span, args, compat, bootstrap, unit, seed, lenient, workers)
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
    ctx: typer.Context,
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
    metrics: Annotated[Optional[str], typer.Option("--metrics", help="Comma-separated metrics \\[default: all].")] = None,
    labels: LabelsOption = None,
    as_json: JsonFlag = False,
) -> None:
    """Paired bootstrap and approximate-randomisation p-values for B − A, per metric."""
    with exits_on_error():
        refuse_split_of_a_file(ctx, gold)
        chosen = parse_metrics(metrics) if metrics else None
        report_a = _load_report(pred_a, gold, split, labels, span, args, compat, bootstrap, unit, seed)
        report_b = _load_report(pred_b, gold, split, labels, span, args, compat, bootstrap, unit, seed)
        rows = compare_reports(report_a, report_b, metrics=chosen)
    few = render.few_units_note(report_a)
    if few:
        err.print(f"note: {few}", markup=False)
    if as_json:
        out.print_json(json.dumps(render.comparison_json(rows, str(report_a.signature))))
        return
    out.print(render.comparison_table(rows, f"A: {pred_a.name}", f"B: {pred_b.name}"))
    out.print(f"signature: {report_a.signature}", markup=False)


@app.command()
def check(
    ctx: typer.Context,
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
        refuse_split_of_a_file(ctx, gold)
        chosen = parse_metrics(metrics)
        gate.check_thresholds(tolerance, alpha)
        for output in ([reference] if update else []) + ([junit] if junit is not None else []):
            guard_output(output, pred, gold, labels, reference_pred, *([] if update else [reference]))
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
                              alpha=alpha)
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
    ctx: typer.Context,
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
        refuse_split_of_a_file(ctx, gold)
        guard_output(output, *pred, gold, labels)
        corpus = load_gold(gold, split, load_labels(labels))
        page = build_report_html(pred, corpus, options=ScoringOptions(span=span, args=args),
                                 resampling=ResamplingOptions(unit=unit, n=bootstrap, seed=seed))
        write_text(output, page)
    err.print(f"wrote {output} ({len(page.encode()) / 1024:.0f} KiB)", markup=False)


@app.command()
def align(
    ctx: typer.Context,
    pred: Annotated[Path, typer.Option("--pred", help="Predictions with text-only spans.", exists=True, dir_okay=False)],
    output: Annotated[Path, typer.Option("-o", "--output", help="Where to write the aligned predictions.")],
    gold: GoldOption = None,
    split: SplitOption = "test",
    labels: LabelsOption = None,
) -> None:
    """Resolve text-only spans to offsets (the scorer's normalisation); list what could not be resolved."""
    from benchmark.textalign import align_file

    with exits_on_error():
        refuse_split_of_a_file(ctx, gold)
        guard_output(output, pred, gold, labels)
        corpus = load_gold(gold, split, load_labels(labels))
        count, unresolved = align_file(pred, corpus, output)
    for where in unresolved[:SHOWN_ISSUES]:
        err.print(f"unresolved: {where}", markup=False)
    if len(unresolved) > SHOWN_ISSUES:
        err.print(f"... and {len(unresolved) - SHOWN_ISSUES} more", markup=False)
    err.print(f"aligned {count} document(s) -> {output}; {len(unresolved)} span(s) occur nowhere and stay text-only "
              "(they count as wrong)", markup=False)
