"""Converters: round trips with the bundled gold, real foreign files, bad input."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import msgspec
import pytest
from typer.testing import CliRunner

from benchmark.api import score_file
from benchmark.cli import app
from benchmark.convert import oneie
from benchmark.convert.brat import read_brat, write_brat
from benchmark.errors import InputError
from benchmark.loader import load_gold
from benchmark.scorer import ResamplingOptions

FIXTURES = Path(__file__).resolve().parent.parent.parent / "shared" / "fixtures"
needs_fixtures = pytest.mark.skipif(not FIXTURES.is_dir(), reason=f"foreign-format fixtures not found at {FIXTURES} "
                                    "(they live beside the repository in the project workspace, not in a clone)")
runner = CliRunner()


@pytest.fixture
def gold():
    return load_gold(split="all")


def test_gold_to_brat_to_gold_is_the_identity(tmp_path, gold) -> None:
    for doc in gold.documents:
        write_brat(doc, tmp_path)
        assert read_brat(tmp_path / f"{doc.id}.ann").document == doc


def test_brat_without_the_sidecar_differs_only_as_documented(tmp_path, gold) -> None:
    doc = gold.documents[0]
    write_brat(doc, tmp_path)
    (tmp_path / f"{doc.id}.evbench.json").unlink()
    back = read_brat(tmp_path / f"{doc.id}.ann").document
    assert back.text == doc.text and back.meta == {} and back.id == doc.id
    assert sorted((m.start, m.end) for e in back.entities for m in e.mentions) == \
        sorted((m.start, m.end) for e in doc.entities for m in e.mentions)
    assert Counter((e.type, e.trigger.start, e.factuality, e.mode, e.coref) for e in back.events) == \
        Counter((e.type, e.trigger.start, e.factuality, e.mode, e.coref) for e in doc.events)
    assert Counter((s.polarity, s.holder.span.start, tuple(s.evidence)) for s in back.stances) == \
        Counter((s.polarity, s.holder.span.start, tuple(s.evidence)) for s in doc.stances)
    assert [p.start for p in back.paragraphs] == [p.start for p in doc.paragraphs]  # re-segmented: same blank lines


def test_gold_to_oneie_to_gold_is_the_identity_with_the_evbench_key(gold) -> None:
    out = oneie.from_documents(gold.documents)
    records = [(i + 1, msgspec.convert(r, oneie.OneIERecord)) for i, r in enumerate(out.records)]
    assert oneie.to_documents(records, "<mem>") == list(gold.documents)


def test_oneie_without_the_evbench_key_keeps_what_oneie_can_hold(gold) -> None:
    doc = gold.by_id()["ng-2025-03-11-syria"]  # it has arguments outside their trigger's sentence
    out = oneie.from_documents([doc], keep_evbench=False)
    back = oneie.to_documents([(i + 1, msgspec.convert(r, oneie.OneIERecord)) for i, r in enumerate(out.records)], "<mem>")[0]
    assert Counter((e.type, e.trigger.text) for e in back.events) == Counter((e.type, e.trigger.text) for e in doc.events)
    def same_sentence(event, argument) -> bool:
        return any(s.start <= event.trigger.start < s.end and s.start <= argument.span.start < s.end for s in doc.sentences)

    kept = Counter((a.role, a.span.text) for e in doc.events for a in e.arguments if same_sentence(e, a))
    assert Counter((a.role, a.span.text) for e in back.events for a in e.arguments) == kept
    assert out.cross_window_arguments == sum(not same_sentence(e, a) for e in doc.events for a in e.arguments) > 0
    assert back.stances == () and {e.factuality for e in back.events} == {"asserted"}
    assert len(back.sentences) == len(doc.sentences)
    assert out.lossy == 0  # every gold span of the seed falls on token boundaries


@needs_fixtures
def test_geneva_converts_validates_and_scores_one_against_itself(tmp_path) -> None:
    converted, labels = tmp_path / "geneva.jsonl", tmp_path / "labels.json"
    result = runner.invoke(app, ["convert", "--from", "oneie", "--to", "evbench", str(FIXTURES / "oneie-geneva" / "train-s100.json"),
                                 str(converted), "--write-labels", str(labels)])
    assert result.exit_code == 0, result.output
    assert runner.invoke(app, ["validate", str(converted), "--labels", str(labels)]).exit_code == 0
    assert "Manufacturing" in json.loads(labels.read_text())["event_types"]
    corpus = load_gold(converted, labels=labels)
    preds = tmp_path / "self.jsonl"
    preds.write_text("".join(json.dumps({k: v for k, v in json.loads(line).items() if k not in ("text", "paragraphs", "sentences", "meta")}) + "\n"
                             for line in converted.read_text().splitlines()))
    report = score_file(preds, corpus, resampling=ResamplingOptions(n=50))
    assert report.metrics["TC"].f1 == 1.0 and report.metrics["AC+"].f1 == 1.0 and report.metrics["ENT-C"].f1 == 1.0
    assert report.signature.fields()["labels"].startswith("train-s100-derived.")


@needs_fixtures
def test_textee_output_recovers_character_offsets_and_maps_types(tmp_path) -> None:
    out = tmp_path / "pred.jsonl"
    mapping = tmp_path / "map.json"
    mapping.write_text(json.dumps({"event_types": {"Life:Die": "ASSAULT", "Conflict:Attack": "ASSAULT"},
                                   "roles": {"Place": "place", "Attacker": "actor", "Target": "recipient", "Victim": "recipient"}}))
    result = runner.invoke(app, ["convert", "--from", "textee", "--to", "evbench", str(FIXTURES / "textee-demo" / "demo_output.json"),
                                 str(out), "--map", str(mapping)])
    assert result.exit_code == 0, result.output
    assert "dropped" in result.stderr
    texts = (FIXTURES / "textee-demo" / "demo_input.txt").read_text(encoding="utf-8").splitlines()
    first = json.loads(out.read_text().splitlines()[0])
    trigger = first["events"][0]["trigger"]
    assert texts[0][trigger["start"]:trigger["end"]] == trigger["text"] == "killed"
    assert first["events"][0]["arguments"][0]["span"]["text"] == "Rwanda's"
    assert first["events"][0]["type"] == "ASSAULT" and len(first["meta"]["type_mapping"]) == 8


@needs_fixtures
def test_real_brat_files_read_with_their_drops_counted() -> None:
    read = read_brat(FIXTURES / "brat-news" / "100-attribute_annotation.ann")
    assert read.dropped == {"event-valued argument": 4, "attribute Confidence": 5}
    assert len(read.document.events) == 10


def test_brat_missing_txt_is_a_clear_error(tmp_path) -> None:
    (tmp_path / "a.ann").write_text("T1\tGOV 0 4\tIran\n")
    with pytest.raises(InputError, match="no text file a.txt"):
        read_brat(tmp_path / "a.ann")


def test_brat_unknown_annotation_line(tmp_path) -> None:
    (tmp_path / "a.txt").write_text("Iran protested.")
    (tmp_path / "a.ann").write_text("T1\tGOV 0 4\tIran\nX1\twhat\n")
    with pytest.raises(InputError) as caught:
        read_brat(tmp_path / "a.ann")
    assert str(caught.value) == f"{tmp_path / 'a.ann'}:2: unknown annotation line 'X1' (expected T, E, A, M, R, *, #, N)"


def test_brat_offsets_out_of_range_and_wrong_text(tmp_path) -> None:
    (tmp_path / "a.txt").write_text("Iran protested.")
    (tmp_path / "a.ann").write_text("T1\tGOV 0 40\tIran\n")
    with pytest.raises(InputError, match="outside the text"):
        read_brat(tmp_path / "a.ann")
    (tmp_path / "a.ann").write_text("T1\tGOV 0 4\tIraq\n")
    with pytest.raises(InputError, match="differs from the .txt"):
        read_brat(tmp_path / "a.ann")


def test_oneie_token_offsets_out_of_range(tmp_path) -> None:
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"doc_id": "d", "tokens": ["Iran", "protested"], "entity_mentions": [
        {"id": "m1", "start": 0, "end": 5, "text": "Iran"}], "event_mentions": []}) + "\n")
    result = runner.invoke(app, ["convert", "--from", "oneie", "--to", "evbench", str(path), str(tmp_path / "o.jsonl")])
    assert result.exit_code == 65
    assert result.stderr.startswith(f"{path}:1: entity_mentions[0]: token offsets [0, 5) out of range (2 tokens)")
    assert not (tmp_path / "o.jsonl").exists()


def test_unsupported_pair_is_a_usage_error(tmp_path) -> None:
    result = runner.invoke(app, ["convert", "--from", "evbench", "--to", "textee", "x", "y"])
    assert result.exit_code == 2 and "supported" in result.stderr


def test_cli_brat_round_trip(tmp_path) -> None:
    out_dir, back = tmp_path / "brat", tmp_path / "back.jsonl"
    gold_path = Path(load_gold().source)
    assert runner.invoke(app, ["convert", "--from", "evbench", "--to", "brat", str(gold_path), str(out_dir)]).exit_code == 0
    assert (out_dir / "annotation.conf").is_file()
    assert runner.invoke(app, ["convert", "--from", "brat", "--to", "evbench", str(out_dir), str(back)]).exit_code == 0
    assert back.read_bytes() == gold_path.read_bytes()


def test_the_score_your_model_example_scores_end_to_end(tmp_path) -> None:
    example = Path(__file__).resolve().parent.parent / "docs" / "examples" / "llm-predictions.jsonl"
    assert runner.invoke(app, ["validate", "--predictions", str(example)]).exit_code == 0
    result = runner.invoke(app, ["score", "--pred", str(example), "--bootstrap", "0", "--json", str(tmp_path / "r.json")])
    assert result.exit_code == 0, result.output
    report = json.loads((tmp_path / "r.json").read_text())
    assert (report["metrics"]["TC"]["tp"], report["metrics"]["TC"]["fp"]) == (6, 0)
    assert report["metrics"]["ST"]["tp"] == 2 and report["unresolved_spans"] == []
