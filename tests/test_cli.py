"""The CLI: exit codes, one-line errors on stderr, never a traceback."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from benchmark.cli import app
from conftest import write_lines

runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(app, list(args))


def test_version() -> None:
    result = invoke("--version")
    assert result.exit_code == 0 and result.stdout.startswith("evbench ")


def test_validate_valid_gold(gold_file) -> None:
    result = invoke("validate", str(gold_file))
    assert result.exit_code == 0, result.output
    assert "valid gold file, 1 document(s)" in result.stdout


def test_validate_invalid_gold_exits_1_with_located_lines(tmp_path, gold_doc) -> None:
    gold_doc["events"][0]["type"] = "NOPE"
    path = write_lines(tmp_path / "g.jsonl", [gold_doc])
    result = invoke("validate", str(path))
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == f"{path}:1: events[0].type: unknown event type 'NOPE' (allowed: " + \
        "AGREE, CONSULT, SUPPORT, CONCEDE, COOPERATE, AID, RETREAT, REQUEST, ACCUSE, REJECT, THREATEN, PROTEST, SANCTION, MOBILIZE, COERCE, ASSAULT)"
    assert "Traceback" not in result.output


def test_validate_caps_the_listing(tmp_path, gold_doc) -> None:
    gold_doc["events"][0]["type"] = "NOPE"
    path = write_lines(tmp_path / "g.jsonl", [gold_doc | {"id": str(i)} for i in range(30)])
    result = invoke("validate", str(path))
    lines = result.stderr.splitlines()
    assert len(lines) == 22 and lines[20] == "... and 10 more problem(s)" and "30 problem(s)" in lines[21]


def test_validate_predictions(tmp_path, gold_file) -> None:
    good = write_lines(tmp_path / "p.jsonl", [{"id": "doc1"}])
    bad = write_lines(tmp_path / "q.jsonl", [{"id": "nope"}])
    assert invoke("validate", str(good), "--predictions", "--gold", str(gold_file)).exit_code == 0
    result = invoke("validate", str(bad), "--predictions", "--gold", str(gold_file))
    assert result.exit_code == 1 and "no gold document with id 'nope'" in result.stderr


def test_validate_json_output(tmp_path, gold_file) -> None:
    result = invoke("validate", str(gold_file), "--json")
    assert json.loads(result.stdout) | {"file": None} == {
        "file": None, "kind": "gold", "valid": True, "documents": 1, "problems": 0, "issues": []}


def test_validate_json_lists_every_problem_located(tmp_path, gold_file) -> None:
    bad = write_lines(tmp_path / "q.jsonl", [{"id": f"nope{i}"} for i in range(25)])
    result = invoke("validate", str(bad), "--predictions", "--gold", str(gold_file), "--json")
    report = json.loads(result.stdout)
    assert result.exit_code == 1 and report["problems"] == 25 and len(report["issues"]) == 25  # not cut at 20
    assert report["issues"][24] == {"file": str(bad), "line": 25, "field": "id",
                                    "message": "no gold document with id 'nope24'"}


def test_missing_file_is_a_usage_error(tmp_path) -> None:
    result = invoke("validate", str(tmp_path / "nope.jsonl"))
    assert result.exit_code == 2


def test_malformed_gold_given_to_stats_exits_65(tmp_path) -> None:
    path = tmp_path / "g.jsonl"
    path.write_bytes(b"[1, 2]\n")
    result = invoke("stats", "--gold", str(path))
    assert result.exit_code == 65
    assert result.stderr.strip() == f"{path}:1: this looks like a JSON array; evbench reads JSON Lines (one document object per line)"


def test_malformed_label_set_exits_65(tmp_path, gold_file) -> None:
    labels = tmp_path / "labels.json"
    labels.write_text("{")
    result = invoke("validate", str(gold_file), "--labels", str(labels))
    assert result.exit_code == 65 and "not valid JSON" in result.stderr


def test_stats_json_counts_every_layer(gold_file) -> None:
    result = invoke("stats", "--gold", str(gold_file), "--json")
    stats = json.loads(result.stdout)["gold"]
    assert stats["layers"]["events"] == 4 and stats["layers"]["stances"] == 2
    assert stats["event_types"]["ACCUSE"] == 1 and stats["event_types"]["AID"] == 0
    assert stats["polarity"] == {"favor": 0, "against": 2, "neutral": 0}
    assert stats["roles"] == {"actor": 3, "recipient": 1, "place": 1, "time": 0}


def test_stats_table_on_bundled_data() -> None:
    result = invoke("stats")
    assert result.exit_code == 0 and "documents" in result.stdout


def test_unknown_split_is_a_usage_error() -> None:
    result = invoke("stats", "--split", "dev")
    assert result.exit_code == 2 and "unknown split 'dev'" in result.stderr


# --- score and compare ---------------------------------------------------------------------

def gold_as_prediction(gold_doc: dict) -> dict:
    return {k: v for k, v in gold_doc.items() if k not in ("paragraphs", "sentences", "meta", "text")}


def test_score_gold_against_itself_prints_100_everywhere(tmp_path, gold_file, gold_doc) -> None:
    pred = write_lines(tmp_path / "p.jsonl", [gold_as_prediction(gold_doc)])
    out_json = tmp_path / "report.json"
    result = invoke("score", "--gold", str(gold_file), "--pred", str(pred), "--bootstrap", "100", "--json", str(out_json))
    assert result.exit_code == 0, result.output
    rows = [line for line in result.stdout.splitlines() if line.startswith("│")]
    assert len(rows) == 14 and all("100.0" in row for row in rows)
    assert "signature: evbench:" in result.stdout
    report = json.loads(out_json.read_text())
    assert report["metrics"]["AC+"]["f1"] == 1.0 and report["metrics"]["AC+"]["ci"]["f1"] == [1.0, 1.0]


def test_score_rejects_bad_predictions_before_scoring(tmp_path, gold_file) -> None:
    pred = write_lines(tmp_path / "p.jsonl", [{"id": "doc1", "events": [{"id": "x", "type": "BOMB", "factuality": "asserted",
                                                                         "trigger": {"text": "attack"}}]}])
    result = invoke("score", "--gold", str(gold_file), "--pred", str(pred))
    assert result.exit_code == 65
    assert result.stderr.startswith(f"{pred}:1: events[0].type: unknown event type 'BOMB'")
    assert "Traceback" not in result.output


def test_score_usage_errors(tmp_path, gold_file, gold_doc) -> None:
    pred = write_lines(tmp_path / "p.jsonl", [gold_as_prediction(gold_doc)])
    result = invoke("score", "--gold", str(gold_file), "--pred", str(pred), "--span", "fuzzy")
    assert result.exit_code == 2 and "--span must be one of exact, overlap" in result.stderr


def test_score_markdown_and_notes(tmp_path, gold_file) -> None:
    pred = write_lines(tmp_path / "p.jsonl", [{"id": "doc1", "events": [
        {"id": "x", "type": "ASSAULT", "factuality": "asserted", "trigger": {"text": "bombing"}}]}])
    result = invoke("score", "--gold", str(gold_file), "--pred", str(pred), "--markdown", "--bootstrap", "0")
    assert result.exit_code == 0
    assert result.stdout.startswith("| metric | P | R | F1 |")
    assert "1 text-only span(s) occur nowhere" in result.stderr


def test_compare_two_systems(tmp_path, gold_file, gold_doc) -> None:
    perfect = write_lines(tmp_path / "a.jsonl", [gold_as_prediction(gold_doc)])
    empty = write_lines(tmp_path / "b.jsonl", [{"id": "doc1"}])
    result = invoke("compare", str(perfect), str(empty), "--gold", str(gold_file), "--metrics", "TC,trigger_id", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert list(data["metrics"]) == ["TC", "TI"]
    assert data["metrics"]["TC"]["delta"] == -1.0
    same = invoke("compare", str(perfect), str(perfect), "--gold", str(gold_file), "--json")
    assert all(m["p_randomization"] == 1.0 for m in json.loads(same.stdout)["metrics"].values())


def test_compare_unknown_metric(tmp_path, gold_file) -> None:
    empty = write_lines(tmp_path / "b.jsonl", [{"id": "doc1"}])
    result = invoke("compare", str(empty), str(empty), "--gold", str(gold_file), "--metrics", "TCC")
    assert result.exit_code == 2 and "unknown metric 'TCC'; did you mean TC" in result.stderr


def test_lenient_scoring_counts_invalid_records_as_false_positives(tmp_path, gold_file, gold_doc) -> None:
    pred = gold_as_prediction(gold_doc)
    pred["events"].append({"id": "bad", "type": "BOMBING", "factuality": "asserted", "trigger": {"text": "stop"}})
    pred["stances"].append({"id": "s9", "holder": {"span": {"text": "Ukraine"}}, "target": {"event": "bad"}, "polarity": "against"})
    path = write_lines(tmp_path / "p.jsonl", [pred, {"id": "nope"}, "not an object"])
    strict = invoke("score", "--gold", str(gold_file), "--pred", str(path))
    assert strict.exit_code == 65
    out = tmp_path / "r.json"
    result = invoke("score", "--gold", str(gold_file), "--pred", str(path), "--lenient", "--bootstrap", "0", "--json", str(out))
    assert result.exit_code == 0, result.output
    report = json.loads(out.read_text())
    assert (report["metrics"]["TC"]["tp"], report["metrics"]["TC"]["fp"]) == (4, 1)
    assert (report["metrics"]["ST"]["tp"], report["metrics"]["ST"]["fp"]) == (2, 1)  # the stance on the removed event
    assert report["metrics"]["AC+"]["fp"] == 0
    assert report["lenient"]["removed_events"] == 1 and report["lenient"]["removed_stances"] == 1
    assert report["lenient"]["problems"] >= 3
    assert "--lenient: " in result.stderr


def test_help_shows_the_defaults_written_in_brackets() -> None:
    """Help strings spell some defaults as "[default: ...]": rich must not take them for markup."""
    from typer.testing import CliRunner

    from benchmark.cli import app

    result = CliRunner().invoke(app, ["score", "--help"], env={"COLUMNS": "200"})
    assert "[default: the bundled data/]" in result.stdout and "[default: the PLOVER v1 set]" in result.stdout
