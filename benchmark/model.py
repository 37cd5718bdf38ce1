"""The evbench data model (docs/FORMAT.md, version 1) as frozen, typed records.

Offsets are Unicode code points into ``Document.text`` (Python ``str`` indexing), half-open
``[start, end)``. Gold records (``Document`` and what it holds) have every field FORMAT.md
requires; prediction records (``Pred*``) are the looser shapes a system may emit: spans
given by text only, arguments without entity ids, optional evidence, ``sentence`` hints.
Labels are plain strings here; the label set is data (``benchmark.labels``) and is checked
by ``benchmark.validate``. Unknown fields are rejected so that a typo never silently drops
a layer.
"""

from __future__ import annotations

from typing import Any

import msgspec


class _Record(msgspec.Struct, frozen=True, forbid_unknown_fields=True, omit_defaults=True):
    """Common configuration of every record."""


class Span(_Record):
    """A gold span: ``text == document.text[start:end]``."""

    start: int
    end: int
    text: str


class Entity(_Record):
    """An actor, place or time with all its mentions (one coreference cluster)."""

    id: str
    type: str
    mentions: tuple[Span, ...]
    name: str | None = None


class Argument(_Record):
    """A participant of an event: a role filled by one mention of an annotated entity."""

    role: str
    entity: str
    span: Span


class Event(_Record):
    """One event mention: trigger, type, optional mode, factuality, arguments."""

    id: str
    type: str
    trigger: Span
    factuality: str
    arguments: tuple[Argument, ...]
    mode: str | None = None
    coref: str | None = None


class EntityRef(_Record):
    """A stance holder or entity target: an entity id and the mention that expresses it."""

    entity: str
    span: Span


class StanceTarget(_Record):
    """A stance target: an entity (``entity`` + ``span``) or an event (``event``), not both."""

    entity: str | None = None
    span: Span | None = None
    event: str | None = None


class Stance(_Record):
    """A holder's position (favor, against, neutral) toward an entity or an event."""

    id: str
    holder: EntityRef
    target: StanceTarget
    polarity: str
    evidence: tuple[Span, ...]


class Document(_Record):
    """A gold document: text, segmentation and the three annotation layers."""

    id: str
    text: str
    meta: dict[str, Any]
    paragraphs: tuple[Span, ...]
    sentences: tuple[Span, ...]
    entities: tuple[Entity, ...]
    events: tuple[Event, ...]
    stances: tuple[Stance, ...]


# --- predictions ---------------------------------------------------------------------------


class PredSpan(_Record):
    """A predicted span: offsets (``text`` optional) or ``text`` alone (aligned by the scorer)."""

    start: int | None = None
    end: int | None = None
    text: str | None = None

    @property
    def has_offsets(self) -> bool:
        return self.start is not None and self.end is not None


class PredEntity(_Record):
    """A predicted entity cluster (only used for the entity metrics)."""

    id: str
    type: str
    mentions: tuple[PredSpan, ...]
    name: str | None = None


class PredArgument(_Record):
    """A predicted argument: role and span; ``entity`` is accepted and ignored."""

    role: str
    span: PredSpan
    entity: str | None = None


class PredEvent(_Record):
    """A predicted event mention; ``sentence`` optionally says which gold sentence it is in."""

    id: str
    type: str
    trigger: PredSpan
    factuality: str
    arguments: tuple[PredArgument, ...] = ()
    mode: str | None = None
    coref: str | None = None
    sentence: int | None = None


class PredHolder(_Record):
    """A predicted stance holder: its span (``entity`` is ignored)."""

    span: PredSpan
    entity: str | None = None


class PredStanceTarget(_Record):
    """A predicted stance target: a ``span`` (entity target) or an ``event`` id, not both."""

    span: PredSpan | None = None
    event: str | None = None
    entity: str | None = None


class PredStance(_Record):
    """A predicted stance."""

    id: str
    holder: PredHolder
    target: PredStanceTarget
    polarity: str
    evidence: tuple[PredSpan, ...] = ()
    sentence: int | None = None


class Prediction(_Record):
    """A system's output for one gold document, keyed by the document ``id``.

    ``entities`` is ``None`` when the system predicts no entity layer (entity metrics are
    then not computed); ``text``, if given, must equal the gold text.
    """

    id: str
    events: tuple[PredEvent, ...] = ()
    stances: tuple[PredStance, ...] = ()
    entities: tuple[PredEntity, ...] | None = None
    text: str | None = None
    paragraphs: tuple[PredSpan, ...] | None = None
    sentences: tuple[PredSpan, ...] | None = None
    meta: dict[str, Any] | None = None
