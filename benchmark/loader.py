"""The bundled gold data: where it lives, its splits and folds, and loading it as a Corpus.

Layout of ``data/`` (also a HuggingFace dataset folder, see its README.md):
``<split>.jsonl`` (gold documents of a split), ``folds.json`` (paragraph folds for
cross-validation: document id -> one fold number per paragraph), ``texts/`` and
``annotations/`` (the sources the JSONL files are compiled from).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import msgspec

from benchmark.errors import InputError, UsageError
from benchmark.labels import LabelSet, load_labels
from benchmark.model import Document
from benchmark.validate import iter_gold

DEFAULT_DATA_DIR = Path(__file__).resolve().parent.parent / "data"
SPLITS = ("train", "validation", "test")
DEFAULT_SPLIT = "test"


@dataclass(frozen=True)
class Corpus:
    """Validated gold documents, in file order, with where they came from."""

    documents: tuple[Document, ...]
    source: str
    labels: LabelSet

    def __len__(self) -> int:
        return len(self.documents)

    def by_id(self) -> dict[str, Document]:
        return {doc.id: doc for doc in self.documents}

    @property
    def digest(self) -> str:
        """First 8 hex digits of a SHA-256 over the documents, sorted by id (file layout ignored)."""
        sha = hashlib.sha256()
        for doc in sorted(self.documents, key=lambda d: d.id):
            sha.update(msgspec.json.encode(doc, order="sorted"))
            sha.update(b"\n")
        return sha.hexdigest()[:8]


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
        raise UsageError(f"{path}: no {split} split file ({split}.jsonl) in this folder")
    return files


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
