"""Compile data/annotations/*.json into the gold split files data/<split>.jsonl.

    python scripts/build_gold.py           # write data/<split>.jsonl and the card's YAML header
    python scripts/build_gold.py --check   # exit 1 if the committed files differ from the sources
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from benchmark.authoring import compile_splits
from benchmark.errors import InputError
from benchmark.hf_dataset import card_yaml
from benchmark.jsonl import encode, write_jsonl, write_text
from benchmark.loader import DEFAULT_DATA_DIR


def rendered(docs) -> bytes:
    return b"".join(encode(doc) + b"\n" for doc in docs)


def card_with_header(card_path: Path, yaml: str) -> str:
    body = card_path.read_text(encoding="utf-8") if card_path.exists() else "# evbench gold data\n"
    if body.startswith("---\n"):
        body = body.split("\n---\n", 1)[1].lstrip("\n")
    return f"---\n{yaml.rstrip()}\n---\n\n{body}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA_DIR)
    parser.add_argument("--check", action="store_true", help="compare instead of writing")
    args = parser.parse_args()
    try:
        splits = compile_splits(args.data)
    except InputError as exc:
        for issue in exc.issues[:50]:
            print(issue, file=sys.stderr)
        print(f"{exc.total} problem(s)", file=sys.stderr)
        return 65
    card_path = args.data / "README.md"
    card = card_with_header(card_path, card_yaml({name: len(docs) for name, docs in splits.items()}))
    if args.check:
        stale = [f"{name}.jsonl" for name, docs in splits.items()
                 if not (args.data / f"{name}.jsonl").is_file()
                 or (args.data / f"{name}.jsonl").read_bytes() != rendered(docs)]
        if card_path.read_text(encoding="utf-8") != card:
            stale.append("README.md (YAML header)")
        if stale:
            print("out of date, run scripts/build_gold.py: " + ", ".join(stale), file=sys.stderr)
            return 1
        print("gold files match their sources")
        return 0
    for name, docs in splits.items():
        write_jsonl(args.data / f"{name}.jsonl", docs)
        print(f"{name}: {len(docs)} document(s)")
    write_text(card_path, card)
    return 0


if __name__ == "__main__":
    sys.exit(main())
