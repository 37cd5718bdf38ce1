"""Shared pieces of the converters: token <-> character offsets, label-set derivation, type mappings."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from pathlib import Path

import msgspec

from benchmark.errors import InputError
from benchmark.labels import EventTypeSpec, LabelSet, load_labels
from benchmark.model import Document
from benchmark.validate import decode_json_file

DEFAULT_ENTITY_TYPE = "ENTITY"


def token_offsets(text: str, tokens: list[str], where: str, start: int = 0) -> list[tuple[int, int]]:
    """Character offsets of each token, found left to right in ``text`` (whitespace between tokens may vary).

    Raises:
        InputError: a token does not occur where expected (``where`` names the record).
    """
    offsets, cursor = [], start
    for i, token in enumerate(tokens):
        found = text.find(token, cursor)
        if found < 0 or text[cursor:found].strip():
            raise InputError.at(where, f"token {i} {token!r} not found in the text after offset {cursor}",
                                field=f"tokens[{i}]")
        offsets.append((found, found + len(token)))
        cursor = found + len(token)
    return offsets


def derive_labels(documents: Iterable[Document], name: str) -> LabelSet:
    """A label set holding exactly the labels used by ``documents`` (plus evbench's factuality and polarity)."""
    default = load_labels()
    event_types: dict[str, set[str]] = {}
    roles: set[str] = set()
    entity_types: set[str] = set()
    factuality: set[str] = set()
    for doc in documents:
        for entity in doc.entities:
            entity_types.add(entity.type)
        for event in doc.events:
            modes = event_types.setdefault(event.type, set())
            if event.mode:
                modes.add(event.mode)
            factuality.add(event.factuality)
            roles.update(a.role for a in event.arguments)
    return LabelSet(
        name=re.sub(r"[^A-Za-z0-9_.-]+", "-", name).strip("-") or "derived", version="derived", format_version=default.format_version,
        description=f"derived by evbench convert from the labels used in {name}",
        event_types={t: EventTypeSpec(quad="", modes=tuple(sorted(m))) for t, m in sorted(event_types.items())},
        roles=tuple(sorted(roles)), entity_types={t: "" for t in sorted(entity_types)},
        factuality=tuple(f for f in default.factuality if f in factuality) or ("asserted",),
        polarities=default.polarities,
    )


class TypeMapping(msgspec.Struct, forbid_unknown_fields=True):
    """Their labels -> ours: ``{"event_types": {"Conflict:Attack": "ASSAULT"}, "roles": {"Attacker": "actor"}}``.

    Event types absent from the mapping are dropped (and counted); roles absent from it are
    dropped with their arguments (and counted).
    """

    event_types: dict[str, str]
    roles: dict[str, str] = {}
    digest: str = ""

    @classmethod
    def read(cls, path: str | Path) -> "TypeMapping":
        mapping, data = decode_json_file(path, cls, "type mapping")
        return msgspec.structs.replace(mapping, digest=hashlib.sha256(data).hexdigest()[:8])


def mapped(value: str, table: dict[str, str] | None, dropped: dict[str, int] | None, what: str = "") -> str | None:
    """``value`` through a mapping table (identity without one); ``None`` and a count in ``dropped`` if unmapped."""
    if table is None:
        return value
    if value in table:
        return table[value]
    if dropped is not None:
        key = f"{what}{value}"
        dropped[key] = dropped.get(key, 0) + 1
    return None
