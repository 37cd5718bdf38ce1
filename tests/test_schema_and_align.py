"""JSON Schema generated from the model (and shipped), and evbench align."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import msgspec
from typer.testing import CliRunner

from benchmark.api import score_file
from benchmark.cli import app
from benchmark.loader import load_gold
from benchmark.scorer import ResamplingOptions
from benchmark.schema import json_schema
from conftest import make_gold_doc, span, write_lines

ROOT = Path(__file__).resolve().parent.parent


def test_shipped_schemas_are_current() -> None:
    for kind in ("gold", "predictions"):
        shipped = json.loads((ROOT / "benchmark" / "schemas" / f"{kind}.schema.json").read_text())
        assert shipped == json.loads(json.dumps(json_schema(kind))), f"run scripts/build_schemas.py ({kind})"


def test_bundled_gold_validates_against_the_schema() -> None:
    schema = json_schema("gold")
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    for doc in load_gold(split="all").documents:
        assert list(validator.iter_errors(json.loads(msgspec.json.encode(doc)))) == []


def test_schema_rejects_unknown_labels_and_fields() -> None:
    validator = jsonschema.Draft202012Validator(json_schema("predictions"))
    good = {"id": "d", "events": [{"id": "p", "type": "ASSAULT", "factuality": "asserted", "trigger": {"text": "x"}}]}
    assert validator.is_valid(good)
    assert not validator.is_valid(json.loads(json.dumps(good).replace("ASSAULT", "Attack")))
    assert not validator.is_valid(good | {"evnts": []})


def test_schema_command() -> None:
    result = CliRunner().invoke(app, ["schema", "--predictions"])
    assert result.exit_code == 0 and json.loads(result.stdout)["$schema"].endswith("2020-12/schema")


def test_align_gives_the_same_scores_as_on_the_fly(tmp_path) -> None:
    doc = make_gold_doc()
    gold_path = write_lines(tmp_path / "gold.jsonl", [doc])
    pred = write_lines(tmp_path / "pred.jsonl", [{"id": "doc1", "events": [
        {"id": "a", "type": "ACCUSE", "mode": "disapprove", "factuality": "asserted", "trigger": {"text": "Condemned"},
         "arguments": [{"role": "actor", "span": {"text": "RUSSIA"}}]},
        {"id": "b", "type": "REQUEST", "factuality": "asserted", "trigger": {"text": "asked"},
         "arguments": [{"role": "recipient", "span": {"text": "russia"}}, {"role": "actor", "span": {"text": "Poland"}}]},
        {"id": "c", "type": "ASSAULT", "factuality": "asserted", "trigger": span(doc["text"], "attack")}]}])
    aligned = tmp_path / "aligned.jsonl"
    result = CliRunner().invoke(app, ["align", "--gold", str(gold_path), "--pred", str(pred), "-o", str(aligned)])
    assert result.exit_code == 0, result.output
    assert "unresolved: doc1: events[1].arguments[1].span" in result.stderr
    record = json.loads(aligned.read_text())
    assert record["events"][0]["trigger"] == span(doc["text"], "condemned")
    assert record["events"][1]["arguments"][0]["span"] == span(doc["text"], "Russia", 1)  # nearest "asked"
    corpus = load_gold(gold_path)
    before = score_file(pred, corpus, resampling=ResamplingOptions(n=0))
    after = score_file(aligned, corpus, resampling=ResamplingOptions(n=0))
    assert {m: r.counts for m, r in before.metrics.items()} == {m: r.counts for m, r in after.metrics.items()}
