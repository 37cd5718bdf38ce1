"""Reports -> rich tables, Markdown and JSON. Formatting only: no arithmetic on counts."""

from __future__ import annotations

from typing import Any

from rich.table import Table

from benchmark.comparison import MetricComparison
from benchmark.scorer import MIN_RESAMPLING_UNITS, Report


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.1f}"


def _ci(report: Report, metric: str) -> str:
    interval = report.metrics[metric].ci.get("f1")
    return "—" if interval is None else f"[{_pct(interval[0])}, {_pct(interval[1])}]"


def score_rows(report: Report) -> list[list[str]]:
    rows = []
    for name, result in report.metrics.items():
        counts = "" if name == "F_avg" else f"{result.counts.tp}/{result.counts.fp}/{result.counts.fn}"
        rows.append([name, _pct(result.precision) if name != "F_avg" else "",
                     _pct(result.recall) if name != "F_avg" else "", _pct(result.f1), _ci(report, name),
                     _pct(result.macro_f1), counts])
    return rows


HEADER = ["metric", "P", "R", "F1", "CI (F1)", "macro-F1", "tp/fp/fn"]


def score_table(report: Report, title: str = "") -> Table:
    level = f"{report.resampling.level * 100:g} %"
    table = Table(title=title or None, caption=f"scores in %, CI: {level} bootstrap over {report.resampling.unit}s",
                  title_justify="left")
    for i, column in enumerate(HEADER):
        table.add_column(column, justify="left" if i == 0 else "right")
    for row in score_rows(report):
        table.add_row(*row)
    return table


def score_markdown(report: Report) -> str:
    lines = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    lines += ["| " + " | ".join(row) + " |" for row in score_rows(report)]
    lines.append("")
    lines.append(f"Signature: `{report.signature}`")
    return "\n".join(lines) + "\n"


def notes(report: Report) -> list[str]:
    """What a reader must know besides the numbers."""
    lines = []
    if report.missing_documents:
        lines.append(f"{len(report.missing_documents)} gold document(s) had no prediction and count as predicting "
                     f"nothing: {', '.join(report.missing_documents[:10])}")
    if report.unresolved_spans:
        lines.append(f"{len(report.unresolved_spans)} text-only span(s) occur nowhere in their document and count "
                     f"as wrong: {'; '.join(report.unresolved_spans[:5])}")
    for metric, why in report.skipped_metrics.items():
        lines.append(f"{metric} not computed: {why}")
    if report.lenient is not None:
        lenient = report.lenient
        lines.append(f"--lenient: {lenient.problems} problem(s) in the predictions; removed {lenient.events} event(s) and "
                     f"{lenient.stances} stance(s) (each a false positive) and {lenient.entities} entit(y/ies); "
                     "undecodable lines were skipped and their documents count as missing")
        lines.extend(f"--lenient: {problem}" for problem in lenient.first_problems[:5])
    if report.type_mappings:
        lines.append("the predictions were converted with a type mapping (their ontology -> ours), digest(s) "
                     + ", ".join(report.type_mappings))
    if report.options.compat == "textee":
        lines.append("compat=textee: TextEE's set semantics for TI/TC/AI/AC/AI+/AC+ (duplicates collapse)")
    few = few_units_note(report)
    if few:
        lines.append(few)
    return lines


def few_units_note(report: Report) -> str | None:
    """A warning when the bootstrap resamples fewer than ``MIN_RESAMPLING_UNITS`` units."""
    units = report.table.shape[0]
    if not report.resampling.n or units >= MIN_RESAMPLING_UNITS:
        return None
    return (f"only {units} resampling unit(s) ({report.resampling.unit}): intervals from so few are too narrow "
            f"and randomisation p-values cannot fall below {min(1.0, 2 / 2**units):.3g}; prefer a finer --unit")


def comparison_table(rows: list[MetricComparison], name_a: str, name_b: str) -> Table:
    table = Table(caption="F1 in %; p: two-sided, paired bootstrap and approximate randomisation")
    for i, column in enumerate(["metric", name_a, name_b, "Δ (B−A)", "p (bootstrap)", "p (rand.)"]):
        table.add_column(column, justify="left" if i == 0 else "right")
    for row in rows:
        table.add_row(row.metric, _pct(row.a), _pct(row.b), f"{100 * row.delta:+.1f}",
                      f"{row.p_bootstrap:.4f}", f"{row.p_randomization:.4f}")
    return table


def comparison_json(rows: list[MetricComparison], signature: str) -> dict[str, Any]:
    return {"signature": signature, "metrics": {
        r.metric: {"a": r.a, "b": r.b, "delta": r.delta, "p_bootstrap": r.p_bootstrap,
                   "p_randomization": r.p_randomization} for r in rows}}


def leaderboard(runs: list, protocol: str) -> Table:
    """Systems x key metrics: F1 (%) with its confidence interval."""
    from benchmark.metrics import KEY_METRICS

    table = Table(title=f"leaderboard — protocol: {protocol}", title_justify="left",
                  caption=f"F1 in % [{100 * runs[0].report.resampling.level:g} % CI]; full tables: "
                          f"evbench score --pred {runs[0].predictions.parent.parent}/<system>/...")
    table.add_column("system", no_wrap=True)
    for metric in KEY_METRICS:
        table.add_column(metric, justify="right", no_wrap=True)
    for run in runs:
        cells = [f"{_pct(run.report.metrics[m].f1)} {_ci(run.report, m)}" for m in KEY_METRICS]
        table.add_row(run.system, *cells)
    return table


def verdict_table(verdicts: list, tolerance: float) -> Table:
    """The regression gate's table: metric, reference, now, delta, p-value, verdict."""
    table = Table(caption=f"F1 in %; tolerance {100 * tolerance:g} points", title_justify="left")
    for i, column in enumerate(["metric", "reference", "now", "Δ", "p", "verdict"]):
        table.add_column(column, justify="left" if i in (0, 5) else "right")
    styles = {"fail": "bold red", "noise": "yellow", "improved": "green", "pass": "green"}
    for v in verdicts:
        table.add_row(v.metric, _pct(v.reference), _pct(v.now), f"{100 * v.delta:+.1f}",
                      "—" if v.p_value is None else f"{v.p_value:.4f}", f"[{styles[v.status]}]{v.status}[/]")
    return table
