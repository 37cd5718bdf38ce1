"""A self-contained HTML error-analysis page: scores with CIs, plots, the annotated document, stances.

Everything from a prediction file is untrusted and goes through ``html.escape``; the page
has no script, loads nothing from the network, and inlines its plots as SVG (matplotlib).
"""

from __future__ import annotations

import html
import io
from collections.abc import Sequence
from dataclasses import dataclass

from benchmark.comparison import MetricComparison
from benchmark.explain import MATCHED, MISSED, SPURIOUS, WRONG_TYPE, Diagnosis, EventView
from benchmark.loader import Corpus
from benchmark.metrics import KEY_METRICS
from benchmark.scorer import Report

COLOURS = {MATCHED: "#1a9850", WRONG_TYPE: "#7b3294", MISSED: "#f46d43", SPURIOUS: "#d73027"}
LABELS = {MATCHED: "matched (span and type)", WRONG_TYPE: "span matched, wrong type", MISSED: "missed (gold only)",
          SPURIOUS: "spurious (prediction only)"}

CSS = """
body{font-family:system-ui,sans-serif;margin:2em;max-width:70em;color:#222}
table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:.25em .6em;text-align:right}
td:first-child,th:first-child{text-align:left}.sig{font-family:monospace;font-size:.85em;word-break:break-all}
.para{line-height:1.9;margin:.8em 0;padding:.4em;border-left:3px solid #eee}
.ev{border-bottom:3px solid;cursor:help;padding:0 1px}
.legend span{display:inline-block;margin-right:1.2em}.swatch{display:inline-block;width:1em;height:.7em;margin-right:.3em}
details{margin:.2em 0 .2em 1em;font-size:.9em}summary{cursor:pointer}
.matched{color:#1a9850}.missed{color:#f46d43}.spurious{color:#d73027}.wrong-type{color:#7b3294}
figure{margin:1em 0}figure svg{max-width:100%;height:auto}
"""


@dataclass(frozen=True)
class SystemView:
    """One system on the page: its name, report and per-document diagnoses."""

    name: str
    report: Report
    diagnoses: dict[str, Diagnosis]


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _svg(figure) -> str:
    import matplotlib.pyplot as plt

    buffer = io.StringIO()
    # No date or creator metadata, fixed element ids: the same report renders to the same bytes.
    figure.savefig(buffer, format="svg", bbox_inches="tight",
                   metadata={"Date": None, "Creator": None, "Format": None, "Type": None})
    plt.close(figure)
    svg = buffer.getvalue()
    return svg[svg.index("<svg"):]


def _plots(systems: Sequence[SystemView]) -> list[tuple[str, str]]:
    import matplotlib

    matplotlib.use("Agg")
    matplotlib.rcParams["svg.hashsalt"] = "evbench"
    import matplotlib.pyplot as plt
    import numpy as np

    figures = []
    for system in systems:
        result = system.report.metrics["TC"]
        labels = sorted(result.per_label)
        if labels:
            intervals = system.report.label_intervals("TC")
            f1 = [2 * c.tp / max(2 * c.tp + c.fp + c.fn, 1) for c in (result.per_label[label] for label in labels)]
            low = [max(f - intervals.get(label, (f, f))[0], 0) for f, label in zip(f1, labels)]
            high = [max(intervals.get(label, (f, f))[1] - f, 0) for f, label in zip(f1, labels)]
            fig, ax = plt.subplots(figsize=(8, 3.2))
            ax.bar(labels, f1, yerr=[low, high], capsize=3, color="#4575b4")
            ax.set_ylim(0, 1.05)
            ax.set_ylabel("TC F1")
            level = f"{system.report.resampling.level * 100:g} % CI" if intervals else "no CI computed"
            ax.set_title(f"{system.name}: F1 per event type ({level})")
            ax.tick_params(axis="x", rotation=45)
            figures.append((f"{system.name}: per-type F1", _svg(fig)))
        confusion = system.report.confusion
        types = sorted({g for g, _ in confusion} | {p for _, p in confusion})
        if types:
            matrix = np.array([[confusion.get((g, p), 0) for p in types] for g in types])
            fig, ax = plt.subplots(figsize=(1 + 0.45 * len(types), 1 + 0.45 * len(types)))
            ax.imshow(matrix, cmap="Blues")
            ax.set_xticks(range(len(types)), types, rotation=90)
            ax.set_yticks(range(len(types)), types)
            ax.set_xlabel("predicted type")
            ax.set_ylabel("gold type")
            for (i, j), value in np.ndenumerate(matrix):
                if value:
                    ax.text(j, i, str(value), ha="center", va="center", fontsize=8)
            ax.set_title(f"{system.name}: type confusion (span-matched triggers)")
            figures.append((f"{system.name}: confusion", _svg(fig)))
    if len(systems) > 1:
        fig, ax = plt.subplots(figsize=(8, 3.2))
        width = 0.8 / len(systems)
        for k, system in enumerate(systems):
            values = [system.report.metrics[m].f1 for m in KEY_METRICS]
            ax.bar(np.arange(len(KEY_METRICS)) + k * width, values, width, label=system.name)
        ax.set_xticks(np.arange(len(KEY_METRICS)) + width * (len(systems) - 1) / 2, KEY_METRICS)
        ax.set_ylim(0, 1.05)
        ax.legend()
        ax.set_title("systems compared (F1)")
        figures.append(("comparison", _svg(fig)))
    return figures


def _score_table(systems: Sequence[SystemView]) -> str:
    head = "".join(f"<th>{_e(s.name)} F1</th><th>95 % CI</th>" for s in systems)
    rows = []
    for metric in systems[0].report.metrics:
        cells = []
        for s in systems:
            result = s.report.metrics.get(metric)
            if result is None:
                cells.append("<td>—</td><td>—</td>")
                continue
            ci = result.ci.get("f1")
            cells.append(f"<td>{100 * result.f1:.1f}</td><td>{'—' if ci is None else f'{100 * ci[0]:.1f}–{100 * ci[1]:.1f}'}</td>")
        rows.append(f"<tr><td>{_e(metric)}</td>{''.join(cells)}</tr>")
    return f"<table><tr><th>metric</th>{head}</tr>{''.join(rows)}</table>"


def _comparison_table(rows: Sequence[MetricComparison], a: str, b: str) -> str:
    body = "".join(f"<tr><td>{_e(r.metric)}</td><td>{100 * r.a:.1f}</td><td>{100 * r.b:.1f}</td>"
                   f"<td>{100 * r.delta:+.1f}</td><td>{r.p_bootstrap:.4f}</td><td>{r.p_randomization:.4f}</td></tr>" for r in rows)
    return (f"<table><tr><th>metric</th><th>{_e(a)}</th><th>{_e(b)}</th><th>Δ</th><th>p (paired bootstrap)</th>"
            f"<th>p (approx. randomisation)</th></tr>{body}</table>")


def _tooltip(view: EventView) -> str:
    parts = [LABELS[view.status], f"gold: {view.gold_type or '—'} / {view.gold_factuality or '—'}",
             f"predicted: {view.pred_type or '—'} / {view.pred_factuality or '—'}"]
    if view.args_matched:
        parts.append("arguments matched: " + "; ".join(view.args_matched))
    if view.args_missed:
        parts.append("arguments missed: " + "; ".join(view.args_missed))
    if view.args_spurious:
        parts.append("arguments spurious: " + "; ".join(view.args_spurious))
    return "\n".join(parts)


def _paragraph_html(text: str, start: int, end: int, events: list[EventView]) -> str:
    """The paragraph with event triggers underlined by status; nested spans for overlaps."""
    inside = sorted((v for v in events if v.start is not None and start <= v.start and v.end <= end),
                    key=lambda v: (v.start, -v.end))
    boundaries = sorted({start, end, *(v.start for v in inside), *(v.end for v in inside)})
    pieces = []
    for left, right in zip(boundaries, boundaries[1:]):
        covering = [v for v in inside if v.start <= left and right <= v.end]
        chunk = _e(text[left:right])
        for view in covering:
            colour = COLOURS[view.status]
            chunk = (f'<span class="ev {view.status}" data-status="{view.status}" style="border-color:{colour}" '
                     f'tabindex="0" title="{_e(_tooltip(view))}">{chunk}</span>')
        pieces.append(chunk)
    return "".join(pieces)


def _event_details(view: EventView) -> str:
    return (f'<details><summary class="{view.status}">{_e(view.text)} — {_e(LABELS[view.status])}</summary>'
            f"<pre>{_e(_tooltip(view))}</pre></details>")


def render_report(gold: Corpus, systems: Sequence[SystemView], comparisons: Sequence[MetricComparison] = (),
                  title: str = "evbench report") -> str:
    """The whole page as one HTML string."""
    parts = [f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
             f"<meta http-equiv='Content-Security-Policy' content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">"
             f"<title>{_e(title)}</title><style>{CSS}</style></head><body>",
             f"<h1>{_e(title)}</h1>",
             f"<p>Gold: {_e(gold.source)} ({len(gold)} document(s)). Systems: {_e(', '.join(s.name for s in systems))}.</p>",
             "<h2>Scores</h2>", _score_table(systems)]
    for s in systems:
        parts.append(f"<p class='sig'>{_e(s.name)}: {_e(s.report.signature)}</p>")
        if s.report.options.compat != "none":
            parts.append(f"<p>{_e(s.name)}: compatibility mode {_e(s.report.options.compat)}</p>")
        if s.report.type_mappings:
            parts.append(f"<p>{_e(s.name)}: predictions converted with a type mapping (their ontology → ours), "
                         f"digest {_e(', '.join(s.report.type_mappings))}.</p>")
        if s.report.lenient is not None:
            parts.append(f"<p>{_e(s.name)}: scored with --lenient; {s.report.lenient.events} event(s) and "
                         f"{s.report.lenient.stances} stance(s) were invalid and count as false positives.</p>")
        if s.report.unresolved_spans:
            parts.append(f"<p>{_e(s.name)}: {len(s.report.unresolved_spans)} text-only span(s) matched nothing.</p>")
    if comparisons:
        parts += ["<h2>Paired significance</h2>", _comparison_table(comparisons, systems[0].name, systems[1].name)]
    parts.append("<h2>Plots</h2>")
    for caption, svg in _plots(systems):
        parts.append(f"<figure>{svg}<figcaption>{_e(caption)}</figcaption></figure>")
    legend = "".join(f'<span><span class="swatch" style="background:{COLOURS[k]}"></span>{_e(v)}</span>' for k, v in LABELS.items())
    for s in systems:
        parts.append(f"<h2>Document view — {_e(s.name)}</h2><p class='legend'>{legend}</p>"
                     "<p>Triggers are underlined by status; hover or focus one for its type, factuality and argument "
                     "differences, or open the list under each paragraph.</p>")
        for doc in gold.documents:
            diagnosis = s.diagnoses.get(doc.id)
            events = diagnosis.events if diagnosis else []
            parts.append(f"<h3>{_e(doc.id)}</h3>")
            for paragraph in doc.paragraphs:
                inside = [v for v in events if v.start is not None and paragraph.start <= v.start < paragraph.end]
                parts.append(f"<div class='para'>{_paragraph_html(doc.text, paragraph.start, paragraph.end, inside)}"
                             f"{''.join(_event_details(v) for v in inside)}</div>")
            unplaced = [v for v in events if v.start is None]
            if unplaced:
                parts.append("<p>Predicted events whose trigger text occurs nowhere:</p>" +
                             "".join(_event_details(v) for v in unplaced))
        parts.append(f"<h2>Stances — {_e(s.name)}</h2><table><tr><th>document</th><th>status</th><th>holder</th>"
                     "<th>target</th><th>polarity</th></tr>")
        for doc in gold.documents:
            diagnosis = s.diagnoses.get(doc.id)
            for st in diagnosis.stances if diagnosis else []:
                parts.append(f"<tr><td>{_e(doc.id)}</td><td class='{st.status}'>{_e(st.status)}</td><td>{_e(st.holder)}</td>"
                             f"<td>{_e(st.target)}</td><td>{_e(st.polarity)}</td></tr>")
        parts.append("</table>")
    parts.append("</body></html>")
    return "\n".join(parts)
