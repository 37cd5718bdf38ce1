"""Compile one annotation source (anchors, see benchmark/authoring.py) and check it completely.

    python scripts/compile_annotation.py data/agreement/seed/pass-a.json [-o pass-a.jsonl] [--texts data/texts]

Prints every problem (anchor not found or ambiguous, dangling reference, label not in the
label set...) as ``file: field: message`` and exits 65; on success prints layer counts and,
with ``-o``, writes the gold document as one JSON line.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

from benchmark.authoring import compile_source
from benchmark.errors import InputError
from benchmark.jsonl import write_jsonl
from benchmark.loader import DEFAULT_DATA_DIR


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("source", type=Path)
    parser.add_argument("--texts", type=Path, default=DEFAULT_DATA_DIR / "texts")
    parser.add_argument("-o", "--output", type=Path)
    args = parser.parse_args()
    try:
        doc = compile_source(args.source, args.texts)
    except InputError as exc:
        for issue in exc.issues:
            print(issue, file=sys.stderr)
        print(f"{exc.total} problem(s)", file=sys.stderr)
        return 65
    types = Counter(e.type for e in doc.events)
    print(f"{doc.id}: {len(doc.entities)} entities, {sum(len(e.mentions) for e in doc.entities)} mentions, "
          f"{len(doc.events)} events, {sum(len(e.arguments) for e in doc.events)} arguments, {len(doc.stances)} stances")
    print("events by type: " + ", ".join(f"{t} {n}" for t, n in types.most_common()))
    if args.output:
        write_jsonl(args.output, [doc])
        print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
