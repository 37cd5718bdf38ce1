"""``convert(source_format, target_format, input, output)``: the one entry point of ``evbench convert``."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import msgspec

from benchmark.convert import brat, oneie, textee
from benchmark.convert.common import TypeMapping, derive_labels
from benchmark.errors import InputError, Issue, Location, UsageError
from benchmark.jsonl import check_writable, write_jsonl, write_text, write_text_files
from benchmark.labels import LabelSet, load_labels
from benchmark.model import Document, Prediction
from benchmark.validate import Checker, IssueLog, check_document, check_prediction, iter_gold, unknown_document

FORMATS = ("evbench", "brat", "oneie", "textee")
PAIRS = {("oneie", "evbench"), ("evbench", "oneie"), ("brat", "evbench"), ("evbench", "brat"), ("textee", "evbench")}


@dataclass
class ConversionResult:
    documents: int
    dropped: dict[str, int] = field(default_factory=dict)
    lossy_spans: int = 0
    labels_written: Path | None = None
    validated: bool = True  # False: predictions converted without a gold to check them against


def _check_predictions(records: list[dict], gold: dict[str, Document], labels: LabelSet, source: str) -> None:
    """Converted predictions must be valid against the gold (known ids, labels, offsets)."""
    log = IssueLog()
    for i, record in enumerate(records):
        checker = Checker(f"{source} (converted document {i + 1}, {record['id']})", 0, labels, log)
        if record["id"] not in gold:
            checker.problem("id", unknown_document(record["id"], gold))
            continue
        check_prediction(msgspec.convert(record, Prediction), gold[record["id"]], labels, checker)
    log.raise_if_any()


def _check_labels(records: list[dict], labels: LabelSet, source: str) -> None:
    """Without a gold to check them against, converted predictions must still use the label set's types and roles."""
    log = IssueLog()
    for i, record in enumerate(records):
        checker = Checker(f"{source} (converted document {i + 1}, {record['id']})", 0, labels, log)
        for j, event in enumerate(record["events"]):
            checker.label(f"events[{j}].type", event["type"], labels.event_types, "event type")
            for k, argument in enumerate(event.get("arguments", ())):
                checker.label(f"events[{j}].arguments[{k}].role", argument["role"], labels.roles, "role")
    log.raise_if_any()


def _check_all(docs: list[Document], labels: LabelSet, sources: list[str]) -> None:
    """Every rule of the format on converted documents, types included, and unique ids;
    ``sources`` names where each document came from (its .ann file, or the input and its number)."""
    log = IssueLog()
    seen: set[str] = set()
    for doc, source in zip(docs, sources):
        checker = Checker(f"{source} (converted to document {doc.id!r})", 0, labels, log)
        try:  # records built in code are not type-checked on construction: round-trip them
            msgspec.convert(msgspec.to_builtins(doc), Document)
        except msgspec.ValidationError as exc:
            checker.problem("", f"not a valid document: {exc}")
            continue
        if doc.id in seen:
            checker.problem("id", f"duplicate document id {doc.id!r}")
        seen.add(doc.id)
        check_document(doc, labels, checker)
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
    if input_path.is_dir() and source != "brat":
        raise UsageError(f"{input_path}: is a folder; --from {source} reads one file")
    type_mapping = TypeMapping.read(mapping) if mapping else None
    dropped: dict[str, int] = {}
    if target == "evbench":
        if source == "textee":
            records = textee.to_predictions(oneie.read_records(input_path), str(input_path), gold, type_mapping, dropped)
            if gold is not None:
                _check_predictions(records, gold, labels or load_labels(), str(input_path))
            else:
                _check_labels(records, labels or load_labels(), str(input_path))
            write_jsonl(output_path, records)
            return ConversionResult(len(records), dropped, validated=gold is not None)
        if source == "oneie":
            docs = oneie.to_documents(oneie.read_records(input_path), str(input_path), type_mapping, dropped)
            sources = [f"{input_path}, document {i + 1}" for i in range(len(docs))]
        else:
            ann_files = sorted(input_path.glob("*.ann")) if input_path.is_dir() else [input_path]
            if not ann_files:
                raise UsageError(f"{input_path}: no .ann files")
            docs, sources = [], [str(ann) for ann in ann_files]
            for ann in ann_files:
                read = brat.read_brat(ann)
                docs.append(read.document)
                for key, n in read.dropped.items():
                    dropped[key] = dropped.get(key, 0) + n
        label_set = derive_labels(docs, input_path.stem) if write_labels is not None else labels
        _check_all(docs, label_set or load_labels(), sources)
        if write_labels is not None:
            check_writable([output_path, write_labels])  # both, before either is written
        write_jsonl(output_path, docs)
        if write_labels is not None:
            write_text(write_labels, json.dumps(msgspec.to_builtins(label_set), indent=1, ensure_ascii=False) + "\n")
        return ConversionResult(len(docs), dropped, 0, write_labels)
    docs = list(iter_gold(input_path, labels))
    if target == "oneie":
        out = oneie.from_documents(docs, keep_evbench)
        write_jsonl(output_path, out.records)
        dropped = {"argument outside its trigger's sentence": out.cross_window_arguments} if out.cross_window_arguments else {}
        return ConversionResult(len(docs), dropped, out.lossy)
    problems = [p for doc in docs for p in brat.check_writable(doc)]
    names = [brat.file_name(doc.id) for doc in docs]
    problems += [f"documents {a!r} and {b!r} would share the file name {n!r}"
                 for i, (a, n) in enumerate(zip((d.id for d in docs), names))
                 for b, m in list(zip((d.id for d in docs), names))[i + 1:] if n == m]
    if problems:  # checked before anything is written
        raise InputError([Issue(Location(str(input_path)), p) for p in problems])
    files = {"annotation.conf": brat.annotation_conf(labels or load_labels())}
    for doc, name in zip(docs, names):
        files |= brat.brat_files(doc, name)
    write_text_files(output_path, files)
    return ConversionResult(len(docs))
