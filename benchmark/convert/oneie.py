"""OneIE / TextEE-style JSON Lines <-> evbench.

A OneIE record is one window (sentence) of a document: ``tokens``, ``entity_mentions``
(``id``, token ``start``/``end``, ``text``, optional ``entity_type``), ``event_mentions``
(``event_type``, ``trigger`` with token offsets, ``arguments`` pointing at entity ids).

* **OneIE -> evbench**: the windows of one ``doc_id`` become one document whose text is the
  windows' ``sentence`` strings (else the tokens joined by spaces) separated by blank lines;
  each window is a paragraph and a sentence. Token offsets become character offsets by
  locating each token in the text. Each entity mention is its own entity (OneIE has no
  clusters), mentions with the same offsets are merged, a missing ``entity_type`` becomes
  ``ENTITY``, and factuality is ``asserted`` (OneIE has none).
* **evbench -> OneIE**: each sentence becomes a window tokenised by ``\\w+|[^\\w\\s]``. A span
  that does not fall on token boundaries is widened to the tokens it touches and listed
  in the result's ``lossy`` count; an argument outside its trigger's sentence cannot be
  expressed in a window and is counted in ``cross_window_arguments``. evbench-only information (stances, factuality, modes,
  coreference, entity clusters, meta, the exact text) is kept under an ``evbench`` key of
  the window records, which OneIE tools ignore; reading it back restores the document
  exactly, once the windows are checked to say what the document says (edited windows are refused).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import msgspec

from benchmark.convert.common import DEFAULT_ENTITY_TYPE, TypeMapping, mapped, token_offsets
from benchmark.errors import InputError
from benchmark.model import Argument, Document, Entity, Event, Span

TOKEN = re.compile(r"\w+|[^\w\s]")


class _Mention(msgspec.Struct):
    id: str
    start: int
    end: int
    text: str = ""
    entity_type: str | None = None


class _Trigger(msgspec.Struct):
    start: int
    end: int
    text: str = ""
    offset_start: int | None = None  # character offsets, written by TextEE's demo output
    offset_end: int | None = None


class _Arg(msgspec.Struct):
    role: str
    entity_id: str | None = None
    start: int | None = None  # TextEE predictions give token offsets instead of entity ids
    end: int | None = None
    text: str = ""
    offset_start: int | None = None
    offset_end: int | None = None


class _EventMention(msgspec.Struct):
    event_type: str
    trigger: _Trigger
    arguments: list[_Arg] = []
    id: str | None = None


class OneIERecord(msgspec.Struct):
    doc_id: str
    tokens: list[str]
    wnd_id: str | None = None
    sentence: str | None = None
    text: str | None = None
    entity_mentions: list[_Mention] = []
    event_mentions: list[_EventMention] = []
    evbench: dict[str, Any] | None = None


def read_records(path) -> Iterator[tuple[int, OneIERecord]]:
    """(line number, record) of a OneIE JSON Lines file; malformed lines raise ``InputError``."""
    from benchmark.jsonl import read_lines
    from benchmark.validate import decode_line

    for number, line in read_lines(path):
        yield number, decode_line(str(path), number, line, OneIERecord)


@dataclass
class _DocBuilder:
    doc_id: str
    text: str = ""
    windows: list[tuple[int, int]] | None = None

    def __post_init__(self) -> None:
        self.windows = []
        self.entities: dict[tuple[int, int], Entity] = {}
        self.entity_of_id: dict[str, tuple[int, int]] = {}
        self.events: list[Event] = []


def _span(text: str, start: int, end: int) -> Span:
    return Span(start, end, text[start:end])


def to_documents(records: Iterable[tuple[int, OneIERecord]], path: str, mapping: TypeMapping | None = None,
                 dropped: dict[str, int] | None = None) -> list[Document]:
    """evbench gold documents from OneIE windows (see the module docstring)."""
    builders: dict[str, _DocBuilder] = {}
    restored: dict[str, Document] = {}
    windows: dict[str, list[OneIERecord]] = {}  # of restored documents, to check them against
    for number, record in records:
        where = f"{path}:{number}"
        windows.setdefault(record.doc_id, []).append(record)
        if record.evbench is not None and "document" in record.evbench:
            try:
                restored[record.doc_id] = msgspec.convert(record.evbench["document"], Document)
            except msgspec.ValidationError as exc:
                raise InputError.at(path, f"not an evbench document: {exc}", number, "evbench.document") from None
            continue
        if record.doc_id in restored:
            continue
        builder = builders.setdefault(record.doc_id, _DocBuilder(record.doc_id))
        window_text = record.sentence if record.sentence is not None else " ".join(record.tokens)
        base = len(builder.text) + (2 if builder.text else 0)
        builder.text = f"{builder.text}\n\n{window_text}" if builder.text else window_text
        offsets = token_offsets(builder.text, record.tokens, where, base)
        builder.windows.append((base, base + len(window_text)))

        def chars(start: int, end: int, field: str) -> tuple[int, int]:
            if not 0 <= start < end <= len(offsets):
                raise InputError.at(path, f"token offsets [{start}, {end}) out of range ({len(offsets)} tokens)",
                                    number, field)
            return offsets[start][0], offsets[end - 1][1]

        for i, mention in enumerate(record.entity_mentions):
            key = chars(mention.start, mention.end, f"entity_mentions[{i}]")
            builder.entity_of_id[mention.id] = key
            builder.entities.setdefault(key, Entity(
                id=mention.id, type=mention.entity_type or DEFAULT_ENTITY_TYPE,
                mentions=(_span(builder.text, *key),), name=builder.text[key[0]:key[1]]))
        for i, event in enumerate(record.event_mentions):
            event_type = mapped(event.event_type, mapping and mapping.event_types, dropped)
            if event_type is None:
                continue
            trigger = chars(event.trigger.start, event.trigger.end, f"event_mentions[{i}].trigger")
            arguments = []
            for j, arg in enumerate(event.arguments):
                role = mapped(arg.role, mapping and mapping.roles, dropped, "role ")
                if role is None:
                    continue
                key = builder.entity_of_id.get(arg.entity_id or "")
                if key is None:
                    raise InputError.at(path, f"argument refers to unknown entity {arg.entity_id!r}", number,
                                        f"event_mentions[{i}].arguments[{j}].entity_id")
                arguments.append(Argument(role=role, entity=builder.entities[key].id, span=_span(builder.text, *key)))
            builder.events.append(Event(
                id=event.id or f"{record.wnd_id or record.doc_id}-ev{i}", type=event_type,
                trigger=_span(builder.text, *trigger), factuality="asserted", arguments=tuple(arguments)))
    documents = []
    for doc_id in dict.fromkeys([*builders, *restored]):
        if doc_id in restored:
            _require_unedited(restored[doc_id], windows[doc_id], path)
            documents.append(restored[doc_id])
            continue
        b = builders[doc_id]
        windows = tuple(_span(b.text, s, e) for s, e in b.windows)
        entities = tuple(sorted(b.entities.values(), key=lambda e: (e.mentions[0].start, e.mentions[0].end)))
        documents.append(Document(id=doc_id, text=b.text, meta={"converted_from": "oneie"}, paragraphs=windows,
                                  sentences=windows, entities=entities, events=tuple(b.events), stances=()))
    return documents


def _require_unedited(doc: Document, records: list[OneIERecord], path: str) -> None:
    """A document restored from the ``evbench`` key must say what its windows say: edits made
    to the OneIE content after export would otherwise be lost without a word."""
    exported = [msgspec.convert(r, OneIERecord) for r in from_documents([doc], keep_evbench=False).records]

    def content(windows: list[OneIERecord]) -> list[tuple]:
        return [(w.tokens, w.entity_mentions, w.event_mentions) for w in windows]

    if content(exported) != content(records):
        raise InputError.at(path, f"document {doc.id!r}: the OneIE windows differ from the document under the "
                            "'evbench' key (edited after export?); drop that key to read the windows instead",
                            field="evbench")


@dataclass
class OneIEOutput:
    records: list[dict[str, Any]]
    lossy: int  # spans widened to token boundaries
    cross_window_arguments: int = 0  # arguments outside their trigger's sentence (OneIE windows are local)


def from_documents(documents: Iterable[Document], keep_evbench: bool = True) -> OneIEOutput:
    """OneIE windows (one per sentence) from evbench documents (see the module docstring)."""
    records, lossy, cross = [], 0, 0
    for doc in documents:
        for index, sentence in enumerate(doc.sentences):
            tokens = [(sentence.start + m.start(), sentence.start + m.end(), m.group())
                      for m in TOKEN.finditer(sentence.text)]

            def token_span(span: Span) -> tuple[int, int]:
                nonlocal lossy
                inside = [i for i, t in enumerate(tokens) if t[0] < span.end and span.start < t[1]]
                if tokens[inside[0]][0] != span.start or tokens[inside[-1]][1] != span.end:
                    lossy += 1
                return inside[0], inside[-1] + 1

            def here(span: Span) -> bool:
                return sentence.start <= span.start and span.end <= sentence.end

            mentions, mention_id = [], {}
            for entity in doc.entities:
                for m in entity.mentions:
                    if here(m):
                        start, end = token_span(m)
                        mention_id[(m.start, m.end)] = f"{entity.id}@{m.start}"
                        mentions.append({"id": mention_id[(m.start, m.end)], "start": start, "end": end,
                                         "text": m.text, "entity_type": entity.type})
            events = []
            for event in doc.events:
                if not here(event.trigger):
                    continue
                cross += sum((a.span.start, a.span.end) not in mention_id for a in event.arguments)
                start, end = token_span(event.trigger)
                events.append({"id": event.id, "event_type": event.type,
                               "trigger": {"start": start, "end": end, "text": event.trigger.text},
                               "arguments": [{"entity_id": mention_id[(a.span.start, a.span.end)], "role": a.role,
                                              "text": a.span.text}
                                             for a in event.arguments if (a.span.start, a.span.end) in mention_id]})
            record: dict[str, Any] = {"doc_id": doc.id, "wnd_id": f"{doc.id}-{index}", "sentence": sentence.text,
                                      "tokens": [t[2] for t in tokens], "entity_mentions": mentions,
                                      "event_mentions": events}
            if keep_evbench and index == 0:
                record["evbench"] = {"document": msgspec.to_builtins(doc)}
            records.append(record)
    return OneIEOutput(records, lossy, cross)
