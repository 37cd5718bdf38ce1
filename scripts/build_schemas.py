"""Write the shipped JSON Schemas (benchmark/schemas/*.schema.json) from the data model.

    python scripts/build_schemas.py          # a test checks the shipped files are current
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from benchmark.jsonl import write_text
from benchmark.schema import KINDS, json_schema

TARGET = Path(__file__).resolve().parent.parent / "benchmark" / "schemas"


def rendered(kind: str) -> str:
    return json.dumps(json_schema(kind), indent=1, ensure_ascii=False) + "\n"


def main() -> int:
    for kind in KINDS:
        write_text(TARGET / f"{kind}.schema.json", rendered(kind))
        print(f"wrote {TARGET / f'{kind}.schema.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
