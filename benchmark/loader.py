"""The bundled gold data: where it lives, its splits and folds, and loading it as a Corpus.

Layout of ``data/`` (also a HuggingFace dataset folder, see its README.md):
``<split>.jsonl`` (gold documents of a split), ``folds.json`` (paragraph folds for
cross-validation: document id -> one fold number per paragraph), ``texts/`` and
``annotations/`` (the sources the JSONL files are compiled from).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import msgspec

from benchmark.errors import InputError, UsageError
from benchmark.labels import LabelSet, load_labels
from benchmark.jsonl import record_ids
from benchmark.model import Document
from benchmark.validate import iter_gold

DEFAULT_DATA_DIR = Path(__file__).resolve().parent.parent / "data"
SPLITS = ("train", "validation", "test")
DEFAULT_SPLIT = "test"


def document_hash(doc: Document) -> bytes:
    """SHA-256 of a document's canonical JSON (keys sorted): independent of file layout."""
    return hashlib.sha256(msgspec.json.encode(doc, order="sorted")).digest()


def corpus_digest(hashes: dict[str, bytes]) -> str:
    """First 8 hex digits of a SHA-256 over the documents' hashes, in id order."""
    sha = hashlib.sha256()
    for doc_id in sorted(hashes):
        sha.update(hashes[doc_id])
    return sha.hexdigest()[:8]


def unit_count(doc: Document, unit: str) -> int:
    """How many resampling units of a kind (doc, paragraph, sentence) a document has."""
    return {"doc": 1, "paragraph": len(doc.paragraphs), "sentence": len(doc.sentences)}[unit]


@dataclass(frozen=True)
class Corpus:
    """Validated gold documents, in file order, held in memory, with where they came from."""

    documents: tuple[Document, ...]
    source: str
    labels: LabelSet

    def __len__(self) -> int:
        return len(self.documents)

    def by_id(self) -> dict[str, Document]:
        return {doc.id: doc for doc in self.documents}

    def ids(self) -> list[str]:
        return [doc.id for doc in self.documents]

    def unit_counts(self, unit: str) -> list[tuple[str, int]]:
        return [(doc.id, unit_count(doc, unit)) for doc in self.documents]

    @property
    def digest(self) -> str:
        """Hash of the gold content (``corpus_digest``), the same for a ``GoldIndex`` of the same data."""
        return corpus_digest({doc.id: document_hash(doc) for doc in self.documents})


class GoldIndex(Mapping[str, Document]):
    """Gold documents validated once, then read from disk on demand: memory holds an index, not the corpus.

    Use it where ``Corpus`` is used for scoring (``by_id``, ``ids``, ``unit_counts``,
    ``digest``, ``labels``); it maps a document id to its ``Document``, decoded from the
    file at its byte offset each time it is asked for.
    """

    def __init__(self, files: list[Path], labels: LabelSet):
        self.labels = labels
        self.source = ", ".join(str(f) for f in files)
        self._last: Document | None = None
        self._where: dict[str, tuple[Path, int]] = {}
        self._units: dict[str, tuple[int, int]] = {}
        hashes: dict[str, bytes] = {}
        for file in files:
            for doc in iter_gold(file, labels):  # validates every document; raises with every problem
                if doc.id in self._where:
                    raise InputError.at(file, f"document id {doc.id!r} is also in {self._where[doc.id][0]}", field="id")
                self._where[doc.id] = (file, -1)
                self._units[doc.id] = (len(doc.paragraphs), len(doc.sentences))
                hashes[doc.id] = document_hash(doc)
            for offset, doc_id in _line_ids(file):
                self._where[doc_id] = (file, offset)
        self.digest = corpus_digest(hashes)

    def __len__(self) -> int:
        return len(self._where)

    def __iter__(self) -> Iterator[str]:
        return iter(self._where)

    def __contains__(self, doc_id: object) -> bool:
        return doc_id in self._where

    def __getitem__(self, doc_id: str) -> Document:
        if self._last is not None and self._last.id == doc_id:  # validation, then scoring, ask for it twice
            return self._last
        file, offset = self._where[doc_id]
        with file.open("rb") as handle:
            handle.seek(offset)
            self._last = _DOCUMENT.decode(handle.readline())
        return self._last

    def by_id(self) -> "GoldIndex":
        return self

    def ids(self) -> list[str]:
        return list(self._where)

    def unit_counts(self, unit: str) -> list[tuple[str, int]]:
        index = {"doc": None, "paragraph": 0, "sentence": 1}[unit]
        return [(doc_id, 1 if index is None else units[index]) for doc_id, units in self._units.items()]

    @property
    def documents(self) -> Iterator[Document]:
        """Every document, in file order, decoded one at a time."""
        return (self[doc_id] for doc_id in self._where)


class _LineId(msgspec.Struct):
    id: str


_DOCUMENT = msgspec.json.Decoder(Document)
_LINE_ID = msgspec.json.Decoder(_LineId)


def _line_ids(path: Path) -> Iterator[tuple[int, str]]:
    """(byte offset, document id) of every non-blank line of an already validated file."""
    offset = 0
    with path.open("rb") as handle:
        for line in handle:
            if line.strip():
                yield offset, _LINE_ID.decode(line).id
            offset += len(line)


def index_gold(path: str | Path | None = None, split: str = DEFAULT_SPLIT,
               labels: LabelSet | str | Path | None = None) -> GoldIndex:
    """Validate gold files and index them for on-demand reading (bounded memory; see ``GoldIndex``)."""
    label_set = labels if isinstance(labels, LabelSet) else load_labels(labels)
    return GoldIndex(gold_files(path, split), label_set)


def gold_files(path: str | Path | None = None, split: str = DEFAULT_SPLIT) -> list[Path]:
    """The JSONL files of a gold location: a file as given, or a data folder's split file(s).

    ``split="all"`` gives every split file present, in the order train, validation, test.
    """
    path = DEFAULT_DATA_DIR if path is None else Path(path)
    if path.is_file():
        return [path]
    if not path.is_dir():
        raise UsageError(f"{path}: no such gold file or data folder")
    if split == "all":
        files = [path / f"{name}.jsonl" for name in SPLITS if (path / f"{name}.jsonl").is_file()]
    elif split in SPLITS:
        files = [path / f"{split}.jsonl"] if (path / f"{split}.jsonl").is_file() else []
    else:
        raise UsageError(f"unknown split {split!r}; choose one of {', '.join(SPLITS)} or 'all'")
    if not files:
        wanted = ", ".join(f"{name}.jsonl" for name in SPLITS) if split == "all" else f"{split}.jsonl"
        raise UsageError(f"{path}: no gold split file ({wanted}) in this folder")
    return files


def split_holding(ids: set[str], path: str | Path | None = None) -> str | None:
    """The split of a data folder (default: the bundled data) whose file has every one of ``ids``, if any."""
    folder = DEFAULT_DATA_DIR if path is None else Path(path)
    if not ids or not folder.is_dir():
        return None
    for split in SPLITS:
        file = folder / f"{split}.jsonl"
        try:
            if file.is_file() and ids <= record_ids(file):
                return split
        except InputError:  # an unreadable split holds nothing to point at
            continue
    return None


def load_gold(
    path: str | Path | None = None, split: str = DEFAULT_SPLIT, labels: LabelSet | str | Path | None = None
) -> Corpus:
    """Load and validate gold documents.

    Args:
        path: a gold JSONL file or a data folder; default: the bundled ``data/``.
        split: for a folder, ``train``, ``validation``, ``test`` (default) or ``all``.
        labels: a ``LabelSet``, a label-set file, or ``None`` for the PLOVER v1 set.

    Raises:
        InputError: any document breaks a rule (every problem is listed), or an id repeats.
        UsageError: the path or split does not exist.
    """
    label_set = labels if isinstance(labels, LabelSet) else load_labels(labels)
    files = gold_files(path, split)
    documents = _read_all(files, label_set)
    return Corpus(tuple(documents), ", ".join(str(f) for f in files), label_set)


def _read_all(files: Iterable[Path], labels: LabelSet) -> list[Document]:
    documents: list[Document] = []
    first_file: dict[str, Path] = {}
    for file in files:
        for doc in iter_gold(file, labels):
            if doc.id in first_file:
                raise InputError.at(file, f"document id {doc.id!r} is also in {first_file[doc.id]}", field="id")
            first_file[doc.id] = file
            documents.append(doc)
    return documents


def load_folds(path: str | Path | None = None) -> dict[str, list[int]]:
    """Paragraph folds: document id -> the fold number of each of its paragraphs."""
    folds_path = (DEFAULT_DATA_DIR if path is None else Path(path)) / "folds.json"
    try:
        return msgspec.json.decode(folds_path.read_bytes(), type=dict[str, list[int]])
    except OSError as exc:
        raise InputError.at(folds_path, f"cannot read folds: {exc.strerror}") from None
    except (msgspec.DecodeError, msgspec.ValidationError) as exc:
        raise InputError.at(folds_path, f"not a folds file: {exc}") from None
