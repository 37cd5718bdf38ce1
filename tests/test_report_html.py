"""The HTML report: escaping of untrusted text, content, size, and a real headless browser."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from benchmark.api import build_report_html
from benchmark.loader import load_gold
from benchmark.scorer import ResamplingOptions
from conftest import make_gold_doc, span, write_lines

PAYLOADS = ['<script>window.__pwned = 1</script>', '"><img src=x onerror="window.__pwned=2">',
            "' onmouseover='window.__pwned=3", "</textarea><svg onload=window.__pwned=4>"]
FAST = ResamplingOptions(n=100)


def hostile_prediction(doc: dict) -> dict:
    events = [{"id": "p1", "type": "ACCUSE", "mode": "disapprove", "factuality": "asserted",
               "trigger": span(doc["text"], "condemned"),
               "arguments": [{"role": "actor", "span": {"text": PAYLOADS[0]}}]},
              {"id": PAYLOADS[3], "type": "ASSAULT", "factuality": "asserted", "trigger": {"text": PAYLOADS[1]},
               "arguments": [{"role": "place", "span": {"text": PAYLOADS[2]}}]},
              {"id": "p3", "type": "PROTEST", "factuality": "hypothetical", "trigger": span(doc["text"], "attack")}]
    stances = [{"id": "s1", "holder": {"span": {"text": PAYLOADS[1]}}, "target": {"event": PAYLOADS[3]}, "polarity": "favor"}]
    return {"id": doc["id"], "events": events, "stances": stances}


@pytest.fixture
def page(tmp_path) -> tuple[Path, str]:
    doc = make_gold_doc()
    gold = load_gold(write_lines(tmp_path / "gold.jsonl", [doc]))
    pred = write_lines(tmp_path / "hostile.jsonl", [hostile_prediction(doc)])
    perfect = write_lines(tmp_path / "perfect.jsonl", [{k: v for k, v in doc.items()
                                                        if k not in ("paragraphs", "sentences", "meta", "text")}])
    html = build_report_html([pred, perfect], gold, resampling=FAST)
    path = tmp_path / "report.html"
    path.write_text(html, encoding="utf-8")
    return path, html


def test_untrusted_strings_are_escaped(page) -> None:
    _, html = page
    assert "<script" not in html.lower()
    assert "<img" not in html.lower() and "onerror=\"window" not in html and "<svg onload" not in html
    assert "&lt;script&gt;window.__pwned = 1&lt;/script&gt;" in html


def test_page_is_self_contained(page) -> None:
    _, html = page
    lowered = html.lower()
    for external in ('src="http', "src='http", 'href="http', "href='http", "url(http", "@import", "<link", "<iframe"):
        assert external not in lowered, external
    assert "Content-Security-Policy" in html and html.count("<svg") >= 3  # per-type, confusion, comparison


def test_page_has_scores_signature_statuses_and_stances(page) -> None:
    _, html = page
    for needle in ("evbench:0.1.0|fmt:1", 'data-status="matched"', 'data-status="missed"', 'data-status="wrong-type"',
                   "Paired significance", "<th>holder</th>", "matched (span and type)"):
        assert needle in html, needle


def test_reports_of_the_bundled_gold_have_a_reasonable_size(tmp_path) -> None:
    from baselines.rules.stream import code_file
    gold = load_gold()
    as_pred = write_lines(tmp_path / "gold-as-pred.jsonl", [
        {"id": d.id, "events": [__import__("msgspec").to_builtins(e) for e in d.events]} for d in gold.documents])
    rules = tmp_path / "rules.jsonl"
    code_file(Path(gold.source), rules)
    from baselines.ml import cross_validate
    from benchmark.loader import load_folds
    folds = load_folds()
    ml = write_lines(tmp_path / "ml.jsonl", cross_validate([d for d in gold.documents if d.id in folds], folds))
    for systems in ([as_pred], [rules], [ml], [rules, ml]):
        html = build_report_html(systems, gold, resampling=FAST)
        assert len(html.encode()) < 1_500_000, systems  # about 0.2-0.4 MB per system on the seed article


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def test_in_a_real_browser_no_script_runs_and_spans_are_highlighted(page, tmp_path) -> None:
    playwright = pytest.importorskip("playwright.sync_api", reason="LOUD SKIP: playwright is not installed; "
                                     "the browser test of the HTML report did not run")
    if CHROMIUM is None:
        pytest.skip("LOUD SKIP: Debian's chromium is not installed (apt-get install chromium); "
                    "the browser test of the HTML report did not run")
    path, _ = page
    errors: list[str] = []
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run", "--disable-quic"])
        tab = browser.new_page()
        tab.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
        tab.on("pageerror", lambda exc: errors.append(str(exc)))
        tab.goto(path.as_uri())
        for span_element in tab.query_selector_all("span.ev")[:5]:
            span_element.hover()
        assert tab.evaluate("() => window.__pwned === undefined")
        statuses = tab.evaluate("() => Array.from(document.querySelectorAll('span.ev')).map(e => e.dataset.status)")
        assert {"matched", "missed", "wrong-type"} <= set(statuses)
        shot = tmp_path / "report.png"
        tab.screenshot(path=str(shot), full_page=True)
        browser.close()
    assert shot.stat().st_size > 10_000
    assert errors == []
