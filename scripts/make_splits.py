"""Assign the gold documents to train / validation / test, by document, and write data/splits.json.

    python scripts/make_splits.py [--draws 200000] [--seed 13]

Constraints: the seed article is in test; test holds at least 30 % of the events, validation
at least 15 %, train the rest; every split has at least 3 documents. Among random
assignments meeting them (``--draws`` of them, seeded, so the result is reproducible), the
one whose splits' event-type distributions are closest to the corpus's is kept: the score
is the sum over splits of the Jensen-Shannon divergence between the split's and the
corpus's event-type distribution (add-one smoothed), plus the same for stance polarity.
The assignment is data: run once, review, commit data/splits.json.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
from collections import Counter

from benchmark.authoring import compile_source
from benchmark.jsonl import write_text
from benchmark.labels import load_labels
from benchmark.loader import DEFAULT_DATA_DIR

SEED_DOC = "ng-2025-03-11-syria"
SPLITS = ("train", "validation", "test")


def js_divergence(p: Counter, q: Counter, keys: list[str]) -> float:
    def dist(c: Counter) -> list[float]:
        total = sum(c[k] + 1 for k in keys)
        return [(c[k] + 1) / total for k in keys]

    a, b = dist(p), dist(q)
    m = [(x + y) / 2 for x, y in zip(a, b)]
    return sum(x * math.log(x / z) for x, z in zip(a, m)) / 2 + sum(y * math.log(y / z) for y, z in zip(b, m)) / 2


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--draws", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args()
    labels = load_labels()
    docs = {}
    for path in sorted((DEFAULT_DATA_DIR / "annotations").glob("*.json")):
        doc = compile_source(path, DEFAULT_DATA_DIR / "texts", labels)
        docs[doc.id] = (Counter(e.type for e in doc.events), Counter(s.polarity for s in doc.stances))
    ids = sorted(docs)
    total_types = sum((docs[d][0] for d in ids), Counter())
    total_polarity = sum((docs[d][1] for d in ids), Counter())
    n_events = sum(total_types.values())
    types, polarities = list(labels.event_types), list(labels.polarities)
    rng = random.Random(args.seed)
    best = None
    for _ in range(args.draws):
        assignment = {d: rng.choice(SPLITS) for d in ids}
        assignment[SEED_DOC] = "test"
        sizes = Counter(assignment.values())
        if any(sizes[s] < 3 for s in SPLITS):
            continue
        events = {s: sum((docs[d][0] for d in ids if assignment[d] == s), Counter()) for s in SPLITS}
        share = {s: sum(events[s].values()) / n_events for s in SPLITS}
        if share["test"] < 0.30 or share["validation"] < 0.15 or share["train"] < 0.40:
            continue
        polarity = {s: sum((docs[d][1] for d in ids if assignment[d] == s), Counter()) for s in SPLITS}
        score = sum(js_divergence(events[s], total_types, types) + js_divergence(polarity[s], total_polarity, polarities)
                    for s in SPLITS)
        if best is None or score < best[0]:
            best = (score, assignment, share)
    if best is None:
        print("no assignment meets the constraints", file=sys.stderr)
        return 1
    score, assignment, share = best
    splits = {s: [d for d in ids if assignment[d] == s] for s in SPLITS}
    write_text(DEFAULT_DATA_DIR / "splits.json", json.dumps(splits, indent=1) + "\n")
    for s in SPLITS:
        print(f"{s}: {len(splits[s])} documents, {100 * share[s]:.1f} % of events")
    print(f"divergence score {score:.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
