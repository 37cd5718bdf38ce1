"""BRAT standoff (``.txt`` + ``.ann``) <-> evbench gold documents. Mapping (docs/formats.md):

* entity mention -> ``T`` line typed with the entity type; an entity's mentions -> one
  ``*  Coref T.. T..`` equivalence line;
* event -> trigger ``T`` line typed with the event type and an ``E`` line
  ``TYPE:T.. role:T.. role2:T..`` (repeated roles numbered, as brat does);
* factuality and mode -> ``A`` lines ``Factuality E.. value`` / ``Mode E.. value``; brat's
  ``Negation`` attribute also reads as factuality ``negated``;
* event coreference -> ``#`` note ``coref=C..`` on the ``E``; stance -> ``R`` line
  ``Favor|Against|Neutral Arg1:T(holder) Arg2:T(entity)|E(event)`` with a ``#`` note
  ``evidence=start-end;...``;
* what brat cannot hold (document id and meta, segmentation, entity/event/stance ids and
  entity names) goes to a sidecar ``<name>.evbench.json``. With the sidecar, gold -> BRAT ->
  gold is the identity; without it, ids are brat's, names are first mentions, paragraphs
  and sentences are re-segmented, meta is empty, and a stance without an evidence note
  takes its holder's sentence as evidence.

Reading a foreign brat file: an argument that is itself an event (brat allows it, evbench
does not) and attributes other than Factuality/Mode/Negation are dropped and counted.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import msgspec

from benchmark import segment
from benchmark.errors import InputError
from benchmark.model import Argument, Document, Entity, EntityRef, Event, Span, Stance, StanceTarget

POLARITIES = {"favor": "Favor", "against": "Against", "neutral": "Neutral"}
_ROLE_NUMBER = re.compile(r"^(.*?)(\d+)$")


class _SidecarEntity(msgspec.Struct, forbid_unknown_fields=True):
    mentions: list[str]
    name: str | None = None


class Sidecar(msgspec.Struct, forbid_unknown_fields=True):
    """What BRAT cannot hold, kept beside the ``.ann`` file (``<name>.evbench.json``)."""

    id: str | None = None
    meta: dict[str, Any] = {}
    paragraphs: list[tuple[int, int]] = []
    sentences: list[tuple[int, int]] = []
    entities: dict[str, _SidecarEntity] = {}
    events: dict[str, str] = {}
    stances: dict[str, str] = {}


def file_name(doc_id: str) -> str:
    """A safe file name for a document id: never a path, never hidden.

    >>> file_name("../etc/passwd")
    'etc_passwd'
    """
    return _UNSAFE.sub("_", doc_id).strip("._") or "document"


_UNSAFE = re.compile(r"[^A-Za-z0-9_-]+")


def check_writable(doc: Document) -> list[str]:
    """Problems that stop a document from being written as BRAT (checked before anything is written)."""
    spans = [m for e in doc.entities for m in e.mentions] + [e.trigger for e in doc.events]
    return [f"{doc.id}: span [{s.start}, {s.end}) {s.text!r} crosses a line break, which BRAT text-bound "
            "annotations written by this converter cannot" for s in spans if "\n" in s.text]


def _line(text: str, start: int, end: int) -> str:
    if "\n" in text[start:end]:
        raise ValueError(f"span [{start}, {end}) crosses a line break, which this converter does not split")
    return f"{start} {end}\t{text[start:end]}"


def write_brat(doc: Document, out_dir: Path, name: str | None = None) -> tuple[Path, Path]:
    """Write ``<name>.txt``, ``<name>.ann`` and the ``<name>.evbench.json`` sidecar; return the first two."""
    from benchmark.jsonl import write_text_files

    name = name or file_name(doc.id)
    write_text_files(out_dir, brat_files(doc, name))
    return out_dir / f"{name}.txt", out_dir / f"{name}.ann"


def brat_files(doc: Document, name: str) -> dict[str, str]:
    """File name -> content: ``<name>.txt``, ``<name>.ann`` and the ``<name>.evbench.json`` sidecar."""
    lines: list[str] = []
    t_of: dict[tuple[int, int], str] = {}
    counter = {"T": 0, "E": 0, "A": 0, "R": 0, "#": 0}

    def new(kind: str) -> str:
        counter[kind] += 1
        return f"{kind}{counter[kind]}"

    entity_ts: dict[str, list[str]] = {}
    for entity in doc.entities:
        for m in entity.mentions:
            t = new("T")
            t_of[(m.start, m.end)] = t
            entity_ts.setdefault(entity.id, []).append(t)
            lines.append(f"{t}\t{entity.type} {_line(doc.text, m.start, m.end)}")
        if len(entity.mentions) > 1:
            lines.append("*\tCoref " + " ".join(entity_ts[entity.id]))
    e_of: dict[str, str] = {}
    for event in doc.events:
        trigger = new("T")
        lines.append(f"{trigger}\t{event.type} {_line(doc.text, event.trigger.start, event.trigger.end)}")
        e = e_of[event.id] = new("E")
        seen: dict[str, int] = {}
        args = []
        for a in event.arguments:
            seen[a.role] = seen.get(a.role, 0) + 1
            role = a.role if seen[a.role] == 1 else f"{a.role}{seen[a.role]}"
            args.append(f"{role}:{t_of[(a.span.start, a.span.end)]}")
        lines.append(f"{e}\t{event.type}:{trigger}" + "".join(f" {x}" for x in args))
        lines.append(f"{new('A')}\tFactuality {e} {event.factuality}")
        if event.mode:
            lines.append(f"{new('A')}\tMode {e} {event.mode}")
        if event.coref:
            lines.append(f"{new('#')}\tAnnotatorNotes {e}\tcoref={event.coref}")
    r_of: dict[str, str] = {}
    for stance in doc.stances:
        r = r_of[stance.id] = new("R")
        target = e_of[stance.target.event] if stance.target.event else t_of[(stance.target.span.start, stance.target.span.end)]
        lines.append(f"{r}\t{POLARITIES[stance.polarity]} Arg1:{t_of[(stance.holder.span.start, stance.holder.span.end)]} "
                     f"Arg2:{target}")
        evidence = ";".join(f"{s.start}-{s.end}" for s in stance.evidence)
        lines.append(f"{new('#')}\tAnnotatorNotes {r}\tevidence={evidence}")
    sidecar = {"id": doc.id, "meta": doc.meta,
               "paragraphs": [[s.start, s.end] for s in doc.paragraphs],
               "sentences": [[s.start, s.end] for s in doc.sentences],
               "entities": {e.id: {"name": e.name, "mentions": entity_ts[e.id]} for e in doc.entities},
               "events": e_of, "stances": r_of}
    return {f"{name}.txt": doc.text, f"{name}.ann": "\n".join(lines) + "\n",
            f"{name}.evbench.json": json.dumps(sidecar, ensure_ascii=False, indent=1) + "\n"}


def annotation_conf(labels) -> str:
    """An ``annotation.conf`` declaring a label set's types for brat."""
    roles = ", ".join(f"{r}*:<ENTITY>" for r in labels.roles)
    entity_types = list(labels.entity_types)
    events = "\n".join(f"{t}\t{roles}" for t in labels.event_types)
    modes = sorted({m for spec in labels.event_types.values() for m in spec.modes})
    relations = "\n".join(f"{p}\tArg1:<ENTITY>, Arg2:<ENTITY>|<EVENT>" for p in POLARITIES.values())
    return ("[entities]\n" + "\n".join(entity_types) + "\n\n[relations]\n" + relations +
            "\nCoref\tArg1:<ENTITY>, Arg2:<ENTITY>, <REL-TYPE>:symmetric-transitive\n\n[events]\n" + events +
            f"\n\n[attributes]\nFactuality\tArg:<EVENT>, Value:{'|'.join(labels.factuality)}\n"
            f"Mode\tArg:<EVENT>, Value:{'|'.join(modes)}\n")


@dataclass
class BratRead:
    document: Document
    dropped: dict[str, int] = field(default_factory=dict)


def read_brat(ann_path: Path, doc_id: str | None = None) -> BratRead:
    """Read ``X.ann`` with its ``X.txt`` (and ``X.evbench.json`` if present) into a gold document.

    Raises:
        InputError: missing ``.txt``, an unknown annotation line, offsets out of range, text
            that differs from the slice, or a reference to an undefined annotation.
    """
    txt_path = ann_path.with_suffix(".txt")
    if not txt_path.is_file():
        raise InputError.at(ann_path, f"no text file {txt_path.name} beside the annotation file")
    try:
        text = txt_path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError.at(txt_path, f"not UTF-8: {exc}") from None
    sidecar_path = ann_path.parent / f"{ann_path.stem}.evbench.json"
    sidecar = Sidecar()
    if sidecar_path.is_file():
        try:
            sidecar = msgspec.json.decode(sidecar_path.read_bytes(), type=Sidecar)
        except (msgspec.DecodeError, msgspec.ValidationError, UnicodeDecodeError) as exc:
            raise InputError.at(sidecar_path, f"not an evbench BRAT sidecar: {exc}") from None
    try:
        lines = ann_path.read_bytes().decode("utf-8").splitlines()
    except UnicodeDecodeError as exc:
        raise InputError.at(ann_path, f"not UTF-8: {exc}") from None
    except OSError as exc:
        raise InputError.at(ann_path, f"cannot read: {exc.strerror}") from None
    spans: dict[str, tuple[str, int, int]] = {}
    events_raw: list[tuple[int, str, str, list[tuple[str, str]]]] = []
    attributes: dict[str, dict[str, str]] = {}
    notes: dict[str, str] = {}
    relations: list[tuple[int, str, str, str, str]] = []
    coref_groups: list[list[str]] = []
    dropped: dict[str, int] = {}
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        ident, _, rest = raw.partition("\t")
        kind = ident[:1]
        if kind in "TERA" and not ident[1:].isdigit():
            raise InputError.at(ann_path, f"annotation id {ident!r} is not a letter and a number", number)
        if ident in spans or any(ident == e[1] for e in events_raw):
            raise InputError.at(ann_path, f"annotation id {ident} is defined twice", number)
        try:
            if kind == "T":
                info, _, surface = rest.partition("\t")
                label, _, offsets = info.partition(" ")
                fragments = [tuple(map(int, f.split())) for f in offsets.split(";")]
                start, end = fragments[0][0], fragments[-1][1]
                if not 0 <= start < end <= len(text):
                    raise InputError.at(ann_path, f"offsets [{start}, {end}) outside the text ({len(text)} chars)", number, ident)
                if len(fragments) == 1 and text[start:end] != surface:
                    raise InputError.at(ann_path, f"text {surface!r} differs from the .txt at [{start}, {end}): "
                                        f"{text[start:end]!r}", number, ident)
                spans[ident] = (label, start, end)
            elif kind == "E":
                head, *args = rest.split()
                event_type, trigger = head.split(":")
                pairs = [tuple(a.split(":")) for a in args]
                if any(len(pair) != 2 for pair in pairs):
                    raise ValueError("argument without role:id")
                events_raw.append((number, ident, f"{event_type}:{trigger}", pairs))  # type: ignore[misc]
            elif kind in ("A", "M"):
                name, target, *value = rest.split()
                attributes.setdefault(target, {})[name] = value[0] if value else "true"
            elif kind == "R":
                rel_type, arg1, arg2 = rest.split()[:3]
                relations.append((number, ident, rel_type, arg1.split(":", 1)[1], arg2.split(":", 1)[1]))
            elif kind == "*":
                _, *members = rest.split()
                coref_groups.append(members)
            elif kind == "#":
                info, _, note = rest.partition("\t")
                notes[info.split()[1]] = note
            elif kind == "N":
                dropped["normalization"] = dropped.get("normalization", 0) + 1
            else:
                raise InputError.at(ann_path, f"unknown annotation line {ident!r} (expected T, E, A, M, R, *, #, N)", number)
        except (ValueError, IndexError):
            raise InputError.at(ann_path, f"malformed {kind} line: {raw!r}", number) from None
    document = _assemble(text, spans, events_raw, attributes, notes, relations, coref_groups, sidecar,
                         doc_id or sidecar.id or ann_path.stem, ann_path, dropped)
    return BratRead(document, dropped)


def _assemble(text, spans, events_raw, attributes, notes, relations, coref_groups, sidecar, doc_id, path, dropped):
    triggers = {trigger for _, _, head, _ in events_raw for trigger in [head.split(":")[1]]}
    parent = {t: t for t in spans if t not in triggers}

    def find(t: str) -> str:
        while parent[t] != t:
            parent[t] = parent[parent[t]]
            t = parent[t]
        return t

    for group in coref_groups:
        for member in group[1:]:
            if member in parent and group[0] in parent:
                parent[find(member)] = find(group[0])
    clusters: dict[str, list[str]] = {}
    for t in parent:
        clusters.setdefault(find(t), []).append(t)
    named = {tuple(v.mentions): (k, v.name) for k, v in sidecar.entities.items()}
    entity_of_t: dict[str, str] = {}
    entities = []
    for members in clusters.values():
        members.sort(key=lambda t: (spans[t][1], spans[t][2]))
        key = tuple(sorted(members, key=lambda t: int(t[1:])))
        ident, name = named.get(key, (members[0], text[spans[members[0]][1]:spans[members[0]][2]]))
        for t in members:
            entity_of_t[t] = ident
        entities.append(Entity(id=ident, type=spans[members[0]][0], name=name,
                               mentions=tuple(Span(spans[t][1], spans[t][2], text[spans[t][1]:spans[t][2]]) for t in members)))
    entity_order = list(sidecar.entities)
    entities.sort(key=lambda e: entity_order.index(e.id) if e.id in sidecar.entities
                  else len(entity_order) + e.mentions[0].start)
    event_ids = {v: k for k, v in sidecar.events.items()}
    events, id_of_e = [], {}
    for number, ident, head, args in events_raw:
        event_type, trigger = head.split(":")
        if trigger not in spans:
            raise InputError.at(path, f"event trigger {trigger} is not defined", number, ident)
        arguments = []
        for role, target in args:
            match = _ROLE_NUMBER.match(role)
            role = match.group(1) if match and match.group(1) else role
            if target not in entity_of_t:
                if target.startswith("E"):
                    dropped["event-valued argument"] = dropped.get("event-valued argument", 0) + 1
                    continue
                raise InputError.at(path, f"argument {role}:{target} refers to an undefined annotation", number, ident)
            _, s, e = spans[target]
            arguments.append(Argument(role=role, entity=entity_of_t[target], span=Span(s, e, text[s:e])))
        attrs = attributes.get(ident, {})
        for name in attrs:
            if name not in ("Factuality", "Mode", "Negation"):
                dropped[f"attribute {name}"] = dropped.get(f"attribute {name}", 0) + 1
        factuality = attrs.get("Factuality") or ("negated" if "Negation" in attrs else "asserted")
        coref = next((n.split("=", 1)[1] for n in [notes.get(ident, "")] if n.startswith("coref=")), None)
        _, s, e = spans[trigger]
        id_of_e[ident] = event_ids.get(ident, ident)
        events.append(Event(id=id_of_e[ident], type=event_type, trigger=Span(s, e, text[s:e]), factuality=factuality,
                            arguments=tuple(arguments), mode=attrs.get("Mode"), coref=coref))
    paragraphs = [tuple(p) for p in sidecar.paragraphs] or segment.paragraphs(text)
    sentences = [tuple(p) for p in sidecar.sentences] or segment.sentences(text, paragraphs)
    stance_ids = {v: k for k, v in sidecar.stances.items()}
    stances = []
    for number, ident, rel_type, arg1, arg2 in relations:
        polarity = rel_type.lower()
        if polarity not in POLARITIES:
            dropped[f"relation {rel_type}"] = dropped.get(f"relation {rel_type}", 0) + 1
            continue
        if arg1 not in entity_of_t or (arg2 not in entity_of_t and arg2 not in id_of_e):
            raise InputError.at(path, f"stance {ident} refers to an undefined annotation", number, ident)
        _, hs, he = spans[arg1]
        if arg2 in id_of_e:
            target = StanceTarget(event=id_of_e[arg2])
        else:
            _, ts, te = spans[arg2]
            target = StanceTarget(entity=entity_of_t[arg2], span=Span(ts, te, text[ts:te]))
        note = notes.get(ident, "")
        if note.startswith("evidence="):
            try:
                evidence = [tuple(map(int, part.split("-"))) for part in note.split("=", 1)[1].split(";")]
                if any(len(e) != 2 or not 0 <= e[0] < e[1] <= len(text) for e in evidence):
                    raise ValueError
            except ValueError:
                raise InputError.at(path, f"stance {ident}: evidence note {note!r} is not start-end;start-end within "
                                    "the text", number, ident) from None
        else:
            evidence = [next(((s, e) for s, e in sentences if s <= hs < e), (hs, he))]
        stances.append(Stance(id=stance_ids.get(ident, ident), holder=EntityRef(entity=entity_of_t[arg1], span=Span(hs, he, text[hs:he])),
                              target=target, polarity=polarity, evidence=tuple(Span(s, e, text[s:e]) for s, e in evidence)))
    return Document(id=doc_id, text=text, meta=sidecar.meta,
                    paragraphs=tuple(Span(s, e, text[s:e]) for s, e in paragraphs),
                    sentences=tuple(Span(s, e, text[s:e]) for s, e in sentences),
                    entities=tuple(entities), events=tuple(events), stances=tuple(stances))
