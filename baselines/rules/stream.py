"""Run the rule coder over a JSON Lines file of documents: streamed, in order, optionally parallel.

Input lines need only ``id`` and ``text`` (other fields, e.g. a gold document's layers, are
ignored). Memory is bounded by the chunks in flight (``IN_FLIGHT`` per worker), not by the
number of documents; the output is written atomically, also when the run is stopped.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from contextlib import closing
from itertools import islice
from pathlib import Path

import msgspec

from baselines.rules.coder import code_document
from benchmark.errors import InputError
from benchmark.jsonl import atomic_writer, encode, read_lines
from benchmark.parallel import process_pool, stopping
from benchmark.validate import decode_line, repeated_document


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
            raise InputError.at(path, repeated_document(doc.id, seen[doc.id]), number, "id")
        seen[doc.id] = number
        yield doc.id, doc.text


IN_FLIGHT = 4  # chunks submitted per worker ahead of the one being written


def _code(item: tuple[str, str]) -> bytes:
    return encode(code_document(*item))


def _code_chunk(items: tuple[tuple[str, str], ...]) -> list[bytes]:
    return [_code(item) for item in items]


def _coded_here(path: str | Path) -> Iterator[bytes]:
    """Coded lines in input order, in this process."""
    for item in read_documents(path):
        yield _code(item)


def _coded_in_workers(path: str | Path, workers: int, chunksize: int) -> Iterator[bytes]:
    """Coded lines in input order from ``workers`` processes, a bounded number of chunks ahead."""
    pool = process_pool(workers)
    pending: deque = deque()
    with stopping(pool):
        documents = read_documents(path)
        while chunk := tuple(islice(documents, chunksize)):
            pending.append(pool.submit(_code_chunk, chunk))
            if len(pending) >= IN_FLIGHT * workers:
                yield from pending.popleft().result()
        while pending:
            yield from pending.popleft().result()


def code_file(input_path: str | Path, output_path: str | Path, workers: int = 1, chunksize: int = 16) -> int:
    """Code every document of ``input_path`` into ``output_path``; return the number of documents."""
    count = 0
    with atomic_writer(output_path) as handle:
        lines = _coded_here(input_path) if workers <= 1 else _coded_in_workers(input_path, workers, chunksize)
        with closing(lines):  # stopped early (an error, SIGTERM): the pool is shut down now, not at exit
            for line in lines:
                handle.write(line + b"\n")
                count += 1
    return count
