"""Peak memory of `evbench validate --predictions` as the prediction file grows (gold fixed).

    python scripts/bench_validate_memory.py [--sizes-mb 10,50,100] [--workdir /tmp/evbench-mem]

The gold (2,000 short documents) stays the same; prediction files of growing size are made
by giving every document more predicted events. Each validation runs in a fresh process;
peak RSS comes from ``resource``. Streaming validation keeps the peak flat (gold + one
line); reading the whole file with ``json.load``-style parsing, shown for reference, grows
with the file.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

N_DOCS = 2000
SENTENCE = "Police arrested dozens of protesters in the capital on Monday."


def make_gold(path: Path) -> None:
    with path.open("w") as handle:
        for d in range(N_DOCS):
            span = {"start": 0, "end": len(SENTENCE), "text": SENTENCE}
            handle.write(json.dumps({"id": f"d{d}", "text": SENTENCE, "meta": {}, "paragraphs": [span], "sentences": [span],
                                     "entities": [], "events": [], "stances": []}) + "\n")


def make_predictions(path: Path, megabytes: int) -> None:
    event = {"type": "COERCE", "mode": "arrest", "factuality": "asserted", "trigger": {"start": 7, "end": 15, "text": "arrested"},
             "arguments": [{"role": "actor", "span": {"start": 0, "end": 6, "text": "Police"}}]}
    per_event = len(json.dumps(event)) + 12
    per_doc = max(1, megabytes * 1_000_000 // (N_DOCS * per_event))
    with path.open("w") as handle:
        for d in range(N_DOCS):
            events = [event | {"id": f"p{i}"} for i in range(per_doc)]
            handle.write(json.dumps({"id": f"d{d}", "events": events}) + "\n")


def peak_rss(code: str, *args: str) -> float:
    wrapper = code + "\nimport resource\nprint(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\n"
    out = subprocess.run([sys.executable, "-c", wrapper, *args], capture_output=True, text=True, check=True)
    return int(out.stdout.strip().splitlines()[-1]) / 1024


VALIDATE = """
import sys
from benchmark.loader import load_gold
from benchmark.validate import validate_prediction_file
result = validate_prediction_file(sys.argv[2], load_gold(sys.argv[1]).by_id())
assert result.ok and result.records == 2000, result.log.issues[:3]
"""
WHOLE = """
import json, sys
data = [json.loads(line) for line in open(sys.argv[1], encoding="utf-8")]
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes-mb", default="10,50,100")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/evbench-mem"))
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    gold = args.workdir / "gold.jsonl"
    make_gold(gold)
    print("| prediction file | evbench validate peak RSS | whole-file json parse peak RSS |")
    print("|---:|---:|---:|")
    for mb in (int(x) for x in args.sizes_mb.split(",")):
        pred = args.workdir / f"pred-{mb}MB.jsonl"
        if not pred.exists():
            make_predictions(pred, mb)
        size = pred.stat().st_size / 1e6
        print(f"| {size:.0f} MB | {peak_rss(VALIDATE, str(gold), str(pred)):.0f} MB | {peak_rss(WHOLE, str(pred)):.0f} MB |",
              flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
