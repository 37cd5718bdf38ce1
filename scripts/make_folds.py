"""Assign every paragraph of the gold documents to one of k cross-validation folds, balanced by events.

    python scripts/make_folds.py [--k 5] [--document ng-2025-03-11-syria]

Deterministic greedy balancing: paragraphs in decreasing order of their gold event count
(ties: document order) each go to the fold with the fewest events so far (ties: the
lowest fold number). Writes data/folds.json ({document id: [fold of each paragraph]});
run once when the gold changes, and commit the file: the folds are data, not code.
"""

from __future__ import annotations

import argparse
import json
import sys

from benchmark.jsonl import write_text
from benchmark.loader import DEFAULT_DATA_DIR, load_gold


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--k", type=int, default=5)
    parser.add_argument("--document", action="append", help="document(s) to fold [default: the seed article]")
    args = parser.parse_args()
    wanted = set(args.document or ["ng-2025-03-11-syria"])
    corpus = load_gold(DEFAULT_DATA_DIR, "all")
    corpus = type(corpus)(tuple(d for d in corpus.documents if d.id in wanted), corpus.source, corpus.labels)
    paragraphs = []
    for d, doc in enumerate(corpus.documents):
        for p, para in enumerate(doc.paragraphs):
            events = sum(1 for e in doc.events if para.start <= e.trigger.start < para.end)
            paragraphs.append((events, d, p))
    load = [0] * args.k
    folds = {doc.id: [0] * len(doc.paragraphs) for doc in corpus.documents}
    for events, d, p in sorted(paragraphs, key=lambda x: (-x[0], x[1], x[2])):
        fold = min(range(args.k), key=lambda f: (load[f], f))
        folds[corpus.documents[d].id][p] = fold
        load[fold] += events
    write_text(DEFAULT_DATA_DIR / "folds.json", json.dumps(folds, indent=1) + "\n")
    print("events per fold: " + ", ".join(str(n) for n in load))
    return 0


if __name__ == "__main__":
    sys.exit(main())
