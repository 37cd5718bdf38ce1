"""Every gold document records its source and licence; texts equal their source files byte for byte."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmark.loader import DEFAULT_DATA_DIR, load_gold

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"
SEED_FILE = "000_c760efd53b5c1ee3.txt"


@pytest.fixture(scope="module")
def documents():
    return load_gold(split="all").documents


def test_every_document_has_source_and_licence(documents) -> None:
    for doc in documents:
        assert doc.meta.get("source"), doc.id
        assert doc.meta.get("licence"), doc.id
        assert doc.meta.get("source_file"), doc.id
        if doc.id.startswith("wn-"):
            assert doc.meta["licence"] == "CC BY 2.5" and doc.meta["url"].startswith("https://en.wikinews.org/wiki/")
            assert doc.meta["attribution"].startswith("Wikinews contributors")


def test_bundled_texts_equal_the_compiled_gold(documents) -> None:
    for doc in documents:
        stored = (DEFAULT_DATA_DIR / "texts" / f"{doc.id}.txt").read_bytes()
        assert stored == doc.text.encode("utf-8"), doc.id


@pytest.mark.skipif(not SHARED.is_dir(), reason=f"source texts not found at {SHARED} (present only in the project workspace)")
def test_texts_equal_their_source_files_byte_for_byte(documents) -> None:
    for doc in documents:
        source = SHARED / ("seeds" if doc.id.startswith("ng-") else "corpus") / doc.meta["source_file"]
        assert source.read_bytes() == doc.text.encode("utf-8"), doc.id
