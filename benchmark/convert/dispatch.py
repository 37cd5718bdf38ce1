"""``convert(source_format, target_format, input, output)``: the one entry point of ``evbench convert``."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import msgspec

from benchmark.convert import brat, oneie, textee
from benchmark.convert.common import TypeMapping, derive_labels
from benchmark.errors import UsageError
from benchmark.jsonl import write_jsonl, write_text
from benchmark.labels import LabelSet, load_labels
from benchmark.model import Document
from benchmark.validate import Checker, IssueLog, check_document, iter_gold

FORMATS = ("evbench", "brat", "oneie", "textee")
PAIRS = {("oneie", "evbench"), ("evbench", "oneie"), ("brat", "evbench"), ("evbench", "brat"), ("textee", "evbench")}


@dataclass
class ConversionResult:
    documents: int
    dropped: dict[str, int] = field(default_factory=dict)
    lossy_spans: int = 0
    labels_written: Path | None = None


def _check_all(docs: list[Document], labels: LabelSet, source: str) -> None:
    log = IssueLog()
    for i, doc in enumerate(docs):
        check_document(doc, labels, Checker(f"{source} (converted document {i + 1}, {doc.id})", 0, labels, log))
    log.raise_if_any()


def convert(source: str, target: str, input_path: Path, output_path: Path, *, labels: LabelSet | None = None,
            write_labels: Path | None = None, mapping: Path | None = None, gold: dict[str, Document] | None = None,
            keep_evbench: bool = True) -> ConversionResult:
    """Convert between formats; converted gold is validated before anything is written.

    Raises:
        UsageError: an unsupported pair of formats, or a missing input.
        InputError: the input is malformed (file, line and field named).
    """
    if (source, target) not in PAIRS:
        raise UsageError(f"cannot convert {source} -> {target}; supported: " +
                         ", ".join(f"{a}->{b}" for a, b in sorted(PAIRS)))
    if not input_path.exists():
        raise UsageError(f"{input_path}: no such file or folder")
    type_mapping = TypeMapping.read(mapping) if mapping else None
    dropped: dict[str, int] = {}
    if target == "evbench":
        if source == "textee":
            records = textee.to_predictions(oneie.read_records(input_path), str(input_path), gold, type_mapping, dropped)
            write_jsonl(output_path, records)
            return ConversionResult(len(records), dropped)
        if source == "oneie":
            docs = oneie.to_documents(oneie.read_records(input_path), str(input_path), type_mapping, dropped)
        else:
            ann_files = sorted(input_path.glob("*.ann")) if input_path.is_dir() else [input_path]
            if not ann_files:
                raise UsageError(f"{input_path}: no .ann files")
            docs = []
            for ann in ann_files:
                read = brat.read_brat(ann)
                docs.append(read.document)
                for key, n in read.dropped.items():
                    dropped[key] = dropped.get(key, 0) + n
        label_set = labels
        if write_labels is not None:
            label_set = derive_labels(docs, input_path.stem)
            write_text(write_labels, json.dumps(msgspec.to_builtins(label_set), indent=1, ensure_ascii=False) + "\n")
        _check_all(docs, label_set or load_labels(), str(input_path))
        write_jsonl(output_path, docs)
        return ConversionResult(len(docs), dropped, 0, write_labels)
    docs = list(iter_gold(input_path, labels))
    if target == "oneie":
        out = oneie.from_documents(docs, keep_evbench)
        write_jsonl(output_path, out.records)
        dropped = {"argument outside its trigger's sentence": out.cross_window_arguments} if out.cross_window_arguments else {}
        return ConversionResult(len(docs), dropped, out.lossy)
    for doc in docs:
        brat.write_brat(doc, output_path)
    write_text(output_path / "annotation.conf", brat.annotation_conf(labels or load_labels()))
    return ConversionResult(len(docs))
