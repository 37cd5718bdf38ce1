"""Rule coder throughput: sentences per second on replicated news text, linearity, workers.

    python scripts/bench_rules.py [--copies 20,80] [--workers 2]

Input: the bundled texts (data/texts/*.txt), each replicated as separate documents. The
rate is reported against a reference measured in the same run: the time a bare regex
tokenisation of the same text takes (the cheapest pass any coder makes).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

from baselines.rules.coder import TOKEN
from baselines.rules.stream import code_file
from benchmark import segment
from benchmark.loader import DEFAULT_DATA_DIR


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--copies", default="20,80")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    texts = [p.read_text(encoding="utf-8") for p in sorted((DEFAULT_DATA_DIR / "texts").glob("*.txt"))]
    sentences_per_copy = sum(len(segment.sentences(t)) for t in texts)
    print("| documents | sentences | workers | seconds | sentences/s | tokenise-only s | ratio to tokenise |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as tmp:
        for copies in (int(c) for c in args.copies.split(",")):
            docs = Path(tmp) / f"docs-{copies}.jsonl"
            with docs.open("w") as handle:
                for c in range(copies):
                    for i, text in enumerate(texts):
                        handle.write(json.dumps({"id": f"c{c}-{i}", "text": text}) + "\n")
            started = time.perf_counter()
            for c in range(copies):
                for text in texts:
                    TOKEN.findall(text)
            tokenise = time.perf_counter() - started
            for workers in sorted({1, args.workers}):
                started = time.perf_counter()
                n = code_file(docs, Path(tmp) / "out.jsonl", workers=workers)
                elapsed = time.perf_counter() - started
                sentences = copies * sentences_per_copy
                print(f"| {n:,} | {sentences:,} | {workers} | {elapsed:.2f} | {sentences / elapsed:,.0f} | {tokenise:.3f} | "
                      f"{elapsed / tokenise:.0f} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
