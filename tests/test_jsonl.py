"""JSON Lines I/O: streaming with line numbers, atomic writes."""

from __future__ import annotations

import pytest

from benchmark.jsonl import atomic_writer, read_lines, write_jsonl


def test_read_lines_numbers_lines_and_skips_blank_ones(tmp_path) -> None:
    path = tmp_path / "a.jsonl"
    path.write_bytes(b'{"a":1}\r\n\n{"b":2}\n')
    assert list(read_lines(path)) == [(1, b'{"a":1}'), (3, b'{"b":2}')]


def test_write_is_atomic_on_failure(tmp_path) -> None:
    path = tmp_path / "out.jsonl"
    path.write_text("old\n")

    def records():
        yield {"a": 1}
        raise RuntimeError("interrupted")

    with pytest.raises(RuntimeError):
        write_jsonl(path, records())
    assert path.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.jsonl"]


def test_write_replaces_the_file_on_success(tmp_path) -> None:
    path = tmp_path / "sub" / "out.jsonl"
    assert write_jsonl(path, [{"a": 1}, {"b": "é"}]) == 2
    assert path.read_bytes() == '{"a":1}\n{"b":"é"}\n'.encode()


def test_atomic_writer_leaves_no_file_when_interrupted(tmp_path) -> None:
    path = tmp_path / "new.bin"
    with pytest.raises(KeyboardInterrupt):
        with atomic_writer(path) as handle:
            handle.write(b"half")
            raise KeyboardInterrupt
    assert not path.exists() and list(tmp_path.iterdir()) == []
