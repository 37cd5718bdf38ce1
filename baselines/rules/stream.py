"""Run the rule coder over a JSON Lines file of documents: streamed, in order, optionally parallel.

Input lines need only ``id`` and ``text`` (other fields, e.g. a gold document's layers, are
ignored). Memory is bounded by the pool's in-flight chunk, not by the number of documents;
the output is written atomically.
"""

from __future__ import annotations

from collections.abc import Iterator
from multiprocessing import Pool
from pathlib import Path

import msgspec

from baselines.rules.coder import code_document
from benchmark.errors import InputError
from benchmark.jsonl import atomic_writer, encode, read_lines
from benchmark.validate import decode_line


class InputDocument(msgspec.Struct):
    """What the coder reads from a line: the document id and its text."""

    id: str
    text: str


def read_documents(path: str | Path) -> Iterator[tuple[str, str]]:
    """(id, text) of every line; a malformed line, an empty or repeated id raises ``InputError``."""
    seen: dict[str, int] = {}
    for number, line in read_lines(path):
        doc = decode_line(str(path), number, line, InputDocument)
        if not doc.id.strip():
            raise InputError.at(path, "empty document id", number, "id")
        if doc.id in seen:
            raise InputError.at(path, f"duplicate document id {doc.id!r} (first on line {seen[doc.id]})", number, "id")
        seen[doc.id] = number
        yield doc.id, doc.text


def _code(item: tuple[str, str]) -> bytes:
    return encode(code_document(*item))


def code_file(input_path: str | Path, output_path: str | Path, workers: int = 1, chunksize: int = 16) -> int:
    """Code every document of ``input_path`` into ``output_path``; return the number of documents."""
    count = 0
    with atomic_writer(output_path) as handle:
        if workers <= 1:
            lines = map(_code, read_documents(input_path))
            for line in lines:
                handle.write(line + b"\n")
                count += 1
        else:
            with Pool(workers) as pool:
                for line in pool.imap(_code, read_documents(input_path), chunksize=chunksize):
                    handle.write(line + b"\n")
                    count += 1
    return count
