"""Import the Wikinews corpus texts and their provenance into data/ (texts + annotation templates).

    python scripts/import_corpus.py /path/to/shared/corpus

Copies each article byte for byte to ``data/texts/wn-<stem>.txt`` and, where no annotation
source exists yet, writes ``data/annotations/wn-<stem>.json`` with the document's ``meta``
(title, date, URL, licence, attribution, the changes declared in SOURCES.md) and its
sentence segmentation (benchmark.segment), ready to annotate. Existing annotation sources
are never touched.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

from benchmark import segment
from benchmark.jsonl import write_text
from benchmark.loader import DEFAULT_DATA_DIR

GENERAL_CHANGES = ("title put on line 1 (from the page heading); runs of spaces/tabs collapsed to one space; "
                   "paragraphs separated by exactly one blank line; no sentence edited")


def rows(sources: Path):
    for line in sources.read_text(encoding="utf-8").splitlines():
        if line.startswith("| 0"):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            yield dict(zip(("file", "title", "publisher", "date", "url", "licence", "evidence", "coverage", "words",
                            "removed"), cells))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA_DIR)
    args = parser.parse_args()
    for row in rows(args.corpus / "SOURCES.md"):
        stem = row["file"].removesuffix(".txt")
        doc_id = f"wn-{stem}"
        text_path = args.data / "texts" / f"{doc_id}.txt"
        shutil.copyfile(args.corpus / row["file"], text_path)
        source_path = args.data / "annotations" / f"{doc_id}.json"
        if source_path.exists():
            continue
        text = text_path.read_bytes().decode("utf-8")
        url = row["url"].split(" ; ")[0]
        meta = {
            "language": "en", "date": row["date"], "title": row["title"], "source": "Wikinews (en)",
            "url": url, "licence": "CC BY 2.5", "licence_url": "https://creativecommons.org/licenses/by/2.5/",
            "attribution": f"Wikinews contributors, en.wikinews.org, {url}",
            "source_file": row["file"], "retrieved_via": row["url"].split(" ; ")[1],
            "changes": f"{GENERAL_CHANGES}; {row['removed']}",
            "annotations_licence": "CC BY 4.0",
        }
        source = {"id": doc_id, "text_file": text_path.name, "meta": meta,
                  "sentences": [text[s:e] for s, e in segment.sentences(text)],
                  "entities": [], "events": [], "stances": []}
        write_text(source_path, json.dumps(source, ensure_ascii=False, indent=1) + "\n")
        print(f"{doc_id}: {len(source['sentences'])} sentences")
    return 0


if __name__ == "__main__":
    sys.exit(main())
