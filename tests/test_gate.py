"""The regression gate (evbench check): tolerance, noise-aware mode, signatures, references, JUnit."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest
from typer.testing import CliRunner

from benchmark.cli import app
from conftest import write_lines

N = 40


@pytest.fixture
def gold(tmp_path):
    """N one-sentence paragraphs, each with one COERCE event ("Police arrested N.")."""
    sentences = [f"Police arrested man{i}." for i in range(N)]
    text = "\n\n".join(sentences)
    spans, events, cursor = [], [], 0
    for i, sentence in enumerate(sentences):
        start = text.index(sentence, cursor)
        cursor = start + len(sentence)
        spans.append({"start": start, "end": cursor, "text": sentence})
        t = start + len("Police ")
        events.append({"id": f"V{i}", "type": "COERCE", "mode": "arrest", "factuality": "asserted", "arguments": [],
                       "trigger": {"start": t, "end": t + len("arrested"), "text": "arrested"}})
    doc = {"id": "d", "text": text, "meta": {}, "paragraphs": spans, "sentences": spans, "entities": [],
           "events": events, "stances": []}
    return write_lines(tmp_path / "gold.jsonl", [doc]), doc


def predictions(tmp_path, doc, correct: int, name: str):
    events = [e | {"id": f"p{e['id']}"} for e in doc["events"][:correct]]
    return write_lines(tmp_path / name, [{"id": "d", "events": events}])


def invoke(*args):
    return CliRunner().invoke(app, ["check", *map(str, args)])


@pytest.fixture
def reference(tmp_path, gold):
    gold_path, doc = gold
    pred = predictions(tmp_path, doc, N, "ref.jsonl")
    ref = tmp_path / "reference.json"
    result = invoke("--gold", gold_path, "--pred", pred, "--reference", ref, "--update", "--metrics", "TC,TI")
    assert result.exit_code == 0, result.output
    return ref, pred


def test_update_writes_signature_date_and_command(reference) -> None:
    ref, _ = reference
    data = json.loads(ref.read_text())
    assert data["metrics"]["TC"] == 1.0 and data["signature"].startswith("evbench:")
    assert data["command"].startswith("evbench ") and "--update" in data["command"]
    assert data["created"][:4].isdigit()


def test_missing_reference_is_never_created_silently(tmp_path, gold) -> None:
    gold_path, doc = gold
    result = invoke("--gold", gold_path, "--pred", predictions(tmp_path, doc, N, "p.jsonl"), "--reference", tmp_path / "none.json")
    assert result.exit_code == 2 and "create one deliberately with --update" in result.stderr
    assert not (tmp_path / "none.json").exists()


def test_pass(tmp_path, gold, reference) -> None:
    gold_path, doc = gold
    result = invoke("--gold", gold_path, "--pred", predictions(tmp_path, doc, N, "p.jsonl"), "--reference", reference[0], "--json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["regression"] is False


def test_fail_by_tolerance(tmp_path, gold, reference) -> None:
    gold_path, doc = gold
    # 38 of 40 found: TC F1 = 76/78 = 0.974, a drop of 2.6 points > 1 point.
    result = invoke("--gold", gold_path, "--pred", predictions(tmp_path, doc, N - 2, "p.jsonl"), "--reference", reference[0], "--json")
    assert result.exit_code == 1
    verdict = json.loads(result.stdout)["metrics"]["TC"]
    assert verdict["status"] == "fail" and verdict["delta"] == pytest.approx(76 / 78 - 1)
    assert result.stderr.startswith("REGRESSION: TC: reference 1.0000, now 0.9744")


def test_a_drop_within_tolerance_passes(tmp_path, gold, reference) -> None:
    gold_path, doc = gold
    result = invoke("--gold", gold_path, "--pred", predictions(tmp_path, doc, N - 2, "p.jsonl"), "--reference", reference[0],
                    "--tolerance", "0.03")
    assert result.exit_code == 0


def test_noise_aware_mode_passes_a_small_drop_and_fails_a_significant_one(tmp_path, gold, reference) -> None:
    gold_path, doc = gold
    ref, ref_pred = reference
    small = invoke("--gold", gold_path, "--pred", predictions(tmp_path, doc, N - 2, "small.jsonl"), "--reference", ref,
                   "--reference-pred", ref_pred, "--json")
    assert small.exit_code == 0, small.output
    verdict = json.loads(small.stdout)["metrics"]["TC"]
    assert verdict["status"] == "noise" and verdict["p_value"] >= 0.05
    big = invoke("--gold", gold_path, "--pred", predictions(tmp_path, doc, N // 2, "big.jsonl"), "--reference", ref,
                 "--reference-pred", ref_pred, "--json")
    assert big.exit_code == 1
    verdict = json.loads(big.stdout)["metrics"]["TC"]
    assert verdict["status"] == "fail" and verdict["p_value"] < 0.05


def test_noise_aware_mode_that_could_never_fail_is_refused(tmp_path, gold) -> None:
    """With 4 units randomisation cannot give p below 2/2^4 = 0.125: no drop could be significant."""
    _, doc = gold
    docs = [doc | {"id": f"d{i}"} for i in range(4)]
    gold_path = write_lines(tmp_path / "four.jsonl", docs)
    ref_pred = write_lines(tmp_path / "ref4.jsonl", [{"id": d["id"], "events": d["events"]} for d in docs])
    empty = write_lines(tmp_path / "empty4.jsonl", [{"id": d["id"], "events": []} for d in docs])
    ref = tmp_path / "ref4.json"
    common = ["--gold", gold_path, "--unit", "doc", "--metrics", "TC"]
    assert invoke(*common, "--pred", ref_pred, "--reference", ref, "--update").exit_code == 0
    result = invoke(*common, "--pred", empty, "--reference", ref, "--reference-pred", ref_pred)
    assert result.exit_code == 2
    assert "with 4 resampling units (doc) and 1000 resamples no drop can be significant at alpha 0.05" in result.stderr
    assert invoke(*common, "--pred", empty, "--reference", ref).exit_code == 1  # the plain gate still fails


def test_noise_aware_mode_with_too_few_resamples_is_refused(tmp_path, gold) -> None:
    """Drawn 10 times, randomisation cannot give p below 1/11: no drop could be significant at 0.05."""
    gold_path, doc = gold
    ref_pred = predictions(tmp_path, doc, N, "ref10.jsonl")
    ref = tmp_path / "ref10.json"
    common = ["--gold", gold_path, "--unit", "sentence", "--bootstrap", "10", "--metrics", "TC"]
    assert invoke(*common, "--pred", ref_pred, "--reference", ref, "--update").exit_code == 0
    result = invoke(*common, "--pred", predictions(tmp_path, doc, N // 4, "bad10.jsonl"), "--reference", ref,
                    "--reference-pred", ref_pred)
    assert result.exit_code == 2 and "and 10 resamples no drop can be significant" in result.stderr


def test_signature_mismatch_names_the_difference(tmp_path, gold, reference) -> None:
    gold_path, doc = gold
    result = invoke("--gold", gold_path, "--pred", predictions(tmp_path, doc, N, "p.jsonl"), "--reference", reference[0],
                    "--span", "overlap")
    assert result.exit_code == 2
    assert "span match rule (span): exact vs overlap" in result.stderr


def test_other_gold_is_refused(tmp_path, gold, reference) -> None:
    gold_path, doc = gold
    doc = json.loads(json.dumps(doc))
    doc["events"] = doc["events"][:-1]
    other = write_lines(tmp_path / "other.jsonl", [doc])
    result = invoke("--gold", other, "--pred", predictions(tmp_path, doc, N - 1, "p.jsonl"), "--reference", reference[0])
    assert result.exit_code == 2 and "gold data hash (gold)" in result.stderr


def test_missing_metric(tmp_path, gold, reference) -> None:
    gold_path, doc = gold
    ref = json.loads(reference[0].read_text())
    del ref["metrics"]["ST"]
    reference[0].write_text(json.dumps(ref))
    result = invoke("--gold", gold_path, "--pred", predictions(tmp_path, doc, N, "p.jsonl"), "--reference", reference[0],
                    "--metrics", "TC,ST")
    assert result.exit_code == 2 and "the reference has no ST" in result.stderr


@pytest.mark.parametrize("content", ["{", "[]", '{"evbench_reference": 1}', '{"evbench_reference": 9, "signature": "a:b", '
                                     '"created": "x", "command": "y", "metrics": {}}'])
def test_malformed_reference_file(tmp_path, gold, content) -> None:
    gold_path, doc = gold
    ref = tmp_path / "bad.json"
    ref.write_text(content)
    result = invoke("--gold", gold_path, "--pred", predictions(tmp_path, doc, N, "p.jsonl"), "--reference", ref)
    assert result.exit_code == 65 and "bad.json" in result.stderr and "Traceback" not in result.output


def test_junit_has_the_required_structure(tmp_path, gold, reference) -> None:
    gold_path, doc = gold
    junit = tmp_path / "out.xml"
    result = invoke("--gold", gold_path, "--pred", predictions(tmp_path, doc, N - 4, "p.jsonl"), "--reference", reference[0],
                    "--metrics", "TC,TI,ST", "--junit", junit)
    assert result.exit_code == 1
    root = ET.parse(junit).getroot()
    assert root.tag == "testsuites"
    (suite,) = root.findall("testsuite")
    assert suite.get("name") and suite.get("tests") == "3" and suite.get("failures") == "2" and suite.get("errors") == "0"
    cases = suite.findall("testcase")
    assert [c.get("name") for c in cases] == ["TC", "TI", "ST"] and all(c.get("classname") for c in cases)
    failure = cases[0].find("failure")
    assert failure is not None and failure.get("type") == "regression" and "reference 1.0000" in failure.get("message")
    assert cases[2].find("failure") is None
