"""Inter-annotator agreement of two blind annotation passes, and of each pass against the gold.

    python scripts/agreement.py data/agreement/seed/pass-a.jsonl data/agreement/seed/pass-b.jsonl \
        [--gold data/test.jsonl] [--markdown]

Documents are paired by id; documents only one pass holds are left out, so pass A may be
a whole gold file. Per layer: F1 between the passes (A as reference; F1 is symmetric), under exact spans and
mention-level arguments, plus the counts; Cohen's kappa of event types over span-matched
triggers. With --gold, each pass is also scored against the adjudicated gold.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from benchmark.agreement import LAYERS, agreement
from benchmark.errors import EvbenchError
from benchmark.validate import iter_gold


def read(path: Path, ids: set[str] | None = None):
    docs = list(iter_gold(path))
    return [d for d in docs if ids is None or d.id in ids]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("pass_a", type=Path)
    parser.add_argument("pass_b", type=Path)
    parser.add_argument("--gold", type=Path, help="adjudicated gold JSONL (documents of the passes are picked by id)")
    parser.add_argument("--span", default="exact", choices=["exact", "overlap"])
    parser.add_argument("--markdown", action="store_true")
    args = parser.parse_args()
    try:
        b = read(args.pass_b)
        a = read(args.pass_a, {d.id for d in b})  # pass A may hold more documents (e.g. the whole gold)
        b = [d for d in b if d.id in {x.id for x in a}]
        columns = {"A vs B": agreement(a, b, span=args.span)}
        if args.gold:
            gold = read(args.gold, {d.id for d in a})
            columns["A vs gold"] = agreement(gold, a, span=args.span)
            columns["B vs gold"] = agreement(gold, b, span=args.span)
    except EvbenchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return int(exc.exit_code)
    header = ["layer", *columns]
    rows = []
    for layer in LAYERS:
        cells = []
        for result in columns.values():
            m = result.report.metrics[layer]
            cells.append(f"{100 * m.f1:.1f} ({m.counts.tp}/{m.counts.gold}/{m.counts.predicted})")
        rows.append([layer, *cells])
    rows.append(["type κ (matched triggers)", *(f"{r.type_kappa:.2f}" if r.type_kappa is not None else "—" for r in columns.values())])
    if args.markdown:
        print("| " + " | ".join(header) + " |")
        print("|" + "---|" * len(header))
        for row in rows:
            print("| " + " | ".join(row) + " |")
    else:
        widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
        for row in [header, *rows]:
            print("  ".join(str(c).ljust(w) for c, w in zip(row, widths)))
    print("\nF1 in %, (matched / reference items / other items); exact spans, mention-level arguments.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
