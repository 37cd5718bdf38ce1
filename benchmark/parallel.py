"""Scoring files across processes: gold and predictions read once, counts merged in gold order.

``score_files`` returns what validating the gold (``loader.index_gold``), streaming the
validated predictions (``validate.iter_predictions``) and ``scorer.score`` return — the same
counts, problems and signature — with the work spread over processes:

1. index: each process reads a byte range of a file and notes, per line, its number, byte
   offset and document id (a decoder that reads only ``id``);
2. the parent pairs predictions with gold documents by id and reports unknown and repeated ids;
3. count: each process takes a run of gold documents in gold order and, for each, decodes
   and checks the gold and its prediction and counts them (a ``scorer.Tally``);
4. the parent merges the runs in gold order and builds the report.

Memory is bounded by the index (a few numbers per line), the count table and one run's
batch of documents, not by the corpus.
"""

from __future__ import annotations

import difflib
import hashlib
import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import msgspec
import numpy as np

from benchmark.errors import InputError, Issue, Location
from benchmark.jsonl import read_lines
from benchmark.labels import LabelSet
from benchmark.loader import corpus_digest, unit_count
from benchmark.model import Document, Prediction
from benchmark.scorer import Report, ResamplingOptions, ScoringOptions, Tally, build_report
from benchmark.signature import Signature
from benchmark.validate import (Checker, IssueLog, check_document, check_prediction, decode_line,
                                decode_record, refuse_duplicate_keys)

SERIAL_BELOW_BYTES = 4_000_000  # smaller inputs are scored in this process (a pool costs more than it saves)
MAX_AUTO_WORKERS = 8
RUNS_PER_WORKER = 4  # runs of documents per process, so that uneven runs even out


class Line(NamedTuple):
    """A non-blank line of a JSON Lines file: where it is and the document id it names."""

    file: int  # index into the list of files
    number: int  # 1-based line number
    offset: int  # byte offset of the line in its file
    length: int  # bytes, line end included
    id: str | None  # None: no readable id (decoding the whole line says why)


class _Id(msgspec.Struct):
    id: str


_ID = msgspec.json.Decoder(_Id)
_CANONICAL = msgspec.json.Encoder(order="sorted")


def default_workers() -> int:
    """The processes ``workers=None`` uses for a large input: the usable CPUs, at most ``MAX_AUTO_WORKERS``."""
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        usable = os.cpu_count() or 1
    return max(1, min(usable, MAX_AUTO_WORKERS))


def score_files(pred_path: str | Path, gold_paths: Sequence[str | Path], labels: LabelSet,
                options: ScoringOptions | None = None, resampling: ResamplingOptions | None = None,
                workers: int | None = None) -> Report:
    """Validate and score a prediction file against gold files, with ``workers`` processes.

    ``workers=None``: ``default_workers()`` for inputs of ``SERIAL_BELOW_BYTES`` or more, else
    this process alone. The report does not depend on the number of processes.

    Raises:
        InputError: a gold file breaks a rule (every problem listed), else the prediction
            file does; nothing is scored then.
    """
    options = options or ScoringOptions()
    gold_files, pred_file = [Path(p) for p in gold_paths], Path(pred_path)
    for path in gold_files:
        _check_start(path)
    if workers is None:
        size = sum(_size(p) for p in [*gold_files, pred_file])
        workers = default_workers() if size >= SERIAL_BELOW_BYTES else 1
    with _executor(workers) as executor:
        run = executor.map if executor is not None else map
        gold_lines = _index(run, gold_files, workers)
        gold_log, gold_at = IssueLog(), _first_lines(gold_lines)
        _report_repeated_gold(gold_lines, gold_at, gold_files, gold_log)
        pred_log = IssueLog()
        try:
            _check_start(pred_file)
            pred_lines = _index(run, [pred_file], workers)
        except InputError as exc:
            for issue in exc.issues:
                pred_log.add(issue)
            pred_lines = []
        pred_of = _pair(pred_lines, pred_file, gold_at, labels, pred_log)
        resampling = (resampling or ResamplingOptions()).resolved(len(gold_at))
        documents = [(line, pred_of.get(doc_id)) for doc_id, line in gold_at.items()]
        task = _CountTask(tuple(gold_files), pred_file, labels, options, resampling.unit)
        results = list(run(task, _runs(documents, workers)))
    for result in results:
        gold_log.extend(result.gold_log)
    gold_log.sort([str(path) for path in gold_files])
    gold_log.raise_if_any()
    for result in results:
        pred_log.extend(result.pred_log)
    pred_log.sort()
    pred_log.raise_if_any()
    tally = results[0].tally if results else Tally(options, resampling.unit).finish()
    for result in results[1:]:
        tally.merge(result.tally)
    hashes = {doc_id: digest for result in results for doc_id, digest, _ in result.documents}
    unit_counts = [(doc_id, n) for result in results for doc_id, _, n in result.documents]
    missing = [doc_id for doc_id in gold_at if doc_id not in pred_of]
    signature = Signature.build(labels, corpus_digest(hashes), options, resampling)
    return build_report(tally, unit_counts, missing, signature, resampling)


# --- 1. index ------------------------------------------------------------------------------


def _index(run: Callable, files: list[Path], workers: int) -> list[Line]:
    """Every non-blank line of the files, in order, read in byte ranges by ``run`` (map or a pool's map)."""
    tasks = [(i, path, start, end) for i, path in enumerate(files) for start, end in _byte_ranges(path, workers)]
    lines: list[Line] = []
    before = {i: 0 for i in range(len(files))}  # physical lines in the earlier ranges of each file
    for (file_index, *_), (found, physical) in zip(tasks, run(_index_range, tasks)):
        base = before[file_index]
        lines.extend(Line(file_index, base + number, offset, length, doc_id) for number, offset, length, doc_id in found)
        before[file_index] += physical
    return lines


def _index_range(task: tuple[int, Path, int, int]) -> tuple[list[tuple[int, int, int, str | None]], int]:
    """(number within the range, offset, length, id) of each non-blank line in [start, end), and the lines read."""
    _, path, start, end = task
    found = []
    number = 0
    with path.open("rb") as handle:
        handle.seek(start)
        offset = start
        while offset < end:
            raw = handle.readline()
            if not raw:
                break
            number += 1
            if raw.strip():
                try:
                    doc_id: str | None = _ID.decode(raw)
                    doc_id = doc_id.id  # type: ignore[union-attr]
                except (msgspec.DecodeError, UnicodeDecodeError, RecursionError):
                    doc_id = None
                found.append((number, offset, len(raw), doc_id))
            offset += len(raw)
    return found, number


def _byte_ranges(path: Path, parts: int) -> list[tuple[int, int]]:
    """About ``parts`` ranges of whole lines covering the file."""
    size = _size(path)
    if parts <= 1 or size < SERIAL_BELOW_BYTES:
        return [(0, size)]
    bounds = [0]
    with path.open("rb") as handle:
        for k in range(1, parts):
            handle.seek(max(size * k // parts - 1, bounds[-1]))
            handle.readline()  # to the start of the next line
            bounds.append(min(max(handle.tell(), bounds[-1]), size))
    bounds.append(size)
    return [(a, b) for a, b in zip(bounds, bounds[1:]) if b > a]


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _check_start(path: Path) -> None:
    """The file-level checks of ``read_lines`` (readable, no BOM, JSON Lines, not empty) on the first line."""
    next(iter(read_lines(path)))


# --- 2. pair -------------------------------------------------------------------------------


def _first_lines(lines: list[Line]) -> dict[str, Line]:
    """Document id -> its first line (gold order); lines without a readable id are decoded for the reason later."""
    first: dict[str, Line] = {}
    for line in lines:
        if line.id is not None:
            first.setdefault(line.id, line)
    return first


def _report_repeated_gold(lines: list[Line], first: dict[str, Line], files: list[Path], log: IssueLog) -> None:
    for line in lines:
        if line.id is None:
            _decoding_problem(files[line.file], line, Document, log)
            continue
        original = first[line.id]
        if original is line:
            continue
        if original.file == line.file:
            message = f"duplicate document id {line.id!r} (first on line {original.number})"
        else:
            message = f"document id {line.id!r} is also in {files[original.file]}"
        log.add(Issue(Location(str(files[line.file]), line.number, "id"), message))


def _pair(lines: list[Line], path: Path, gold: dict[str, Line], labels: LabelSet, log: IssueLog) -> dict[str, Line]:
    """Gold document id -> its prediction's line; unknown, repeated and unreadable lines are problems."""
    pred_of: dict[str, Line] = {}
    for line in lines:
        if line.id is None:
            _decoding_problem(path, line, Prediction, log)
        elif line.id in gold and line.id not in pred_of:
            pred_of[line.id] = line
        elif not _decoding_problem(path, line, Prediction, log):  # a shape error is reported before the id
            if line.id in gold:
                message = f"duplicate document id {line.id!r} (first on line {pred_of[line.id].number})"
            else:
                hint = difflib.get_close_matches(line.id, list(gold), n=1)
                message = f"no gold document with id {line.id!r}" + (f"; did you mean {hint[0]!r}?" if hint else "")
            log.add(Issue(Location(str(path), line.number, "id"), message))
    return pred_of


def _decoding_problem(path: Path, line: Line, kind: type, log: IssueLog) -> bool:
    """Decode a whole line; log why it cannot be decoded, if it cannot."""
    try:
        decode_line(str(path), line.number, _read(path, line).rstrip(b"\r\n"), kind)
    except InputError as exc:
        log.add(exc.issues[0])
        return True
    return False


def _read(path: Path, line: Line) -> bytes:
    with path.open("rb") as handle:
        handle.seek(line.offset)
        return handle.read(line.length)


# --- 3. count ------------------------------------------------------------------------------


def _runs(documents: list[tuple[Line, Line | None]], workers: int) -> list[list[tuple[Line, Line | None]]]:
    """Consecutive runs of documents with about equal bytes, ``RUNS_PER_WORKER`` per process."""
    if workers <= 1 or len(documents) <= 1:
        return [documents] if documents else []
    sizes = np.array([gold.length + (pred.length if pred else 0) for gold, pred in documents], dtype=np.int64)
    ends = np.cumsum(sizes)
    n_runs = min(len(documents), workers * RUNS_PER_WORKER)
    cuts = np.searchsorted(ends, ends[-1] * np.arange(1, n_runs) / n_runs, side="left") + 1
    bounds = sorted({0, *cuts.tolist(), len(documents)})
    return [documents[a:b] for a, b in zip(bounds, bounds[1:]) if b > a]


@dataclass
class _RunResult:
    tally: Tally
    documents: list[tuple[str, bytes, int]] = field(default_factory=list)  # (id, content hash, units)
    gold_log: IssueLog = field(default_factory=IssueLog)
    pred_log: IssueLog = field(default_factory=IssueLog)


@dataclass(frozen=True)
class _CountTask:
    """Decode, check and count a run of documents (picklable: it runs in worker processes)."""

    gold_files: tuple[Path, ...]
    pred_file: Path
    labels: LabelSet
    options: ScoringOptions
    unit: str

    def __call__(self, documents: list[tuple[Line, Line | None]]) -> _RunResult:
        labels = self.labels
        result = _RunResult(Tally(self.options, self.unit))
        gold_handles = [path.open("rb") for path in self.gold_files]
        pred_handle = self.pred_file.open("rb") if any(pred for _, pred in documents) else None
        try:
            for gold_line, pred_line in documents:
                gold = self._gold(gold_handles[gold_line.file], gold_line, result)
                if gold is None:
                    continue
                pred = None
                if pred_line is not None:
                    pred = self._prediction(pred_handle, pred_line, gold, result)
                    if pred is None:
                        continue
                if not result.gold_log.total and not result.pred_log.total:  # once a problem is found, only check
                    result.tally.add(gold, pred)
        finally:
            for handle in [*gold_handles, pred_handle]:
                if handle is not None:
                    handle.close()
        result.tally.finish()
        return result

    def _gold(self, handle, line: Line, result: _RunResult) -> Document | None:
        path = str(self.gold_files[line.file])
        raw = _read_at(handle, line)
        try:
            doc = decode_record(path, line.number, raw, Document)
            canonical = _CANONICAL.encode(doc)  # hashed below; its keys also reveal a repeated key
            refuse_duplicate_keys(path, line.number, raw, canonical)
        except InputError as exc:
            result.gold_log.add(exc.issues[0])
            return None
        checker = Checker(path, line.number, self.labels, result.gold_log)
        check_document(doc, self.labels, checker)
        if checker.count:
            return None
        result.documents.append((doc.id, hashlib.sha256(canonical).digest(), unit_count(doc, self.unit)))
        return doc

    def _prediction(self, handle, line: Line, gold: Document, result: _RunResult) -> Prediction | None:
        path = str(self.pred_file)
        try:
            pred = decode_line(path, line.number, _read_at(handle, line), Prediction)
        except InputError as exc:
            result.pred_log.add(exc.issues[0])
            return None
        checker = Checker(path, line.number, self.labels, result.pred_log)
        check_prediction(pred, gold, self.labels, checker)
        return None if checker.count else pred


def _read_at(handle, line: Line) -> bytes:
    handle.seek(line.offset)
    return handle.read(line.length).rstrip(b"\r\n")


class _executor:
    """A process pool for ``workers`` > 1 (fork where the platform has it), else nothing: map in this process."""

    def __init__(self, workers: int):
        self.workers = workers
        self.pool: Executor | None = None

    def __enter__(self) -> Executor | None:
        if self.workers > 1:
            methods = multiprocessing.get_all_start_methods()
            context = multiprocessing.get_context("fork" if "fork" in methods else None)
            self.pool = ProcessPoolExecutor(self.workers, mp_context=context)
        return self.pool

    def __exit__(self, *exc_info) -> None:
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)
