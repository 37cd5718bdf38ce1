"""Scorer benchmark: wall time and peak memory from 10^3 to 10^6 events, as ratios to the bare
stdlib ``json`` parse of the same files (the floor any Python scorer using it pays).

    python scripts/bench_scorer.py [--sizes 1000,10000,100000,1000000] [--workdir /tmp/evbench-bench]
                                   [--textee PATH]   # a checkout of ej0cl6/TextEE (not vendored)
                                   [--phases]        # one core: the cost of each step

Each measurement runs in a fresh process (peak RSS from ``resource``, of the process and of
the largest of the worker processes it starts; ``score_file`` uses the usable CPUs for large
inputs): (1) the reference:
``json.loads`` of every line of the gold and prediction files; (2) evbench: load and
validate the gold, stream and validate the predictions, score every metric (no bootstrap),
and (3) the same with 1,000 bootstrap resamples (documents). With ``--textee``, (4) TextEE's
own scorer (``TextEE/scorer.py``, ``compute_scores(task="E2E")``, its ``ipdb`` import
stubbed) on the same files, including the JSON parsing that feeds it, with character
offsets as its span indices.
With ``--phases``, the cost of each step of scoring, measured on one core in one process
over the largest corpus and given per event and as a share of its bare parse: where the time
goes, and so what any faster design must remove.
Synthetic corpora: documents of 20 sentences, one event per sentence with two arguments,
one stance per document; predictions keep 80 % of the triggers, change 10 % of the types,
drop one argument in five, and add 10 % spurious events.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import time
from pathlib import Path

EVENTS_PER_DOC = 20
TYPES = ["ASSAULT", "ACCUSE", "REQUEST", "COERCE", "CONSULT", "PROTEST"]


def make_corpus(n_events: int, workdir: Path) -> tuple[Path, Path]:
    gold_path, pred_path = workdir / f"gold-{n_events}.jsonl", workdir / f"pred-{n_events}.jsonl"
    if gold_path.exists() and pred_path.exists():
        return gold_path, pred_path
    rnd = random.Random(n_events)
    sentence = "Officials in Alpha said that troops of Beta attacked Gamma near Delta on Monday."
    with gold_path.open("w") as gold_file, pred_path.open("w") as pred_file:
        for d in range(max(1, n_events // EVENTS_PER_DOC)):
            sentences, cursor = [], 0
            text = " ".join([sentence] * EVENTS_PER_DOC)
            entities = [{"id": f"E{k}", "type": "GOV", "mentions": []} for k in range(3)]
            events, pred_events = [], []
            for i in range(EVENTS_PER_DOC):
                start = text.index(sentence, cursor)
                cursor = start + len(sentence)
                sentences.append({"start": start, "end": cursor, "text": sentence})

                def sp(word, base=start):
                    s = base + sentence.index(word)
                    return {"start": s, "end": s + len(word), "text": word}

                beta, gamma = sp("Beta"), sp("Gamma")
                entities[1]["mentions"].append(beta)
                entities[2]["mentions"].append(gamma)
                event_type = TYPES[i % len(TYPES)]
                events.append({"id": f"V{i}", "type": event_type, "trigger": sp("attacked"), "factuality": "asserted",
                               "arguments": [{"role": "actor", "entity": "E1", "span": beta},
                                             {"role": "recipient", "entity": "E2", "span": gamma}]})
                if rnd.random() < 0.8:
                    args = [{"role": "actor", "span": beta}] + ([{"role": "recipient", "span": gamma}] if rnd.random() < 0.8 else [])
                    pred_type = rnd.choice(TYPES) if rnd.random() < 0.1 else event_type
                    pred_events.append({"id": f"p{i}", "type": pred_type, "trigger": sp("attacked"),
                                        "factuality": "asserted", "arguments": args})
                if rnd.random() < 0.1:
                    pred_events.append({"id": f"x{i}", "type": "PROTEST", "trigger": sp("troops"), "factuality": "asserted"})
            entities[0]["mentions"] = [sentences[0] | {"start": sentences[0]["start"] + sentence.index("Alpha"),
                                                      "end": sentences[0]["start"] + sentence.index("Alpha") + 5, "text": "Alpha"}]
            stance = {"id": "S1", "holder": {"entity": "E0", "span": entities[0]["mentions"][0]}, "target": {"event": "V0"},
                      "polarity": "against", "evidence": [events[0]["trigger"]]}
            paragraphs = [{"start": 0, "end": len(text), "text": text}]
            gold_file.write(json.dumps({"id": f"d{d}", "text": text, "meta": {}, "paragraphs": paragraphs,
                                        "sentences": sentences, "entities": entities, "events": events,
                                        "stances": [stance]}) + "\n")
            pred_stance = {"id": "S1", "holder": {"span": entities[0]["mentions"][0]}, "target": {"event": pred_events[0]["id"]},
                           "polarity": "against"} if pred_events else None
            pred_file.write(json.dumps({"id": f"d{d}", "events": pred_events,
                                        "stances": [pred_stance] if pred_stance else []}) + "\n")
    return gold_path, pred_path


REFERENCE = """
import json, sys
for path in sys.argv[1:]:
    with open(path, 'rb') as handle:
        for line in handle:
            json.loads(line)
"""

EVBENCH = """
import sys
from benchmark.api import score_file
from benchmark.scorer import ResamplingOptions
report = score_file(sys.argv[2], sys.argv[1], resampling=ResamplingOptions(n=int(sys.argv[3])))
assert report.metrics["TC"].counts.tp > 0
"""


TEXTEE = """
import json, sys, types
sys.modules["ipdb"] = types.ModuleType("ipdb")
sys.path.insert(0, sys.argv[1] + "/TextEE")
from scorer import compute_scores

def load(path):
    out = []
    with open(path, "rb") as handle:
        for line in handle:
            d = json.loads(line)
            out.append({"doc_id": d["id"], "wnd_id": d["id"], "events": [
                {"trigger": (e["trigger"]["start"], e["trigger"]["end"], e["type"]),
                 "arguments": [(a["span"]["start"], a["span"]["end"], a["role"]) for a in e.get("arguments", [])]}
                for e in d["events"]]})
    return out

scores = compute_scores(load(sys.argv[3]), load(sys.argv[2]), "E2E")
assert scores["trigger_cls"]["match_num"] > 0
"""


PHASES = """
import gc, hashlib, json, sys, time
import msgspec
from benchmark.labels import load_labels
from benchmark.model import Document, Prediction
from benchmark.scorer import CountTable, ScoringOptions
from benchmark.validate import Checker, IssueLog, check_document, check_prediction, refuse_duplicate_keys
from benchmark.vectorised import Batch

gold_lines = open(sys.argv[1], "rb").read().splitlines()
pred_lines = open(sys.argv[2], "rb").read().splitlines()
labels, canonical, plain = load_labels(), msgspec.json.Encoder(order="sorted"), msgspec.json.Encoder()
gold_decoder, pred_decoder = msgspec.json.Decoder(Document), msgspec.json.Decoder(Prediction)
gc.disable()  # every document is held: keep the collector's scans out of the figures

def parse():
    for line in gold_lines + pred_lines:
        json.loads(line)

def decode():
    global golds, preds
    golds = [gold_decoder.decode(line) for line in gold_lines]
    preds = [pred_decoder.decode(line) for line in pred_lines]

def keys_and_hash():
    for doc, line in zip(golds, gold_lines):
        encoded = canonical.encode(doc)
        refuse_duplicate_keys("gold", 1, line, encoded)
        hashlib.sha256(encoded).digest()
    for pred, line in zip(preds, pred_lines):
        refuse_duplicate_keys("pred", 1, line, plain.encode(pred))

def validate():
    log = IssueLog()
    for doc, pred in zip(golds, preds):
        check_document(doc, labels, Checker("gold", 1, labels, log))
        check_prediction(pred, doc, labels, Checker("pred", 1, labels, log))
    assert not log.total

def columns():
    global batches
    batches, batch = [], Batch(ScoringOptions(), "doc")
    for doc, pred in zip(golds, preds):
        assert batch.add(doc, pred)
        if batch.full:
            batches.append(batch)
            batch = Batch(ScoringOptions(), "doc")
    batches.append(batch)

def count():
    table = CountTable()
    for batch in batches:
        batch.count(table.column)

steps = [("bare json.loads (the reference)", parse), ("msgspec decode", decode),
         ("repeated-key check, gold hash", keys_and_hash), ("validation", validate),
         ("key columns", columns), ("matching and counting", count)]
events = int(sys.argv[3])
reference = None
for name, step in steps:
    started = time.process_time()
    step()
    seconds = time.process_time() - started
    reference = reference or seconds
    print(f"| {name} | {seconds:.2f} | {seconds / events * 1e6:.2f} | {seconds / reference:.2f} |")
"""


def measure(code: str, *args: str) -> tuple[float, float, float]:
    """(wall seconds, peak RSS in MB, largest peak RSS of its worker processes in MB) of a fresh
    Python process running ``code``."""
    wrapper = code + ("\nimport resource\nprint(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, "
                      "resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n")
    started = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", wrapper, *args], capture_output=True, text=True, check=True)
    wall = time.perf_counter() - started
    own, children = out.stdout.strip().splitlines()[-1].split()
    return wall, int(own) / 1024, int(children) / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,10000,100000,1000000")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/evbench-bench"))
    parser.add_argument("--textee", type=Path, help="path of a TextEE checkout, to run its scorer side by side")
    parser.add_argument("--phases", action="store_true", help="then the cost of each step, on one core")
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    sizes = [int(s) for s in args.sizes.split(",")]
    baseline_wall, baseline_rss, _ = measure("pass")
    print(f"empty interpreter: {baseline_wall:.2f} s, {baseline_rss:.0f} MB (included in every row)")
    textee_head = " TextEE s | ratio | TextEE MB |" if args.textee else ""
    print("| events | file MB | json parse s | evbench s | ratio | + bootstrap s | ratio | json MB | evbench MB "
          "(main / each worker) |" + textee_head)
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|" + ("---:|---:|---:|" if args.textee else ""))
    for size in sizes:
        gold, pred = make_corpus(size, args.workdir)
        mb = (gold.stat().st_size + pred.stat().st_size) / 1e6
        json_wall, json_rss, _ = measure(REFERENCE, str(gold), str(pred))
        ev_wall, ev_rss, worker_rss = measure(EVBENCH, str(gold), str(pred), "0")
        boot_wall, _, _ = measure(EVBENCH, str(gold), str(pred), "1000")
        textee = ""
        if args.textee:
            tx_wall, tx_rss, _ = measure(TEXTEE, str(args.textee), str(gold), str(pred))
            textee = f" {tx_wall:.2f} | {tx_wall / json_wall:.2f} | {tx_rss:.0f} |"
        print(f"| {size:,} | {mb:.0f} | {json_wall:.2f} | {ev_wall:.2f} | {ev_wall / json_wall:.2f} | {boot_wall:.2f} | "
              f"{boot_wall / json_wall:.2f} | {json_rss:.0f} | {ev_rss:.0f} / {worker_rss:.0f} |" + textee, flush=True)
    if args.phases:
        phases_size = min(max(sizes), 100_000)  # every document is held in memory
        gold, pred = make_corpus(phases_size, args.workdir)
        print(f"\nsteps of scoring, one core, {phases_size:,} events (CPU time; share of the bare parse)")
        print("| step | s | µs per event | share of the parse |\n|---|---:|---:|---:|")
        out = subprocess.run([sys.executable, "-c", PHASES, str(gold), str(pred), str(phases_size)],
                             capture_output=True, text=True, check=True)
        print(out.stdout, end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
