"""Validation: every bad input of the foundation issue gets a located, one-line problem."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from benchmark.errors import InputError
from benchmark.loader import load_gold
from benchmark.validate import iter_predictions, validate_gold_file, validate_prediction_file
from conftest import span, write_lines


def mutated(doc: dict, change) -> dict:
    doc = copy.deepcopy(doc)
    change(doc)
    return doc


def set_path(doc: dict, path: str, value) -> None:
    keys = [int(k) if k.isdigit() else k for k in path.split(".")]
    target = doc
    for key in keys[:-1]:
        target = target[key]
    target[keys[-1]] = value


def del_path(doc: dict, path: str) -> None:
    keys = [int(k) if k.isdigit() else k for k in path.split(".")]
    target = doc
    for key in keys[:-1]:
        target = target[key]
    del target[keys[-1]]


# (case name, mutation of the valid document, expected field, fragment of the message)
GOLD_CASES = [
    ("wrong field type", lambda d: set_path(d, "events.1.trigger.end", "27"), "events[1].trigger.end", "expected int, got str"),
    ("bool for int", lambda d: set_path(d, "events.1.trigger.end", True), "events[1].trigger.end", "expected int, got bool"),
    ("float for int", lambda d: set_path(d, "events.1.trigger.end", 27.0), "events[1].trigger.end", "expected int, got float"),
    ("missing required field", lambda d: del_path(d, "events.0.factuality"), "events[0]", "missing required field 'factuality'"),
    ("unknown field (typo)", lambda d: set_path(d, "events.0.arguements", []), "events[0]", "unknown field 'arguements'"),
    ("null where a string is required", lambda d: set_path(d, "events.0.type", None), "events[0].type", "expected str, got null"),
    ("unknown event type", lambda d: set_path(d, "events.0.type", "ACUSE"), "events[0].type", "did you mean 'ACCUSE'"),
    ("unknown mode", lambda d: set_path(d, "events.0.mode", "disaprove"), "events[0].mode", "unknown mode for ACCUSE"),
    ("mode not allowed for type", lambda d: set_path(d, "events.0.mode", "firearms"), "events[0].mode", "unknown mode for ACCUSE 'firearms'"),
    ("mode on a type without modes", lambda d: d["events"][3].update(type="SUPPORT", mode="assist"), "events[3].mode", "SUPPORT takes no mode"),
    ("unknown role", lambda d: set_path(d, "events.0.arguments.0.role", "agent"), "events[0].arguments[0].role", "unknown role 'agent'"),
    ("unknown entity type", lambda d: set_path(d, "entities.0.type", "STATE"), "entities[0].type", "unknown entity type"),
    ("unknown factuality", lambda d: set_path(d, "events.0.factuality", "certain"), "events[0].factuality", "unknown factuality"),
    ("unknown polarity", lambda d: set_path(d, "stances.0.polarity", "pro"), "stances[0].polarity", "unknown polarity"),
    ("start > end", lambda d: set_path(d, "events.1.trigger", {"start": 27, "end": 21, "text": "attack"}), "events[1].trigger.end", "is not after start"),
    ("negative offset", lambda d: set_path(d, "events.1.trigger", {"start": -1, "end": 5, "text": "x"}), "events[1].trigger.start", "negative offset"),
    ("offset past the text", lambda d: set_path(d, "events.1.trigger", {"start": 80, "end": 900, "text": "x"}), "events[1].trigger.end", "past the end of the text"),
    ("span text differs from slice", lambda d: set_path(d, "events.1.trigger.text", "attacks"), "events[1].trigger.text", "does not equal the text"),
    ("whitespace at span end", lambda d: set_path(d, "events.1.trigger", span(d["text"], "attack ")), "events[1].trigger", "whitespace"),
    ("duplicate ids", lambda d: set_path(d, "events.1.id", "V1"), "events[1].id", "duplicate id 'V1'"),
    ("id shared across layers", lambda d: set_path(d, "stances.0.id", "E1"), "stances[0].id", "duplicate id 'E1'"),
    ("dangling entity reference", lambda d: set_path(d, "events.0.arguments.0.entity", "E9"), "events[0].arguments[0].entity", "no entity with id 'E9'"),
    ("dangling event reference", lambda d: set_path(d, "stances.0.target", {"event": "V9"}), "stances[0].target.event", "no event with id 'V9'"),
    ("argument span not a mention", lambda d: set_path(d, "events.0.arguments.0.span", span(d["text"], "Russia condemned")), "events[0].arguments[0].span", "is not a mention of entity E1"),
    ("argument span of another entity", lambda d: set_path(d, "events.0.arguments.0.entity", "E2"), "events[0].arguments[0].span", "is not a mention of entity E2"),
    ("target both entity and event", lambda d: set_path(d, "stances.0.target", {"event": "V2", "entity": "E1"}), "stances[0].target", "not both"),
    ("entity target without span", lambda d: del_path(d, "stances.1.target.span"), "stances[1].target", "needs both"),
    ("stance without evidence", lambda d: set_path(d, "stances.0.evidence", []), "stances[0].evidence", "at least one evidence"),
    ("entity without mentions", lambda d: set_path(d, "entities.2.mentions", []), "entities[2].mentions", "at least one mention"),
    ("mention in two entities", lambda d: d["entities"][1]["mentions"].append(span(d["text"], "Kyiv")), "entities[2].mentions[0]", "already a mention of E2"),
    ("sentences out of order", lambda d: d["sentences"].reverse(), "sentences[1]", "overlaps or precedes"),
    ("sentence across paragraphs", lambda d: set_path(d, "sentences.0", span(d["text"], "Kyiv.\n\nUkraine")), "sentences[0]", "not inside one paragraph"),
    ("no paragraphs", lambda d: set_path(d, "paragraphs", []), "paragraphs", "at least one"),
    ("empty id", lambda d: set_path(d, "events.0.id", " "), "events[0].id", "empty id"),
    ("empty text", lambda d: set_path(d, "text", ""), "text", "empty text"),
    ("huge offset", lambda d: set_path(d, "events.1.trigger.end", 10**30), "events[1].trigger.end", ""),
    ("duplicate argument", lambda d: d["events"][0]["arguments"].append(copy.deepcopy(d["events"][0]["arguments"][0])), "events[0].arguments[1]", "duplicate argument"),
    ("layer is not a list", lambda d: set_path(d, "events", {"V1": {}}), "events", "expected array, got object"),
]


def problems(path: Path) -> list[str]:
    result = validate_gold_file(path)
    return [str(issue) for issue in result.log.issues]


def test_the_fixture_is_valid(gold_file: Path) -> None:
    result = validate_gold_file(gold_file)
    assert result.ok and result.records == 1


@pytest.mark.parametrize("name,change,field,fragment", GOLD_CASES, ids=[c[0] for c in GOLD_CASES])
def test_bad_gold_record_is_located(tmp_path, gold_doc, name, change, field, fragment) -> None:
    path = write_lines(tmp_path / "g.jsonl", [gold_doc, mutated(gold_doc, change) | {"id": "doc2"}])
    found = problems(path)
    assert any(f.startswith(f"{path}:2: {field}: ") and fragment in f for f in found), found


def test_all_problems_of_a_record_are_reported(tmp_path, gold_doc) -> None:
    def two_problems(d):
        d["events"][0]["type"] = "NOPE"
        d["stances"][0]["polarity"] = "pro"

    path = write_lines(tmp_path / "g.jsonl", [mutated(gold_doc, two_problems)])
    found = problems(path)
    assert [f.split(": ")[1] for f in found] == ["events[0].type", "stances[0].polarity"]


RAW_CASES = [
    ("not JSON", b"hello\n", ":1: ", "not valid JSON"),
    ("truncated line", b'{"id": "doc1", "text": "abc\n', ":1: ", "truncated"),
    ("empty file", b"", "", "empty file"),
    ("only blank lines", b"\n\n  \n", "", "empty file"),
    ("JSON array", b'[{"id": "doc1"}]\n', ":1: ", "JSON array"),
    ("pretty-printed JSON", b'{\n  "id": "doc1"\n}\n', ":1: ", "pretty-printed"),
    ("UTF-8 BOM", b'\xef\xbb\xbf{"id": "doc1"}\n', ":1: ", "byte-order mark"),
    ("invalid UTF-8", b'{"id": "doc\xff1"}\n', ":1: ", "invalid UTF-8: byte 0xff at column 12"),
    ("top-level scalar", b"42\n", ":1: ", "expected object, got int"),
    ("NaN literal", b'{"id": NaN}\n', ":1: ", "not valid JSON"),
    ("lone surrogate escape", b'{"id": "\\ud800"}\n', ":1: ", "not valid JSON"),
    ("wrong type before a syntax error", b'{"id": 5,, "events": []}\n', ":1: ", "not valid JSON"),
    ("number out of range (valid JSON)", b'{"id": "d", "text": "ab", "paragraphs": [{"start": 1e999}]}\n', ":1: ",
     "paragraphs[0].start: number out of range"),
]


@pytest.mark.parametrize("name,raw,where,fragment", RAW_CASES, ids=[c[0] for c in RAW_CASES])
def test_unparseable_files_are_located(tmp_path, name, raw, where, fragment) -> None:
    path = tmp_path / "g.jsonl"
    path.write_bytes(raw)
    found = problems(path)
    assert len(found) == 1, found
    assert found[0].startswith(f"{path}{where}"), found
    assert fragment in found[0], found


def test_trailing_garbage_after_a_document(tmp_path, gold_doc) -> None:
    path = tmp_path / "g.jsonl"
    path.write_bytes(json.dumps(gold_doc).encode() + b" x\n")
    assert problems(path)[0].startswith(f"{path}:1: not valid JSON")


@pytest.mark.parametrize("raw,key", [
    (b'{"id": "doc1", "events": [], "events": []}', "events"),
    (b'{"id": "doc1", "events": [{"id": "a", "id": "b"}]}', "id"),
])
def test_duplicate_keys_are_refused_not_silently_resolved(tmp_path, raw, key) -> None:
    path = tmp_path / "g.jsonl"
    path.write_bytes(raw + b"\n")
    found = problems(path)
    assert len(found) == 1 and f"key '{key}' appears twice in one object" in found[0] and found[0].startswith(f"{path}:1: ")


@pytest.mark.parametrize("raw,expected", [
    (b'{"a": 1, "a": 2}', "a"),
    (b'{"a": {"c": 1, "c": 2}}', "c"),
    (b'{"a" : 1, "a": 2}', "a"),  # spaced before the colon: exact path
    (b'{"a": "\\u0022: x", "a": 2}', "a"),  # an escaped quote written to mask the lost key
    (b'{"a": "x\\": y", "b": 2}', None),  # a quote and colon inside a string are no key
    (b'{"a": [{"b": 1}, {"b": 2}]}', None),  # the same key in two objects is fine
    (b'{"a": "\\u003a", "b": 1, "b": 2}', "b"),  # an escaped colon written to mask the lost key
    (b'{"a": "\\u003A:"}', None),
    (b'{"a": "x: y", "b": {"c": ":"}}', None),
])
def test_duplicate_key_detection(raw, expected) -> None:
    from benchmark.validate import _duplicate_key
    assert _duplicate_key(raw) == expected


@pytest.mark.parametrize("raw,problem", [
    (b'{"id": "d", "events": [{"id": "p", "type": "ACCUSE", "factuality": "asserted", "mode": null, '
     b'"trigger": {"start": 0, "end": 6}}]}', None),  # a default spelled out: the typed re-encoding omits it
    (b'{"id": "d", "events": [{"id": "p", "type": "ACCUSE", "factuality": "asserted", "mode": null, '
     b'"trigger": {"start": 0, "end": 6, "start": 0}}]}', "key 'start' appears twice"),
    (b'{"id": "d", "events": [], "id": "d"}', "key 'id' appears twice"),
])
def test_repeated_keys_in_typed_records(raw, problem) -> None:
    from benchmark.errors import InputError
    from benchmark.model import Prediction
    from benchmark.validate import decode_line
    if problem is None:
        assert decode_line("p.jsonl", 1, raw, Prediction).events[0].mode is None
    else:
        with pytest.raises(InputError, match=problem):
            decode_line("p.jsonl", 1, raw, Prediction)


def test_control_characters_in_ids(tmp_path, gold_doc) -> None:
    path = write_lines(tmp_path / "g.jsonl", [mutated(gold_doc, lambda d: set_path(d, "events.0.id", "V\u00001"))])
    assert any("events[0].id" in f and "control characters" in f for f in problems(path))


def test_crlf_line_endings_are_accepted(tmp_path, gold_doc) -> None:
    path = tmp_path / "g.jsonl"
    path.write_bytes(json.dumps(gold_doc).encode() + b"\r\n")
    assert validate_gold_file(path).ok


def test_same_document_id_twice(tmp_path, gold_doc) -> None:
    path = write_lines(tmp_path / "g.jsonl", [gold_doc, gold_doc])
    assert problems(path) == [f"{path}:2: id: duplicate document id 'doc1' (first on line 1)"]


def test_load_gold_raises_with_every_issue(tmp_path, gold_doc) -> None:
    bad = mutated(gold_doc, lambda d: set_path(d, "events.0.type", "X"))
    path = write_lines(tmp_path / "g.jsonl", [bad | {"id": "a"}, bad | {"id": "b"}])
    with pytest.raises(InputError) as caught:
        load_gold(path)
    assert caught.value.total == 2
    assert str(caught.value).startswith(f"{path}:1: events[0].type: unknown event type 'X'")


def test_issue_log_is_capped_but_counts_everything(tmp_path, gold_doc) -> None:
    bad = mutated(gold_doc, lambda d: set_path(d, "events.0.type", "X"))
    path = write_lines(tmp_path / "g.jsonl", [bad | {"id": str(i)} for i in range(50)])
    result = validate_gold_file(path, keep=10)
    assert result.log.total == 50 and len(result.log.issues) == 10


# --- predictions ---------------------------------------------------------------------------

@pytest.fixture
def gold_by_id(gold_file):
    return load_gold(gold_file).by_id()


PRED_CASES = [
    ("unknown document id", {"id": "doc9"}, "id", "no gold document with id 'doc9'"),
    ("text differs from gold", {"id": "doc1", "text": "other"}, "text", "differs from the gold"),
    ("offsets past the text", {"id": "doc1", "events": [{"id": "p1", "type": "ASSAULT", "factuality": "asserted",
                                                        "trigger": {"start": 5, "end": 500}}]}, "events[0].trigger.end", "past the end"),
    ("byte offsets", {"id": "doc1", "events": [{"id": "p1", "type": "ASSAULT", "factuality": "asserted",
                                               "trigger": {"start": 21, "end": 27, "text": "attac"}}]}, "events[0].trigger.text", "not bytes"),
    ("only start", {"id": "doc1", "events": [{"id": "p1", "type": "ASSAULT", "factuality": "asserted",
                                             "trigger": {"start": 21}}]}, "events[0].trigger", "both 'start' and 'end'"),
    ("empty text-only span", {"id": "doc1", "events": [{"id": "p1", "type": "ASSAULT", "factuality": "asserted",
                                                       "trigger": {"text": " "}}]}, "events[0].trigger", "offsets or a non-empty"),
    ("unknown label", {"id": "doc1", "events": [{"id": "p1", "type": "Attack", "factuality": "asserted",
                                                "trigger": {"text": "attack"}}]}, "events[0].type", "unknown event type"),
    ("dangling event reference", {"id": "doc1", "stances": [{"id": "s", "holder": {"span": {"text": "Russia"}},
                                                            "target": {"event": "p7"}, "polarity": "against"}]},
     "stances[0].target.event", "no predicted event with id 'p7'"),
    ("target with span and event", {"id": "doc1", "events": [{"id": "p1", "type": "ASSAULT", "factuality": "asserted", "trigger": {"text": "attack"}}],
                                    "stances": [{"id": "s", "holder": {"span": {"text": "Russia"}},
                                                 "target": {"event": "p1", "span": {"text": "Kyiv"}}, "polarity": "against"}]},
     "stances[0].target", "exactly one of"),
    ("sentence hint out of range", {"id": "doc1", "events": [{"id": "p1", "type": "ASSAULT", "factuality": "asserted",
                                                             "trigger": {"text": "attack"}, "sentence": 3}]}, "events[0].sentence", "no sentence 3"),
]


@pytest.mark.parametrize("name,record,field,fragment", PRED_CASES, ids=[c[0] for c in PRED_CASES])
def test_bad_prediction_is_located(tmp_path, gold_by_id, name, record, field, fragment) -> None:
    path = write_lines(tmp_path / "p.jsonl", [record])
    result = validate_prediction_file(path, gold_by_id)
    found = [str(i) for i in result.log.issues]
    assert found and found[0].startswith(f"{path}:1: {field}: "), found
    assert fragment in found[0], found


def test_loose_predictions_are_valid(tmp_path, gold_by_id) -> None:
    record = {
        "id": "doc1",
        "events": [
            {"id": "p1", "type": "ASSAULT", "factuality": "asserted", "trigger": {"text": "attack"}, "sentence": 0,
             "arguments": [{"role": "place", "span": {"start": 31, "end": 35}}]},
        ],
        "stances": [{"id": "s1", "holder": {"span": {"text": "Russia"}}, "target": {"event": "p1"}, "polarity": "against"}],
    }
    path = write_lines(tmp_path / "p.jsonl", [record])
    preds = list(iter_predictions(path, gold_by_id))
    assert preds[0].entities is None and preds[0].events[0].arguments[0].span.start == 31


def test_prediction_for_the_same_document_twice(tmp_path, gold_by_id) -> None:
    path = write_lines(tmp_path / "p.jsonl", [{"id": "doc1"}, {"id": "doc1"}])
    result = validate_prediction_file(path, gold_by_id)
    assert [str(i) for i in result.log.issues] == [f"{path}:2: id: duplicate document id 'doc1' (first on line 1)"]


def test_bundled_gold_is_valid() -> None:
    corpus = load_gold(split="all")
    assert len(corpus) >= 1
    assert all(doc.meta.get("licence") or doc.meta.get("license") for doc in corpus.documents)
