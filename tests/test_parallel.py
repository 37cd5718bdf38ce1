"""Scoring files across processes gives what validating and scoring in one process gives."""

from __future__ import annotations

import json
import random
from pathlib import Path

import msgspec
import pytest

from benchmark.api import score_file
from benchmark.errors import InputError
from benchmark.labels import load_labels
from benchmark.loader import gold_files, index_gold, load_gold
from benchmark.parallel import _byte_ranges, _index, _index_range, score_files
from benchmark.scorer import ResamplingOptions, ScoringOptions
from test_vectorised import perturb

LABELS = load_labels()
CI = ResamplingOptions(n=200)


def canonical(report) -> str:
    return json.dumps(report.to_json(), sort_keys=True)


@pytest.fixture(scope="module")
def predictions(tmp_path_factory) -> Path:
    """Perturbed predictions for every gold document of all splits, shuffled, one document left out."""
    corpus = load_gold(split="all")
    rnd = random.Random(11)
    records = [perturb(doc, rnd) for doc in corpus.documents[1:]]
    rnd.shuffle(records)
    path = tmp_path_factory.mktemp("parallel") / "pred.jsonl"
    path.write_bytes(b"".join(msgspec.json.encode(r) + b"\n" for r in records))
    return path


@pytest.mark.parametrize("options", [ScoringOptions(), ScoringOptions(span="overlap", args="coref")])
def test_reports_do_not_depend_on_the_number_of_processes(predictions, options) -> None:
    files = gold_files(split="all")
    one_process = canonical(score_file(predictions, index_gold(split="all"), options=options, resampling=CI))
    for workers in (1, 2, 3):
        report = score_files(predictions, files, LABELS, options, CI, workers=workers)
        assert canonical(report) == one_process, workers
    assert report.missing_documents == [load_gold(split="all").documents[0].id]


def problems(run) -> list[str]:
    with pytest.raises(InputError) as caught:
        run()
    return [str(issue) for issue in caught.value.issues]


def test_prediction_problems_are_the_same_as_streaming_validation(tmp_path, predictions) -> None:
    lines = predictions.read_bytes().splitlines()
    first_id = json.loads(lines[0])["id"]
    bad = [lines[0], b"", lines[1].replace(b'"events"', b'"events": [], "events"', 1), b"{not json",
           json.dumps({"id": "nowhere", "events": [], "stances": []}).encode(), lines[0],
           lines[2].replace(b'"factuality":"asserted"', b'"factuality":"sure"', 1), b'{"id": 5, "events": []}',
           *lines[3:]]
    path = tmp_path / "bad.jsonl"
    path.write_bytes(b"\n".join(bad) + b"\n")
    expected = problems(lambda: score_file(path, index_gold(split="all"), resampling=CI))
    assert any("duplicate document id" in p and f"{first_id!r}" in p for p in expected)
    for workers in (1, 2):
        assert problems(lambda: score_files(path, gold_files(split="all"), LABELS, workers=workers)) == expected


def test_gold_problems_come_first_located_by_file_and_line(tmp_path, predictions) -> None:
    source = gold_files(split="test")[0].read_bytes().splitlines()
    broken = [source[0], source[1].replace(b'"factuality":"asserted"', b'"factuality":"sure"', 1), source[0], *source[2:]]
    gold = tmp_path / "gold.jsonl"
    gold.write_bytes(b"\n".join(broken) + b"\n")
    found = problems(lambda: score_files(predictions, [gold], LABELS, workers=2))
    assert found[0].startswith(f"{gold}:2: events[") and "unknown factuality 'sure'" in found[0]
    assert found[1] == f"{gold}:3: id: duplicate document id {json.loads(source[0])['id']!r} (first on line 1)"


def test_byte_ranges_cover_the_file_in_whole_lines(tmp_path) -> None:
    path = tmp_path / "lines.jsonl"
    rows = [json.dumps({"id": f"d{i}", "pad": "x" * (i % 97)}) for i in range(60_000)]
    path.write_text("\n".join(rows[:30_000]) + "\n\n" + "\n".join(rows[30_000:]) + "\n")
    ranges = _byte_ranges(path, 5)
    assert len(ranges) == 5 and ranges[0][0] == 0 and ranges[-1][1] == path.stat().st_size
    assert all(a[1] == b[0] for a, b in zip(ranges, ranges[1:]))
    lines = _index(lambda tasks: map(_index_range, tasks), [path], 5)
    assert [line.id for line in lines] == [f"d{i}" for i in range(60_000)]
    assert lines[30_000].number == 30_002  # the blank line is counted, as read_lines counts it


def test_cli_workers_option_gives_the_same_json(tmp_path, predictions) -> None:
    from typer.testing import CliRunner

    from benchmark.cli import app
    outputs = []
    for workers in ("1", "2"):
        target = tmp_path / f"report-{workers}.json"
        result = CliRunner().invoke(app, ["score", "--pred", str(predictions), "--split", "all", "--bootstrap", "100",
                                          "--workers", workers, "--json", str(target)])
        assert result.exit_code == 0, result.output
        outputs.append(target.read_text())
    assert outputs[0] == outputs[1]
    assert CliRunner().invoke(app, ["score", "--pred", str(predictions), "--workers", "0"]).exit_code == 2


def test_problems_of_repeated_ids_match_streaming_validation(tmp_path, gold_doc) -> None:
    """Found in review: ids claimed by undecodable lines, repeated unknown ids, rule problems of repeated gold lines."""
    from conftest import write_lines
    gold = write_lines(tmp_path / "gold.jsonl", [gold_doc])
    valid = {"id": "doc1", "events": []}
    cases = [[{"id": "doc1", "evnts": []}, valid], [{"id": "nope"}, {"id": "nope"}, valid], [valid, valid, {"id": "x"}]]
    for i, records in enumerate(cases):
        pred = write_lines(tmp_path / f"pred{i}.jsonl", records)
        expected = problems(lambda: score_file(pred, index_gold(gold), resampling=CI))
        for workers in (1, 2):
            assert problems(lambda: score_files(pred, [gold], LABELS, None, CI, workers=workers)) == expected, records
    broken = json.loads(json.dumps(gold_doc))
    broken["events"][0]["factuality"] = "sure"
    for records in ([broken, gold_doc], [gold_doc, broken]):
        path = write_lines(tmp_path / "gold2.jsonl", records)
        expected = problems(lambda: score_file(gold, index_gold(path), resampling=CI))
        assert problems(lambda: score_files(gold, [path], LABELS, workers=2)) == expected


def test_unresolved_spans_are_listed_in_gold_order(tmp_path, gold_doc) -> None:
    from conftest import write_lines
    second = json.loads(json.dumps(gold_doc)) | {"id": "doc2"}
    gold = write_lines(tmp_path / "gold.jsonl", [gold_doc, second])
    nowhere = {"id": "p", "type": "ACCUSE", "factuality": "asserted", "trigger": {"text": "not in the text"}}
    pred = write_lines(tmp_path / "pred.jsonl", [{"id": d, "events": [nowhere]} for d in ("doc2", "doc1")])
    expected = ["doc1: events[0].trigger", "doc2: events[0].trigger"]
    assert score_file(pred, index_gold(gold), resampling=CI).unresolved_spans == expected
    assert score_files(pred, [gold], LABELS, workers=2).unresolved_spans == expected


DEAD_WORKER = """
import os, signal, time
from benchmark.errors import WorkerError
from benchmark.parallel import process_pool, stopping

def task(kind):
    if kind == "die":
        time.sleep(0.5)
        os._exit(9)  # as if killed for memory
    time.sleep(60)

signal.signal(signal.SIGTERM, lambda *_: None)  # as the CLI does: workers forked from here ignore SIGTERM
pool = process_pool(2)
try:
    with stopping(pool):
        list(pool.map(task, ["die", "sleep"]))
except WorkerError as exc:
    print("WorkerError:", exc)
"""


def test_a_dead_worker_stops_the_pool_with_a_clear_error() -> None:
    """The pool's own clean-up would SIGTERM the surviving worker, which ignores it: without
    ``stopping`` killing it, the parent waits forever."""
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", DEAD_WORKER], capture_output=True, text=True, timeout=30)
    assert done.stdout.startswith("WorkerError: a worker process died"), done.stderr
