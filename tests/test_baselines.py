"""Baselines: lexicon matching and inflections, argument heuristics, factuality cues, the CLI
runner, a tiny cross-validation on a synthetic two-document corpus, and determinism."""

from __future__ import annotations

import json

import msgspec
import pytest
from typer.testing import CliRunner

from baselines.ml import MLPipeline, cross_validate
from baselines.rules import code_document
from baselines.rules.coder import lexicons
from baselines.rules.morphology import inflections
from benchmark.cli import app
from benchmark.model import Document
from conftest import make_gold_doc, span, write_lines


@pytest.mark.parametrize("lemma,forms", [
    ("arrest", {"arrest", "arrests", "arrested", "arresting"}),
    ("stop", {"stops", "stopped", "stopping"}),
    ("urge", {"urges", "urged", "urging"}),
    ("deny", {"denies", "denied", "denying"}),
    ("withdraw", {"withdraws", "withdrew", "withdrawn", "withdrawing"}),
    ("clash", {"clashes", "clashed"}),
])
def test_inflections(lemma, forms) -> None:
    assert forms <= inflections(lemma)


def events_of(text: str) -> list[tuple]:
    return [(e["type"], e.get("mode"), e["trigger"]["text"], e["factuality"],
             tuple((a["role"], a["span"]["text"]) for a in e["arguments"])) for e in code_document("d", text)["events"]]


@pytest.mark.parametrize("verb", ["arrests", "arrested", "arresting"])
def test_every_inflection_fires(verb) -> None:
    assert events_of(f"Police {verb} the protesters.")[0][:3] == ("COERCE", "arrest", verb)


def test_longest_multiword_cue_wins() -> None:
    assert [e[:3] for e in events_of("Officials called on Iran to act.")][0] == ("REQUEST", None, "called on")


def test_clause_local_arguments_and_compound_actors() -> None:
    found = events_of("Turkey, Jordan and Iraq condemned Israel on Monday.")
    assert found[0][0] == "ACCUSE"
    assert found[0][4] == (("actor", "Turkey"), ("actor", "Jordan"), ("actor", "Iraq"), ("recipient", "Israel"),
                           ("time", "Monday"))


def test_place_after_in_is_a_location_not_an_actor() -> None:
    found = events_of("Gunmen attacked a checkpoint in Yemen.")
    assert found[0][4] == (("actor", "Gunmen"), ("place", "Yemen"))


def test_factuality_cues() -> None:
    assert events_of("Police did not arrest him.")[0][3] == "negated"
    assert events_of("Police will arrest him.")[0][3] == "hypothetical"
    assert events_of("Police arrested him.")[0][3] == "asserted"


def test_metonyms_share_the_state_entity() -> None:
    entities = code_document("d", "Moscow criticised the plan. The Kremlin rejected it.")["entities"]
    russia = [e for e in entities if e["name"] == "Russia"]
    assert len(russia) == 1 and [m["text"] for m in russia[0]["mentions"]] == ["Moscow", "Kremlin"]


def test_implied_stance_of_an_accusation() -> None:
    stances = code_document("d", "Iran condemned Israel.")["stances"]
    assert [(s["holder"]["span"]["text"], s["target"]["span"]["text"], s["polarity"]) for s in stances] == \
        [("Iran", "Israel", "against")]


def test_lexicon_blocks_document_their_source() -> None:
    from importlib import resources
    data = json.loads(resources.files("baselines.rules").joinpath("lexicon.json").read_text())
    assert all(block["source"] for blocks in data["types"].values() for block in blocks)
    assert set(data["types"]) == set(json.loads(resources.files("benchmark.labelsets").joinpath("plover-v1.json").read_text())["event_types"])
    assert len(lexicons().cues) > 300


def test_rules_cli_streams_any_text_and_is_deterministic(tmp_path) -> None:
    docs = write_lines(tmp_path / "docs.jsonl", [{"id": f"d{i}", "text": "Police arrested protesters in Minsk."} for i in range(40)])
    runner = CliRunner()
    one, two = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    assert runner.invoke(app, ["baseline", "rules", "--input", str(docs), "--output", str(one)]).exit_code == 0
    assert runner.invoke(app, ["baseline", "rules", "--input", str(docs), "--output", str(two), "--workers", "2"]).exit_code == 0
    assert one.read_bytes() == two.read_bytes()
    assert len(one.read_text().splitlines()) == 40


def test_rules_cli_reports_a_bad_input_line(tmp_path) -> None:
    docs = write_lines(tmp_path / "docs.jsonl", [{"id": "a", "text": "x"}, {"id": "b"}])
    result = CliRunner().invoke(app, ["baseline", "rules", "--input", str(docs), "--output", str(tmp_path / "o.jsonl")])
    assert result.exit_code == 65 and f"{docs}:2:" in result.stderr and not (tmp_path / "o.jsonl").exists()


def synthetic_corpus() -> list[Document]:
    """Two small gold documents with the same patterns, for training and cross-validation."""
    docs = []
    for n, (country, other) in enumerate((("Russia", "Ukraine"), ("Iran", "Iraq"))):
        raw = make_gold_doc()
        text = raw["text"].replace("Russia", country).replace("Moscow", country).replace("Ukraine", other)
        raw = json.loads(json.dumps(raw).replace("Russia", country).replace("Moscow", country).replace("Ukraine", other))
        raw["id"], raw["text"] = f"doc{n}", text
        for layer in ("paragraphs", "sentences"):
            raw[layer] = [span(text, s["text"]) for s in raw[layer]]
        docs.append(raw)
    return [msgspec.convert(_respan(d), Document) for d in docs]


def _respan(raw: dict) -> dict:
    """Recompute offsets of every span from its text (the replacements changed lengths)."""
    text = raw["text"]
    used: dict[str, int] = {}

    def fix(s):
        return span(text, s["text"], used.get(s["text"], 0))

    for entity in raw["entities"]:
        entity["mentions"] = [fix(m) for m in entity["mentions"]]
        for m in entity["mentions"]:
            used[m["text"]] = used.get(m["text"], 0) + 1
    mentions = {m["text"]: m for e in raw["entities"] for m in e["mentions"]}
    for event in raw["events"]:
        event["trigger"] = span(text, event["trigger"]["text"])
        for a in event["arguments"]:
            a["span"] = next(m for e in raw["entities"] if e["id"] == a["entity"] for m in e["mentions"]
                             if m["text"] == a["span"]["text"])
    for stance in raw["stances"]:
        stance["holder"]["span"] = mentions[stance["holder"]["span"]["text"]] if stance["holder"]["span"]["text"] in mentions else stance["holder"]["span"]
        stance["evidence"] = [span(text, s["text"]) for s in stance["evidence"]]
        if "span" in stance["target"]:
            stance["target"]["span"] = next(m for e in raw["entities"] if e["id"] == stance["target"]["entity"]
                                            for m in e["mentions"])
    return raw


def test_ml_pipeline_learns_the_training_patterns() -> None:
    docs = synthetic_corpus()
    model = MLPipeline().fit(docs[:1])
    pred = model.predict("doc1", docs[1].text)
    assert {(e["type"], e["trigger"]["text"]) for e in pred["events"]} >= {("ACCUSE", "condemned"), ("REQUEST", "asked")}


def test_cross_validation_never_predicts_a_paragraph_it_trained_on() -> None:
    docs = synthetic_corpus()
    folds = {"doc0": [0, 1], "doc1": [1, 0]}
    seen: list[tuple[str, tuple[int, ...]]] = []

    original = MLPipeline.fit

    def spy(self, corpus, keep=None):
        trained = tuple(i for d in corpus for i in range(len(d.sentences)) if keep(d, i))
        seen.append(("fit", trained))
        return original(self, corpus, keep)

    MLPipeline.fit = spy
    try:
        predictions = cross_validate(docs, folds)
    finally:
        MLPipeline.fit = original
    assert len(seen) == 2 and [p["id"] for p in predictions] == ["doc0", "doc1"]
    # Each prediction's triggers lie in paragraphs whose fold was held out of the model that made it.
    for doc, pred in zip(docs, predictions):
        for event in pred["events"]:
            paragraph = next(i for i, p in enumerate(doc.paragraphs) if p.start <= event["trigger"]["start"] < p.end)
            assert paragraph in (0, 1)


def test_cross_validation_is_deterministic() -> None:
    docs = synthetic_corpus()
    folds = {"doc0": [0, 1], "doc1": [1, 0]}
    assert json.dumps(cross_validate(docs, folds)) == json.dumps(cross_validate(docs, folds))
