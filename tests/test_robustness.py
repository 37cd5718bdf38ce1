"""Adversarial inputs found by a robustness review: each gets a clear error and the documented exit code."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from benchmark.cli import app
from benchmark.loader import DEFAULT_DATA_DIR
from conftest import make_gold_doc, span, write_lines

runner = CliRunner()


def invoke(*args):
    result = runner.invoke(app, [str(a) for a in args])
    assert "Traceback" not in (result.stdout + result.stderr), result.output
    return result


def as_prediction(doc: dict) -> dict:
    return {k: v for k, v in doc.items() if k not in ("text", "paragraphs", "sentences", "meta")}


@pytest.fixture
def gold(tmp_path):
    return write_lines(tmp_path / "gold.jsonl", [make_gold_doc()])


@pytest.fixture
def pred(tmp_path):
    return write_lines(tmp_path / "pred.jsonl", [as_prediction(make_gold_doc())])


def test_brat_file_names_never_escape_the_output_folder(tmp_path) -> None:
    docs = [make_gold_doc() | {"id": "../escaped"}, make_gold_doc() | {"id": "/tmp/absolute"}]
    gold = write_lines(tmp_path / "g.jsonl", docs)
    out = tmp_path / "sub" / "brat"
    assert invoke("convert", "--from", "evbench", "--to", "brat", gold, out).exit_code == 0
    assert sorted(p.name for p in out.iterdir()) == sorted(
        ["annotation.conf", "escaped.txt", "escaped.ann", "escaped.evbench.json",
         "tmp_absolute.txt", "tmp_absolute.ann", "tmp_absolute.evbench.json"])
    assert not (tmp_path / "sub" / "escaped.txt").exists()


@pytest.mark.parametrize("command", [
    ["score", "--pred", "{pred}", "--gold", "{gold}", "--json", "{gold}"],
    ["align", "--pred", "{pred}", "--gold", "{gold}", "-o", "{pred}"],
    ["report", "--pred", "{pred}", "--gold", "{gold}", "-o", "{gold}"],
    ["baseline", "rules", "--input", "{gold}", "--output", "{gold}"],
    ["convert", "--from", "evbench", "--to", "oneie", "{gold}", "{gold}"],
])
def test_outputs_never_overwrite_inputs(gold, pred, command) -> None:
    before = gold.read_bytes(), pred.read_bytes()
    result = invoke(*[c.format(gold=gold, pred=pred) for c in command])
    assert result.exit_code == 2 and "refusing to overwrite" in result.stderr
    assert (gold.read_bytes(), pred.read_bytes()) == before


@pytest.mark.parametrize("command", [
    ["score", "--pred", "{pred}", "--gold", "{folder}", "--json", "{split}"],
    ["report", "--pred", "{pred}", "--gold", "{folder}", "-o", "{split}"],
    ["align", "--pred", "{pred}", "--gold", "{folder}", "-o", "{split}"],
    ["check", "--pred", "{pred}", "--gold", "{folder}", "--reference", "{split}", "--update"],
    ["check", "--pred", "{pred}", "--gold", "{folder}", "--reference", "{reference}", "--junit", "{split}"],
])
def test_outputs_never_overwrite_a_gold_folders_files(tmp_path, pred, command) -> None:
    folder = tmp_path / "mydata"
    folder.mkdir()
    split = write_lines(folder / "test.jsonl", [make_gold_doc()])
    reference = tmp_path / "reference.json"
    assert invoke("check", "--pred", pred, "--gold", folder, "--reference", reference, "--update").exit_code == 0
    before = split.read_bytes()
    result = invoke(*[c.format(pred=pred, folder=folder, split=split, reference=reference) for c in command])
    assert result.exit_code == 2 and "is a data file of the input folder" in result.stderr
    assert split.read_bytes() == before


def test_outputs_never_go_into_the_bundled_gold(pred) -> None:
    result = invoke("score", "--pred", pred, "--gold", DEFAULT_DATA_DIR, "--json", DEFAULT_DATA_DIR / "test.jsonl")
    assert result.exit_code == 2 and "bundled gold" in result.stderr


def test_output_onto_a_directory_or_an_impossible_path(tmp_path, gold, pred) -> None:
    (tmp_path / "adir").mkdir()
    assert invoke("score", "--pred", pred, "--gold", gold, "--json", tmp_path / "adir").exit_code == 2
    result = invoke("score", "--pred", pred, "--gold", gold, "--json", gold / "x.json")
    assert result.exit_code == 2 and "cannot write here" in result.stderr


def test_run_needs_a_data_folder(gold, tmp_path) -> None:
    result = invoke("run", "--gold", gold, "--out", tmp_path / "runs")
    assert result.exit_code == 2 and "must be a data folder" in result.stderr


def test_check_passes_the_predictions_that_made_the_reference_at_tolerance_zero(tmp_path, gold, pred) -> None:
    reference = tmp_path / "ref.json"
    assert invoke("check", "--pred", pred, "--gold", gold, "--reference", reference, "--update").exit_code == 0
    assert invoke("check", "--pred", pred, "--gold", gold, "--reference", reference, "--tolerance", "0").exit_code == 0


@pytest.mark.parametrize("options,fragment", [
    (["--alpha", "-1"], "--alpha must be in (0, 1)"),
    (["--alpha", "nan"], "--alpha must be in (0, 1)"),
    (["--tolerance", "5"], "--tolerance must be in [0, 1]"),
    (["--tolerance", "inf"], "--tolerance must be in [0, 1]"),
    (["--metrics", "ENT-I"], "cannot gate ENT-I"),
])
def test_check_refuses_thresholds_that_disable_the_gate(tmp_path, gold, pred, options, fragment) -> None:
    reference = tmp_path / "ref.json"
    no_entities = write_lines(tmp_path / "noent.jsonl", [{k: v for k, v in as_prediction(make_gold_doc()).items()
                                                          if k != "entities"}])
    invoke("check", "--pred", pred, "--gold", gold, "--reference", reference, "--update")
    result = invoke("check", "--pred", no_entities, "--gold", gold, "--reference", reference, *options)
    assert result.exit_code == 2 and fragment in result.stderr


def test_reference_scores_outside_the_unit_interval(tmp_path, gold, pred) -> None:
    reference = tmp_path / "ref.json"
    invoke("check", "--pred", pred, "--gold", gold, "--reference", reference, "--update")
    data = json.loads(reference.read_text())
    data["metrics"]["TC"] = -5
    reference.write_text(json.dumps(data))
    result = invoke("check", "--pred", pred, "--gold", gold, "--reference", reference)
    assert result.exit_code == 65 and "not in [0, 1]" in result.stderr


@pytest.mark.parametrize("options", [["--seed", "-1"], ["--bootstrap", "1000000000"]])
def test_resampling_options_out_of_range(gold, pred, options) -> None:
    assert invoke("score", "--pred", pred, "--gold", gold, *options).exit_code == 2


def test_deeply_nested_json(tmp_path, gold) -> None:
    deep = tmp_path / "deep.jsonl"
    deep.write_text('{"id": "doc1", "meta": ' + "[" * 100_000 + "]" * 100_000 + "}\n")
    assert invoke("validate", deep).exit_code == 1
    assert invoke("score", "--pred", deep, "--gold", gold).exit_code == 65
    result = invoke("baseline", "rules", "--input", deep, "--output", tmp_path / "o.jsonl")
    assert result.exit_code == 65 and "nested too deeply" in result.stderr


def test_lenient_does_not_turn_a_broken_file_into_a_score(tmp_path, gold) -> None:
    for content in (b"", b"\xef\xbb\xbf{}\n", b'[{"id": "doc1"}]\n', b"nonsense\n"):
        path = tmp_path / "p.jsonl"
        path.write_bytes(content)
        assert invoke("score", "--pred", path, "--gold", gold, "--lenient").exit_code == 65, content


def test_baseline_input_with_repeated_ids(tmp_path) -> None:
    docs = write_lines(tmp_path / "in.jsonl", [{"id": "a", "text": "x"}, {"id": "a", "text": "y"}])
    result = invoke("baseline", "rules", "--input", docs, "--output", tmp_path / "o.jsonl")
    assert result.exit_code == 65 and "duplicate document id 'a'" in result.stderr


@pytest.mark.parametrize("ann,sidecar,fragment", [
    ("Tx\tGOV 0 6\tTroops\n", None, "not a letter and a number"),
    ("T1\tGOV 0 6\tTroops\nT1\tGOV 0 6\tTroops\n", None, "defined twice"),
    ("T1\tASSAULT 7 15\tattacked\nE1\tASSAULT:T1:T9\n", None, "malformed E line"),
    ("T1\tASSAULT 7 15\tattacked\nE1\tASSAULT:T1 actor\n", None, "malformed E line"),
    ("T1\tGOV 0 6\tTroops\n", "[]", "not an evbench BRAT sidecar"),
    ("T1\tGOV 0 6\tTroops\n", '{"entities": {"E1": {}}}', "not an evbench BRAT sidecar"),
])
def test_odd_brat_files(tmp_path, ann, sidecar, fragment) -> None:
    folder = tmp_path / "brat"
    folder.mkdir()
    (folder / "d.txt").write_text("Troops attacked the village. Russia condemned it.")
    (folder / "d.ann").write_text(ann)
    if sidecar is not None:
        (folder / "d.evbench.json").write_text(sidecar)
    result = invoke("convert", "--from", "brat", "--to", "evbench", folder, tmp_path / "o.jsonl")
    assert result.exit_code == 65 and fragment in result.stderr
    assert not (tmp_path / "o.jsonl").exists()


def test_brat_export_checks_every_document_before_writing(tmp_path) -> None:
    good = make_gold_doc()
    bad = make_gold_doc() | {"id": "doc2"}
    bad["entities"].append({"id": "E9", "type": "LOC", "mentions": [span(bad["text"], "Kyiv.\n\nUkraine")]})
    gold = write_lines(tmp_path / "g.jsonl", [good, bad])
    out = tmp_path / "brat"
    result = invoke("convert", "--from", "evbench", "--to", "brat", gold, out)
    assert result.exit_code == 65 and "crosses a line break" in result.stderr
    assert not out.exists() or not any(out.iterdir())


def test_brat_export_checks_every_target_before_writing(tmp_path, gold) -> None:
    a_file = tmp_path / "afile"
    a_file.write_text("x")
    result = invoke("convert", "--from", "evbench", "--to", "brat", gold, a_file)
    assert result.exit_code == 2 and "is a file, not a folder" in result.stderr
    out = tmp_path / "brat"
    (out / "doc1.ann").mkdir(parents=True)
    result = invoke("convert", "--from", "evbench", "--to", "brat", gold, out)
    assert result.exit_code == 2 and "is not a regular file" in result.stderr
    assert sorted(p.name for p in out.iterdir()) == ["doc1.ann"]  # nothing written


def test_a_label_set_is_never_written_over_the_output(tmp_path, gold) -> None:
    oneie = tmp_path / "oneie.json"
    assert invoke("convert", "--from", "evbench", "--to", "oneie", gold, oneie).exit_code == 0
    out = tmp_path / "out.jsonl"
    result = invoke("convert", "--from", "oneie", "--to", "evbench", oneie, out, "--write-labels", out)
    assert result.exit_code == 2 and "is also the output" in result.stderr and not out.exists()


@pytest.mark.parametrize("change,fragment", [
    (lambda d: d.update(format_version=2), "format_version"),
    (lambda d: d.update(roles=[]), "must not be empty"),
    (lambda d: d.update(roles=["actor", "actor"]), "duplicates"),
    (lambda d: d.update(name="a|b"), "without '|'"),
])
def test_label_sets_are_checked(tmp_path, pred, gold, change, fragment) -> None:
    labels = json.loads((Path(__file__).resolve().parent.parent / "benchmark" / "labelsets" / "plover-v1.json").read_text())
    change(labels)
    path = tmp_path / "labels.json"
    path.write_text(json.dumps(labels))
    result = invoke("score", "--pred", pred, "--gold", gold, "--labels", path)
    assert result.exit_code == 65 and fragment in result.stderr


def test_compare_a_metric_one_system_lacks(tmp_path, gold, pred) -> None:
    no_entities = write_lines(tmp_path / "noent.jsonl", [{k: v for k, v in as_prediction(make_gold_doc()).items()
                                                          if k != "entities"}])
    result = invoke("compare", pred, no_entities, "--gold", gold, "--metrics", "ENT-I")
    assert result.exit_code == 2 and "ENT-I not computed" in result.stderr


@pytest.mark.parametrize("kind", ["reference", "labels", "mapping"])
@pytest.mark.parametrize("content,fragment,line", [
    ('{\n "a": 1,\n "a": 2\n}\n', "key 'a' appears twice in one object", 0),
    ('\ufeff{}\n', "byte-order mark", 0),
    ('{\n "a": 1,,\n}\n', "not valid JSON", 2),
])
def test_whole_file_json_inputs_are_checked_like_lines(tmp_path, gold, pred, kind, content, fragment, line) -> None:
    """References, label sets and type mappings: repeated keys, a BOM, malformed JSON located by line."""
    path = tmp_path / f"{kind}.json"
    path.write_text(content, encoding="utf-8")
    option = {"reference": [], "labels": ["--labels", path], "mapping": []}[kind]
    if kind == "reference":
        result = invoke("check", "--pred", pred, "--gold", gold, "--reference", path)
    elif kind == "labels":
        result = invoke("score", "--pred", pred, "--gold", gold, *option)
    else:
        result = invoke("convert", "--from", "textee", "--to", "evbench", pred, tmp_path / "o.jsonl", "--map", path)
    where = f"{path}:{line}: " if line else f"{path}: "
    assert result.exit_code == 65 and fragment in result.stderr and where in result.stderr, result.stderr


def test_textee_conversion_without_gold_still_checks_labels(tmp_path) -> None:
    record = {"doc_id": "d", "tokens": ["Troops", "attacked", "Kyiv"],
              "event_mentions": [{"event_type": "Conflict:Attack", "trigger": {"start": 1, "end": 2},
                                  "arguments": [{"role": "Place", "start": 2, "end": 3}]}]}
    source = write_lines(tmp_path / "textee.json", [record])
    out = tmp_path / "o.jsonl"
    mapping = tmp_path / "map.json"
    mapping.write_text(json.dumps({"event_types": {"Conflict:Attack": "ASSAULT"}, "roles": {"Place": "location"}}))
    result = invoke("convert", "--from", "textee", "--to", "evbench", source, out, "--map", mapping)
    assert result.exit_code == 65 and "unknown role 'location'" in result.stderr and not out.exists()
    mapping.write_text(json.dumps({"event_types": {"Conflict:Attack": "ASSAULT"}, "roles": {"Place": "place"}}))
    result = invoke("convert", "--from", "textee", "--to", "evbench", source, out, "--map", mapping)
    assert result.exit_code == 0 and json.loads(out.read_text())["events"][0]["arguments"][0]["role"] == "place"


def test_oneie_windows_edited_after_export_are_not_silently_replaced(tmp_path, gold) -> None:
    exported = tmp_path / "oneie.json"
    assert invoke("convert", "--from", "evbench", "--to", "oneie", gold, exported).exit_code == 0
    windows = [json.loads(line) for line in exported.read_text().splitlines()]
    edited = next(w for w in windows if w["event_mentions"])
    edited["event_mentions"][0]["event_type"] = "AID" if edited["event_mentions"][0]["event_type"] != "AID" else "ASSAULT"
    exported.write_text("".join(json.dumps(w) + "\n" for w in windows))
    result = invoke("convert", "--from", "oneie", "--to", "evbench", exported, tmp_path / "back.jsonl")
    assert result.exit_code == 65 and "windows differ from the document under the 'evbench' key" in result.stderr


def test_run_checks_its_outputs_before_writing_any(tmp_path) -> None:
    out = tmp_path / "runs"
    (out / "report.html").mkdir(parents=True)
    result = invoke("run", "--out", out, "--bootstrap", "0")
    assert result.exit_code == 2 and "report.html: exists and is not a regular file" in result.stderr
    assert sorted(p.name for p in out.iterdir()) == ["report.html"]  # no prediction written


@pytest.mark.skipif(not hasattr(os, "killpg"), reason="process groups are POSIX")
def test_sigterm_to_the_process_group_stops_a_parallel_run_cleanly(tmp_path) -> None:
    """A CI cancel signals the whole group, often twice (``timeout`` does): the run must exit
    143 promptly, leave no temporary file and no worker behind."""
    text = "Police arrested protesters in the capital. The minister condemned the attack. " * 20
    source = write_lines(tmp_path / "docs.jsonl", [{"id": f"d{i}", "text": text} for i in range(8000)])
    output = tmp_path / "out.jsonl"
    process = subprocess.Popen([sys.executable, "-c", "from benchmark.cli import app; app()", "baseline", "rules", "--input", str(source),
                                "--output", str(output), "--workers", "2"], start_new_session=True,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while not list(tmp_path.glob(".out.jsonl.*.tmp")) and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    if process.poll() is not None:
        pytest.skip("the run finished before it could be interrupted")
    time.sleep(0.5)  # well into the run
    os.killpg(process.pid, signal.SIGTERM)
    time.sleep(0.05)
    os.killpg(process.pid, signal.SIGTERM)  # a second one, during the clean-up of the first
    try:
        assert process.wait(timeout=30) == 143
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
    assert not list(tmp_path.glob(".out.jsonl.*")) and not output.exists()


def test_predictions_for_another_split_get_a_hint(tmp_path) -> None:
    ids = [json.loads(line)["id"] for line in (DEFAULT_DATA_DIR / "validation.jsonl").read_text().splitlines()]
    pred = write_lines(tmp_path / "p.jsonl", [{"id": doc_id, "events": []} for doc_id in ids])
    for command in (["score", "--pred", pred], ["validate", "--predictions", pred]):
        result = invoke(*command)
        assert result.exit_code in (1, 65)
        assert "hint: the predicted documents are in the validation split: add --split validation" in result.stderr
    assert invoke("score", "--pred", pred, "--split", "validation").exit_code == 0


def test_an_explicit_split_with_a_gold_file_is_refused(gold, pred) -> None:
    for command in (["score", "--pred", pred], ["validate", pred, "--predictions"], ["stats"]):
        result = invoke(*command, "--gold", gold, "--split", "validation")
        assert result.exit_code == 2 and "leave --split out" in result.stderr
    assert invoke("score", "--pred", pred, "--gold", gold).exit_code == 0  # the default split is not "given"


def test_the_split_hint_skips_unreadable_splits(tmp_path) -> None:
    folder = tmp_path / "G"
    folder.mkdir()
    for split in ("test", "validation"):
        (folder / f"{split}.jsonl").write_bytes((DEFAULT_DATA_DIR / f"{split}.jsonl").read_bytes())
    (folder / "train.jsonl").write_text("")  # empty: unreadable as gold
    ids = [json.loads(line)["id"] for line in (folder / "validation.jsonl").read_text().splitlines()]
    pred = write_lines(tmp_path / "p.jsonl", [{"id": doc_id, "events": []} for doc_id in ids])
    for command in (["score", "--pred", pred, "--gold", folder], ["validate", pred, "--predictions", "--gold", folder]):
        result = invoke(*command)
        assert "no gold document with id" in result.stderr and "add --split validation" in result.stderr


def test_a_symlinked_split_file_is_protected_too(tmp_path, pred) -> None:
    real, folder = tmp_path / "real", tmp_path / "G"
    real.mkdir()
    folder.mkdir()
    (real / "test.jsonl").write_text(json.dumps(make_gold_doc()) + "\n")
    (folder / "test.jsonl").symlink_to(real / "test.jsonl")
    result = invoke("score", "--pred", pred, "--gold", folder, "--json", folder / "test.jsonl")
    assert result.exit_code == 2 and "is a data file of the input folder" in result.stderr
    assert (folder / "test.jsonl").is_symlink()


def test_a_label_set_that_cannot_be_written_stops_the_conversion_first(tmp_path, gold) -> None:
    oneie = tmp_path / "oneie.json"
    assert invoke("convert", "--from", "evbench", "--to", "oneie", gold, oneie).exit_code == 0
    (tmp_path / "adir").mkdir()
    out = tmp_path / "out.jsonl"
    result = invoke("convert", "--from", "oneie", "--to", "evbench", oneie, out, "--write-labels", tmp_path / "adir")
    assert result.exit_code == 2 and not out.exists()


def test_invalid_utf8_in_a_whole_file_json_input_is_located(tmp_path, gold, pred) -> None:
    reference = tmp_path / "r.json"
    reference.write_bytes(b'{"evbench_reference": 1,\n "metrics": {"x\xff": 1}}\n')
    result = invoke("check", "--pred", pred, "--gold", gold, "--reference", reference)
    assert result.exit_code == 65 and f"{reference}:2: not a reference file: invalid UTF-8: byte 0xff at column 16" \
        in result.stderr
