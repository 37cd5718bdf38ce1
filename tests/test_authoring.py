"""Annotation sources: anchors resolve to exact offsets; the committed gold matches its sources."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from benchmark.authoring import AnchorError, compile_source, resolve_anchor
from benchmark.errors import InputError

ROOT = Path(__file__).resolve().parent.parent


def test_anchor_without_brackets_must_be_unique() -> None:
    assert resolve_anchor("a Moscow b", "Moscow").start == 2
    with pytest.raises(AnchorError, match="occurs 2 times"):
        resolve_anchor("Moscow and Moscow", "Moscow")
    with pytest.raises(AnchorError, match="does not occur"):
        resolve_anchor("Moscow", "Kyiv")


def test_bracketed_anchor_picks_the_marked_part_of_a_unique_context() -> None:
    span = resolve_anchor("Moscow and Moscow again", "and [[Moscow]] again")
    assert (span.start, span.end, span.text) == (11, 17, "Moscow")
    with pytest.raises(AnchorError, match="exactly one"):
        resolve_anchor("x", "[[a]] [[b]]")


def write_source(tmp_path: Path, **layers) -> Path:
    (tmp_path / "texts").mkdir()
    (tmp_path / "texts" / "d.txt").write_text("Title\n\nRussia attacked Kyiv. Kyiv asked Russia to stop.", encoding="utf-8")
    source = {"id": "d", "text_file": "d.txt", "meta": {"licence": "CC0"}} | layers
    path = tmp_path / "d.json"
    path.write_text(json.dumps(source))
    return path


def test_compile_chooses_the_nearest_mention_in_the_sentence(tmp_path) -> None:
    path = write_source(
        tmp_path,
        entities=[{"id": "E1", "type": "GOV", "mentions": ["[[Russia]] attacked", "asked [[Russia]]"]},
                  {"id": "E2", "type": "GOV", "mentions": ["attacked [[Kyiv]]", "[[Kyiv]] asked"]}],
        events=[{"id": "V1", "type": "REQUEST", "trigger": "asked", "factuality": "asserted",
                 "arguments": [{"role": "actor", "entity": "E2"}, {"role": "recipient", "entity": "E1"}]}],
    )
    doc = compile_source(path, tmp_path / "texts")
    args = {a.role: (a.span.start, a.span.text) for a in doc.events[0].arguments}
    assert args == {"actor": (29, "Kyiv"), "recipient": (40, "Russia")}
    assert [s.text for s in doc.sentences] == ["Title", "Russia attacked Kyiv.", "Kyiv asked Russia to stop."]


def test_compile_reports_every_bad_anchor(tmp_path) -> None:
    path = write_source(tmp_path, entities=[{"id": "E1", "type": "GOV", "mentions": ["Russia", "Nowhere"]}],
                        events=[{"id": "V1", "type": "ASSAULT", "trigger": "Kyiv", "factuality": "asserted"}])
    with pytest.raises(InputError) as caught:
        compile_source(path, tmp_path / "texts")
    messages = [str(i) for i in caught.value.issues]
    assert any("entities[0].mentions[0]" in m and "occurs 2 times" in m for m in messages)
    assert any("entities[0].mentions[1]" in m and "does not occur" in m for m in messages)
    assert any("events[0].trigger" in m for m in messages)


def test_committed_gold_matches_its_sources() -> None:
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "build_gold.py"), "--check"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
