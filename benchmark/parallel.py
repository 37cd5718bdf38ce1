"""Scoring files across processes: gold and predictions read once, counts merged in gold order.

``score_files`` returns what validating the gold (``loader.index_gold``), streaming the
validated predictions (``validate.iter_predictions``) and ``scorer.score`` return — the same
counts, problems (in line order; the first ``IssueLog.keep`` of them kept when no range holds
more) and signature — with the work spread over processes. Two differences, both
deliberate: the problems of every gold file are listed (not only of the first file that
has some), and an id repeated across gold files is located by line.

1. index the predictions: each process reads a byte range of the file and notes, per line,
   its number, byte offset and document id (a decoder that reads only ``id``); the parent
   reports repeated ids;
2. count: each process reads a byte range of the gold and, for each document, decodes and
   checks it and its prediction (found by id) and counts them (a ``scorer.Tally``);
3. the parent merges the ranges in gold order, reports repeated gold ids and predictions
   for unknown documents, and builds the report.

Memory is bounded by the index (a few numbers per prediction), the count table and one
range's batch of documents, not by the corpus.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import signal
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import msgspec

from benchmark.errors import InputError, Issue, Location, WorkerError
from benchmark.jsonl import ID_ONLY, read_lines
from benchmark.labels import LabelSet
from benchmark.loader import corpus_digest, unit_count
from benchmark.model import Document, Prediction
from benchmark.scorer import (MIN_DOCUMENTS_FOR_DOC_RESAMPLING, Report, ResamplingOptions, ScoringOptions, Tally,
                              build_report)
from benchmark.signature import Signature
from benchmark.validate import (Checker, IssueLog, check_document, check_prediction, decode_line, decode_record,
                                refuse_duplicate_keys, repeated_document, unknown_document)

SERIAL_BELOW_BYTES = 4_000_000  # smaller inputs are scored in this process (a pool costs more than it saves)
MAX_AUTO_WORKERS = 8
READ_BUFFER = 1 << 20  # gold lines are long: a large buffer reads each in one piece
RANGES_PER_WORKER = 4  # gold byte ranges per process, so that uneven ranges even out


class Line(NamedTuple):
    """A non-blank line of a JSON Lines file: where it is and the document id it names."""

    file: int  # index into the list of files
    number: int  # 1-based line number
    offset: int  # byte offset of the line in its file
    length: int  # bytes, line end included
    id: str | None  # None: no readable id (decoding the whole line says why)


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
    # "auto" resamples documents from MIN_DOCUMENTS_FOR_DOC_RESAMPLING of them: a valid gold has one per line
    resampling = (resampling or ResamplingOptions()).resolved(_count_lines(gold_files, MIN_DOCUMENTS_FOR_DOC_RESAMPLING))
    pred_log = IssueLog()
    try:
        _check_start(pred_file)
        with _mapper(_index_range, workers) as run:
            pred_lines = _index(run, [pred_file], workers)
    except InputError as exc:
        for issue in exc.issues:
            pred_log.add(issue)
        pred_lines = []
    pred_of, repeated = _first_predictions(pred_lines, pred_file, pred_log)
    ranges = [(i, start, end) for i, path in enumerate(gold_files)
              for start, end in _byte_ranges(path, workers * RANGES_PER_WORKER if workers > 1 else 1)]
    task = _CountTask(tuple(gold_files), pred_file, labels, options, resampling.unit, pred_of)
    with _mapper(task, workers) as run:  # the task (with its index of predictions) goes to each process once
        results = list(run(ranges))
    documents, gold_log = _gold_in_order(ranges, results, gold_files)
    gold_log.raise_if_any()
    gold_ids = {doc.id: None for doc in documents}
    for line in pred_of.values():  # unknown documents (a first line that cannot be decoded says that first)
        if line.id not in gold_ids and not _decoding_problem(pred_file, line, Prediction, pred_log):
            pred_log.add(Issue(Location(str(pred_file), line.number, "id"), unknown_document(line.id, gold_ids)))  # type: ignore[arg-type]
    for line in repeated:  # decodable already
        message = (repeated_document(line.id, pred_of[line.id].number) if line.id in gold_ids  # type: ignore[arg-type,index]
                   else unknown_document(line.id, gold_ids))  # type: ignore[arg-type]
        pred_log.add(Issue(Location(str(pred_file), line.number, "id"), message))
    for result in results:
        pred_log.extend(result.pred_log)
    pred_log.sort()
    pred_log.raise_if_any()
    tally = results[0].tally if results else Tally(options, resampling.unit).finish()
    for result in results[1:]:
        tally.merge(result.tally)
    missing = [doc.id for doc in documents if doc.id not in pred_of]
    signature = Signature.build(labels, corpus_digest({doc.id: doc.digest for doc in documents}), options, resampling)
    return build_report(tally, [(doc.id, doc.units) for doc in documents], missing, signature, resampling)


def _gold_in_order(ranges: list[tuple[int, int, int]], results: list[_RangeResult],
                   files: list[Path]) -> tuple[list[_GoldDocument], IssueLog]:
    """The gold documents of all ranges with file line numbers, and every gold problem (repeated ids too)."""
    log, documents = IssueLog(), []
    lines_before = [0] * len(files)  # physical lines in the earlier ranges of each file
    for (file_index, _, _), result in zip(ranges, results):
        base = lines_before[file_index]
        log.issues.extend(Issue(Location(issue.location.path, base + issue.location.line, issue.location.field),
                                issue.message) for issue in result.gold_log.issues)
        log.total += result.gold_log.total
        documents.extend(doc._replace(line=base + doc.line) for doc in result.documents)
        lines_before[file_index] += result.physical_lines
    first: dict[str, _GoldDocument] = {}
    repeats: list[Issue] = []
    for doc in documents:
        original = first.setdefault(doc.id, doc)
        if original is not doc:
            message = (repeated_document(doc.id, original.line) if original.file == doc.file
                       else f"document id {doc.id!r} is also in {files[original.file]}")
            repeats.append(Issue(Location(str(files[doc.file]), doc.line, "id"), message))
    # as when streaming, a line repeating an id gets that problem alone, not its rule problems
    repeated_at = {(issue.location.path, issue.location.line) for issue in repeats}
    kept = [issue for issue in log.issues if (issue.location.path, issue.location.line) not in repeated_at]
    log.total -= len(log.issues) - len(kept)
    log.issues = kept
    log.issues.extend(repeats)
    log.total += len(repeats)
    log.sort([str(path) for path in files])
    return documents, log


def _count_lines(files: list[Path], enough: int) -> int:
    """Non-blank lines of the files, counted up to ``enough``."""
    found = 0
    for path in files:
        for _ in read_lines(path):
            found += 1
            if found >= enough:
                return found
    return found


# --- 1. index ------------------------------------------------------------------------------


def _index(run: Callable, files: list[Path], workers: int) -> list[Line]:
    """Every non-blank line of the files, in order, read in byte ranges by ``run`` (a ``_mapper`` of ``_index_range``)."""
    tasks = [(i, path, start, end) for i, path in enumerate(files) for start, end in _byte_ranges(path, workers)]
    lines: list[Line] = []
    before = {i: 0 for i in range(len(files))}  # physical lines in the earlier ranges of each file
    for (file_index, *_), (found, physical) in zip(tasks, run(tasks)):
        base = before[file_index]
        lines.extend(Line(file_index, base + number, offset, length, doc_id) for number, offset, length, doc_id in found)
        before[file_index] += physical
    return lines


def _index_range(task: tuple[int, Path, int, int]) -> tuple[list[tuple[int, int, int, str | None]], int]:
    """(number within the range, offset, length, id) of each non-blank line in [start, end), and the lines read."""
    _, path, start, end = task
    found = []
    number = 0
    for number, offset, raw in _range_lines(path, start, end):
        if raw.strip():
            try:
                found.append((number, offset, len(raw), ID_ONLY.decode(raw).id))
            except (msgspec.DecodeError, UnicodeDecodeError, RecursionError):
                found.append((number, offset, len(raw), None))
    return found, number


def _range_lines(path: Path, start: int, end: int) -> Iterator[tuple[int, int, bytes]]:
    """(number within the range, byte offset, line with its end) of every line starting in [start, end)."""
    with path.open("rb", buffering=READ_BUFFER) as handle:
        handle.seek(start)
        offset, number = start, 0
        while offset < end:
            raw = handle.readline()
            if not raw:
                return
            number += 1
            yield number, offset, raw
            offset += len(raw)


def _byte_ranges(path: Path, parts: int) -> list[tuple[int, int]]:
    """About ``parts`` ranges of whole lines covering the file."""
    size = _size(path)
    if parts <= 1:
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


def _first_predictions(lines: list[Line], path: Path, log: IssueLog) -> tuple[dict[str, Line], list[Line]]:
    """Document id -> the line of its prediction, and the later decodable lines that repeat an id.

    As when streaming, a line that cannot be decoded claims no id (its problem is logged);
    whether a repeated id is a duplicate or an unknown document is decided once the gold ids
    are known.
    """
    first: dict[str, Line] = {}
    repeated: list[Line] = []
    for line in lines:
        if line.id is None:
            _decoding_problem(path, line, Prediction, log)
        elif line.id not in first:
            first[line.id] = line
        elif not _decoding_problem(path, line, Prediction, log):
            if _decoding_problem(path, first[line.id], Prediction, log):  # the first one claimed nothing after all
                first[line.id] = line
            else:
                repeated.append(line)
    return first, repeated


def _decoding_problem(path: Path, line: Line, kind: type, log: IssueLog) -> bool:
    """Decode a whole line; log why it cannot be decoded, if it cannot."""
    try:
        with path.open("rb") as handle:
            decode_line(str(path), line.number, _read_at(handle, line), kind)
    except InputError as exc:
        log.add(exc.issues[0])
        return True
    return False


# --- 2. count ------------------------------------------------------------------------------


class _GoldDocument(NamedTuple):
    id: str
    file: int
    line: int  # within its range, then (``_gold_in_order``) within its file
    digest: bytes  # ``loader.document_hash``
    units: int  # resampling units


@dataclass
class _RangeResult:
    tally: Tally
    physical_lines: int = 0
    documents: list[_GoldDocument] = field(default_factory=list)
    gold_log: IssueLog = field(default_factory=IssueLog)
    pred_log: IssueLog = field(default_factory=IssueLog)


@dataclass(frozen=True)
class _CountTask:
    """Decode, check and count the gold documents of a byte range with their predictions (runs in worker processes)."""

    gold_files: tuple[Path, ...]
    pred_file: Path
    labels: LabelSet
    options: ScoringOptions
    unit: str
    pred_of: dict[str, Line]

    def __call__(self, gold_range: tuple[int, int, int]) -> _RangeResult:
        file_index, start, end = gold_range
        result = _RangeResult(Tally(self.options, self.unit))
        pred_handle = self.pred_file.open("rb") if self.pred_of else None
        try:
            for number, _, raw in _range_lines(self.gold_files[file_index], start, end):
                result.physical_lines = number
                if raw.strip():
                    self._document(file_index, number, raw.rstrip(b"\r\n"), pred_handle, result)
        finally:
            if pred_handle is not None:
                pred_handle.close()
        result.tally.finish()
        return result

    def _document(self, file_index: int, number: int, raw: bytes, pred_handle, result: _RangeResult) -> None:
        path = str(self.gold_files[file_index])
        try:
            gold = decode_record(path, number, raw, Document)
            canonical = _CANONICAL.encode(gold)  # hashed below; its colons also reveal a repeated key
            refuse_duplicate_keys(path, number, raw, canonical)
        except InputError as exc:
            result.gold_log.add(exc.issues[0])
            return
        # listed before its rules are checked: a repeated id is found (by the parent) whatever the rest holds
        result.documents.append(_GoldDocument(gold.id, file_index, number, hashlib.sha256(canonical).digest(),
                                              unit_count(gold, self.unit)))
        checker = Checker(path, number, self.labels, result.gold_log)
        check_document(gold, self.labels, checker)
        if checker.count:
            return
        pred = None
        pred_line = self.pred_of.get(gold.id)
        if pred_line is not None:
            pred = self._prediction(pred_handle, pred_line, gold, result)
            if pred is None:
                return
        if not result.gold_log.total and not result.pred_log.total:  # once a problem is found, only check
            result.tally.add(gold, pred)

    def _prediction(self, handle, line: Line, gold: Document, result: _RangeResult) -> Prediction | None:
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


@contextmanager
def _mapper(function: Callable, workers: int) -> Iterator[Callable]:
    """A map of ``function`` over a list of items, in ``workers`` processes (``function`` sent to
    each once, not with every item) or, for one worker, in this process.

    Workers are forked when this process runs a single thread (fast, nothing pickled, and
    scripts need no ``if __name__ == "__main__"`` guard); when other threads run, forking could
    copy a lock one of them holds and deadlock the child, so workers start from a fork server
    (or are spawned where there is none).
    """
    if workers <= 1:
        yield lambda items: map(function, items)
        return
    pool = process_pool(workers, _install, (function,))
    with stopping(pool):
        yield lambda items: pool.map(_call_installed, items)


@contextmanager
def stopping(pool: ProcessPoolExecutor) -> Iterator[None]:
    """Shut the pool down on leaving; when one of its workers died, kill the others first
    (the pool's own clean-up stops them with SIGTERM, which CLI workers ignore) and raise
    ``WorkerError``."""
    try:
        yield
    except BrokenProcessPool:
        for process in list((getattr(pool, "_processes", None) or {}).values()):  # private, stable since 3.8
            process.kill()
        raise WorkerError("a worker process died (killed by a signal, e.g. for lack of memory); nothing was "
                          "written; try fewer --workers") from None
    finally:
        pool.shutdown(cancel_futures=True)


def process_pool(workers: int, initializer: Callable | None = None, initargs: tuple = ()) -> ProcessPoolExecutor:
    """A pool of ``workers`` processes, started as ``_mapper`` says.

    A worker forked from a process that handles SIGTERM itself (the CLI) ignores it: a
    cancelled run, often signalled to the whole process group, is stopped by that parent,
    which shuts the pool down (the inherited handler would raise inside a task, and a worker
    killed while sending a result would leave the parent waiting for the rest of it). Other
    workers keep the default and die with their group.
    """
    methods = multiprocessing.get_all_start_methods()
    method = "fork" if "fork" in methods and threading.active_count() == 1 else (
        "forkserver" if "forkserver" in methods else "spawn")
    return ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context(method), initializer=_start_worker,
                               initargs=(initializer, initargs))


def _start_worker(initializer: Callable | None, initargs: tuple) -> None:
    if callable(signal.getsignal(signal.SIGTERM)):  # inherited from a parent that handles it
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
    if initializer is not None:
        initializer(*initargs)


_installed: Callable | None = None  # a worker process's function (``_mapper``)


def _install(function: Callable) -> None:
    global _installed
    _installed = function


def _call_installed(item):
    return _installed(item)  # type: ignore[misc]
