"""Annotation sources -> gold documents: spans written as quoted text, not offsets.

Annotators write one JSON file per document (``data/annotations/<id>.json``) in which
every span is an *anchor*: a string copied from the text. ``"Damascus"`` means the only
occurrence of "Damascus"; ``"claims that [[it]] has managed"`` means the bracketed part
of the only occurrence of the whole string (brackets removed). An anchor that matches
zero or several times is an error naming the anchor, so offsets are exact by
construction. An argument, holder or entity target may omit its ``span``: the mention of
its entity closest to the trigger (or to the first evidence span) is then taken, first
within the same sentence, else in the whole document. The compiler adds paragraphs
(blank-line separated) and sentences (listed in the source as text, or found by
``benchmark.segment``), and the result is checked by ``benchmark.validate``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import msgspec

from benchmark import segment
from benchmark.errors import InputError, Issue, Location
from benchmark.labels import LabelSet, load_labels
from benchmark.model import Argument, Document, Entity, EntityRef, Event, Span, Stance, StanceTarget
from benchmark.validate import IssueLog, Checker, check_document


class _Source(msgspec.Struct, forbid_unknown_fields=True):
    id: str
    text_file: str
    meta: dict[str, Any]
    entities: list[dict[str, Any]] = []
    events: list[dict[str, Any]] = []
    stances: list[dict[str, Any]] = []
    sentences: list[str] | None = None
    notes: list[str] = []


class AnchorError(ValueError):
    """An anchor string does not pick exactly one place in the text."""


def resolve_anchor(text: str, anchor: str) -> Span:
    """The span an anchor picks in ``text``.

    >>> resolve_anchor("Moscow and Washington met in Moscow.", "[[Moscow]] and").start
    0
    """
    if "[[" in anchor:
        before, _, rest = anchor.partition("[[")
        inner, sep, after = rest.partition("]]")
        if not sep or "[[" in after or not inner:
            raise AnchorError(f"anchor {anchor!r} must contain exactly one [[...]] marking")
        context, offset = before + inner + after, len(before)
    else:
        context, inner, offset = anchor, anchor, 0
    first = text.find(context)
    if first < 0:
        raise AnchorError(f"anchor {anchor!r} does not occur in the text")
    if text.find(context, first + 1) >= 0:
        count = text.count(context)
        raise AnchorError(f"anchor {anchor!r} occurs {count} times; add context around [[...]] to make it unique")
    start = first + offset
    return Span(start, start + len(inner), inner)


def _sentence_spans(text: str, paragraphs: list[tuple[int, int]], listed: list[str] | None) -> list[tuple[int, int]]:
    if listed is None:
        return segment.sentences(text, paragraphs)
    spans, cursor = [], 0
    for sentence in listed:
        start = text.find(sentence, cursor)
        if start < 0:
            raise AnchorError(f"sentence {sentence[:60]!r}... not found after offset {cursor}")
        spans.append((start, start + len(sentence)))
        cursor = start + len(sentence)
    return spans


class _Compiler:
    def __init__(self, source: _Source, text: str, path: str):
        self.source, self.text, self.path = source, text, path
        self.issues: list[Issue] = []
        self.mentions: dict[str, list[Span]] = {}
        self.sentences: list[tuple[int, int]] = []

    def fail(self, field: str, message: str) -> None:
        self.issues.append(Issue(Location(self.path, 0, field), message))

    def span(self, field: str, anchor: Any) -> Span | None:
        if not isinstance(anchor, str):
            self.fail(field, f"expected an anchor string, got {type(anchor).__name__}")
            return None
        try:
            return resolve_anchor(self.text, anchor)
        except AnchorError as exc:
            self.fail(field, str(exc))
            return None

    def sentence_of(self, offset: int) -> int:
        for i, (start, end) in enumerate(self.sentences):
            if start <= offset < end:
                return i
        return -1

    def nearest_mention(self, field: str, entity_id: str, anchor_point: int) -> Span | None:
        mentions = self.mentions.get(entity_id)
        if not mentions:
            self.fail(field, f"no entity {entity_id!r} with mentions to choose a span from")
            return None
        sentence = self.sentence_of(anchor_point)
        same = [m for m in mentions if self.sentence_of(m.start) == sentence]
        pool = same or mentions
        return min(pool, key=lambda m: (abs(m.start - anchor_point), m.start))

    def entity_span(self, field: str, ref: dict[str, Any], anchor_point: int) -> Span | None:
        if "span" in ref:
            return self.span(f"{field}.span", ref["span"])
        return self.nearest_mention(f"{field}.entity", ref.get("entity", ""), anchor_point)

    def compile(self) -> Document | None:
        text, source = self.text, self.source
        paragraphs = segment.paragraphs(text)
        try:
            self.sentences = _sentence_spans(text, paragraphs, source.sentences)
        except AnchorError as exc:
            self.fail("sentences", str(exc))
            return None
        entities = []
        for i, raw in enumerate(source.entities):
            spans = [s for j, a in enumerate(raw.get("mentions", [])) if (s := self.span(f"entities[{i}].mentions[{j}]", a))]
            spans.sort(key=lambda s: (s.start, s.end))
            self.mentions[raw.get("id", "")] = spans
            entities.append(Entity(id=raw.get("id", ""), type=raw.get("type", ""), name=raw.get("name"), mentions=tuple(spans)))
        events = []
        for i, raw in enumerate(source.events):
            where = f"events[{i}]"
            trigger = self.span(f"{where}.trigger", raw.get("trigger"))
            if trigger is None:
                continue
            arguments = []
            for j, arg in enumerate(raw.get("arguments", [])):
                span = self.entity_span(f"{where}.arguments[{j}]", arg, trigger.start)
                if span is not None:
                    arguments.append(Argument(role=arg.get("role", ""), entity=arg.get("entity", ""), span=span))
            events.append(Event(
                id=raw.get("id", ""), type=raw.get("type", ""), mode=raw.get("mode"), coref=raw.get("coref"),
                trigger=trigger, factuality=raw.get("factuality", ""), arguments=tuple(arguments),
            ))
        stances = []
        for i, raw in enumerate(source.stances):
            where = f"stances[{i}]"
            evidence = [s for j, a in enumerate(raw.get("evidence", [])) if (s := self.span(f"{where}.evidence[{j}]", a))]
            point = evidence[0].start if evidence else 0
            holder_raw, target_raw = raw.get("holder", {}), raw.get("target", {})
            holder_span = self.entity_span(f"{where}.holder", holder_raw, point)
            if "event" in target_raw:
                target = StanceTarget(event=target_raw["event"])
            else:
                target_span = self.entity_span(f"{where}.target", target_raw, point)
                target = StanceTarget(entity=target_raw.get("entity"), span=target_span)
            if holder_span is None:
                continue
            stances.append(Stance(
                id=raw.get("id", ""), holder=EntityRef(entity=holder_raw.get("entity", ""), span=holder_span),
                target=target, polarity=raw.get("polarity", ""), evidence=tuple(evidence),
            ))
        return Document(
            id=source.id, text=text, meta=source.meta,
            paragraphs=tuple(Span(s, e, text[s:e]) for s, e in paragraphs),
            sentences=tuple(Span(s, e, text[s:e]) for s, e in self.sentences),
            entities=tuple(entities), events=tuple(events), stances=tuple(stances),
        )


def compile_source(path: str | Path, texts_dir: str | Path, labels: LabelSet | None = None) -> Document:
    """Compile one annotation source into a validated gold document.

    Raises:
        InputError: with every anchor, reference and rule problem found.
    """
    path = Path(path)
    try:
        source = msgspec.json.decode(path.read_bytes(), type=_Source)
    except (msgspec.DecodeError, msgspec.ValidationError) as exc:
        raise InputError.at(path, f"not an annotation source: {exc}") from None
    except OSError as exc:
        raise InputError.at(path, f"cannot read file: {exc.strerror}") from None
    text_path = Path(texts_dir) / source.text_file
    try:
        text = text_path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError.at(text_path, f"cannot read text as UTF-8: {exc}") from None
    compiler = _Compiler(source, text, str(path))
    doc = compiler.compile()
    if compiler.issues or doc is None:
        raise InputError(compiler.issues or [Issue(Location(str(path)), "could not compile")])
    log = IssueLog()
    check_document(doc, labels or load_labels(), Checker(str(path), 0, labels or load_labels(), log))
    log.raise_if_any()
    return doc


def compile_splits(data_dir: str | Path, labels: LabelSet | None = None) -> dict[str, list[Document]]:
    """Compile every document named in ``<data_dir>/splits.json``, split by split.

    Sources are ``annotations/<id>.json``, texts are in ``texts/``. Raises ``InputError``
    with the problems of every document that fails.
    """
    data_dir = Path(data_dir)
    splits_path = data_dir / "splits.json"
    try:
        splits = msgspec.json.decode(splits_path.read_bytes(), type=dict[str, list[str]])
    except (OSError, msgspec.DecodeError, msgspec.ValidationError) as exc:
        raise InputError.at(splits_path, f"cannot read splits: {exc}") from None
    labels = labels or load_labels()
    compiled: dict[str, list[Document]] = {}
    issues: list[Issue] = []
    for split, ids in splits.items():
        compiled[split] = []
        for doc_id in ids:
            try:
                doc = compile_source(data_dir / "annotations" / f"{doc_id}.json", data_dir / "texts", labels)
            except InputError as exc:
                issues.extend(exc.issues)
                continue
            if doc.id != doc_id:
                issues.append(Issue(Location(str(splits_path)), f"{doc_id}: its source declares id {doc.id!r}"))
            compiled[split].append(doc)
    if issues:
        raise InputError(issues)
    return compiled
