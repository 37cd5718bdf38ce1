"""JSON Lines files: streamed reading with line numbers, atomic writing. No semantics.

Reading yields ``(line_number, raw_bytes)`` one line at a time, so a file of any size is
read in memory bounded by its longest line. File-level problems that make every line
meaningless (a UTF-8 byte-order mark, a JSON array or a pretty-printed object instead of
JSON Lines, an empty file) raise ``InputError`` naming the file. CRLF line ends are
accepted; blank lines are skipped.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

import msgspec

from benchmark.errors import InputError, UsageError

UTF8_BOM = b"\xef\xbb\xbf"
_ENCODER = msgspec.json.Encoder()


def read_lines(path: str | Path) -> Iterator[tuple[int, bytes]]:
    """Yield ``(line_number, line)`` for every non-blank line, line ends stripped.

    Raises:
        InputError: unreadable file, UTF-8 BOM, a JSON array or multi-line JSON
            instead of JSON Lines, or no document at all.
    """
    path = Path(path)
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise InputError.at(path, f"cannot read file: {exc.strerror}") from None
    seen_any = False
    with handle:
        for number, raw in enumerate(handle, start=1):
            if number == 1 and raw.startswith(UTF8_BOM):
                raise InputError.at(
                    path, "file starts with a UTF-8 byte-order mark; save it as UTF-8 without BOM", 1
                )
            line = raw.rstrip(b"\r\n")
            stripped = line.strip()
            if not stripped:
                continue
            if not seen_any:
                _reject_non_jsonl(path, number, stripped)
            seen_any = True
            yield number, line
    if not seen_any:
        raise InputError.at(path, "empty file: expected one JSON object per line")


class _Id(msgspec.Struct):
    id: str


ID_ONLY = msgspec.json.Decoder(_Id)  # reads a record's id and skips the rest


def record_ids(path: str | Path) -> set[str]:
    """The ``id`` of every line that has one (other lines are skipped: this is for hints, not checks)."""
    ids = set()
    for _, line in read_lines(path):
        try:
            ids.add(ID_ONLY.decode(line).id)
        except (msgspec.DecodeError, UnicodeDecodeError, RecursionError):
            continue
    return ids


def _reject_non_jsonl(path: Path, number: int, first: bytes) -> None:
    """Recognise a whole-file JSON array or pretty-printed JSON from the first line."""
    if first.startswith(b"["):
        raise InputError.at(
            path,
            "this looks like a JSON array; evbench reads JSON Lines (one document object per line)",
            number,
        )
    if first in (b"{", b"{\\"):
        raise InputError.at(
            path,
            "this looks like pretty-printed JSON; evbench reads JSON Lines (each document on one line)",
            number,
        )


def encode(record: object) -> bytes:
    """One JSON Lines line (without the newline) for a record or plain object."""
    return _ENCODER.encode(record)


@contextmanager
def atomic_writer(path: str | Path) -> Iterator[IO[bytes]]:
    """Open a temporary file beside ``path``; rename it over ``path`` only on success.

    An interrupted or failed write leaves ``path`` as it was (or absent) and no temporary
    file behind.
    """
    path = Path(path)
    if not path.name:
        raise UsageError(f"{str(path)!r} is not a file name to write")
    if path.exists() and not path.is_file():
        raise UsageError(f"{path}: exists and is not a regular file; refusing to replace it")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise UsageError(f"{path}: cannot write here ({exc.strerror or exc})") from None
    try:
        os.chmod(tmp_name, _default_mode(path))
        with os.fdopen(fd, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise


def _default_mode(path: Path) -> int:
    """The replaced file's mode, or what a plain ``open`` would give (0o666 minus the umask)."""
    if path.exists():
        return path.stat().st_mode & 0o777
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def write_jsonl(path: str | Path, records: Iterable[object]) -> int:
    """Write records as JSON Lines atomically; return how many were written."""
    count = 0
    with atomic_writer(path) as handle:
        for record in records:
            handle.write(encode(record))
            handle.write(b"\n")
            count += 1
    return count


def write_text(path: str | Path, text: str) -> None:
    """Write a UTF-8 text file atomically."""
    with atomic_writer(path) as handle:
        handle.write(text.encode("utf-8"))


def check_writable(paths: Iterable[str | Path]) -> None:
    """Refuse, before anything is written, outputs that could not be: a path that exists and is
    not a regular file, or whose nearest existing folder is a file or read-only.

    Raises:
        UsageError: naming the first such path.
    """
    for path in map(Path, paths):
        if path.exists() and not path.is_file():
            raise UsageError(f"{path}: exists and is not a regular file; refusing to replace it")
        folder = next(p for p in path.parents if p.exists())
        if not folder.is_dir():
            raise UsageError(f"{folder}: is a file, not a folder; cannot write {path}")
        if not os.access(folder, os.W_OK | os.X_OK):
            raise UsageError(f"{folder}: cannot write here (permission denied)")


def write_text_files(folder: str | Path, files: dict[str, str]) -> None:
    """Write UTF-8 files (name -> content) into a folder, each atomically, once every target
    has passed ``check_writable``."""
    folder = Path(folder)
    check_writable(folder / name for name in files)
    for name, text in files.items():
        write_text(folder / name, text)
