"""Shared fixtures: a tiny valid gold document built in code, and file writers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

TEXT = "Russia condemned the attack on Kyiv.\n\nUkraine asked Russia to stop. Moscow refused."


def span(text: str, needle: str, nth: int = 0) -> dict:
    start = -1
    for _ in range(nth + 1):
        start = text.index(needle, start + 1)
    return {"start": start, "end": start + len(needle), "text": needle}


@pytest.fixture
def gold_doc() -> dict:
    """A small, fully annotated, valid gold document as plain JSON data."""
    return make_gold_doc()


def make_gold_doc() -> dict:
    """The ``gold_doc`` fixture's document (a fresh copy each call)."""
    t = TEXT
    russia = [span(t, "Russia"), span(t, "Russia", 1), span(t, "Moscow")]
    return {
        "id": "doc1",
        "text": t,
        "meta": {"source": "test", "licence": "CC0"},
        "paragraphs": [span(t, "Russia condemned the attack on Kyiv."), span(t, "Ukraine asked Russia to stop. Moscow refused.")],
        "sentences": [span(t, "Russia condemned the attack on Kyiv."), span(t, "Ukraine asked Russia to stop."), span(t, "Moscow refused.")],
        "entities": [
            {"id": "E1", "type": "GOV", "name": "Russia", "mentions": russia},
            {"id": "E2", "type": "GOV", "name": "Ukraine", "mentions": [span(t, "Ukraine")]},
            {"id": "E3", "type": "LOC", "name": "Kyiv", "mentions": [span(t, "Kyiv")]},
        ],
        "events": [
            {"id": "V1", "type": "ACCUSE", "mode": "disapprove", "trigger": span(t, "condemned"), "factuality": "asserted",
             "arguments": [{"role": "actor", "entity": "E1", "span": russia[0]}]},
            {"id": "V2", "type": "ASSAULT", "trigger": span(t, "attack"), "factuality": "asserted",
             "arguments": [{"role": "place", "entity": "E3", "span": span(t, "Kyiv")}]},
            {"id": "V3", "type": "REQUEST", "mode": "change", "trigger": span(t, "asked"), "factuality": "asserted",
             "arguments": [{"role": "actor", "entity": "E2", "span": span(t, "Ukraine")},
                           {"role": "recipient", "entity": "E1", "span": russia[1]}]},
            {"id": "V4", "type": "REJECT", "trigger": span(t, "refused"), "factuality": "asserted",
             "arguments": [{"role": "actor", "entity": "E1", "span": russia[2]}]},
        ],
        "stances": [
            {"id": "S1", "holder": {"entity": "E1", "span": russia[0]}, "target": {"event": "V2"},
             "polarity": "against", "evidence": [span(t, "condemned the attack")]},
            {"id": "S2", "holder": {"entity": "E2", "span": span(t, "Ukraine")},
             "target": {"entity": "E1", "span": russia[1]}, "polarity": "against",
             "evidence": [span(t, "asked Russia to stop")]},
        ],
    }


def write_lines(path: Path, records: list) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


@pytest.fixture
def gold_file(tmp_path: Path, gold_doc: dict) -> Path:
    return write_lines(tmp_path / "gold.jsonl", [gold_doc])
