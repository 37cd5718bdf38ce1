"""Label sets as data: event types (quad class, modes), roles, entity types, factuality, polarity.

The default is the PLOVER-based set of docs/FORMAT.md (``labelsets/plover-v1.json`` in the
package). Another dataset may bring its own file of the same shape (``--labels FILE``).
Nothing else in evbench hard-codes a label list.
"""

from __future__ import annotations

import hashlib
from importlib import resources
from pathlib import Path

import msgspec

from benchmark.errors import InputError, Issue, Location

DEFAULT_LABELSET = "plover-v1.json"


class EventTypeSpec(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """What the label set says about one event type."""

    quad: str
    modes: tuple[str, ...] = ()


class LabelSet(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """Every label a valid file may use, plus the format version it belongs to."""

    name: str
    version: str
    format_version: int
    event_types: dict[str, EventTypeSpec]
    roles: tuple[str, ...]
    entity_types: dict[str, str]
    factuality: tuple[str, ...]
    polarities: tuple[str, ...]
    description: str = ""

    @property
    def digest(self) -> str:
        """First 8 hex digits of the SHA-256 of the canonical JSON of this label set."""
        canonical = msgspec.json.encode(msgspec.to_builtins(self), order="sorted")
        return hashlib.sha256(canonical).hexdigest()[:8]

    def modes_of(self, event_type: str) -> tuple[str, ...]:
        return self.event_types[event_type].modes


def load_labels(path: str | Path | None = None) -> LabelSet:
    """Read a label-set file; ``None`` gives the default PLOVER v1 set.

    Raises:
        InputError: the file is unreadable, not JSON, or not a label set.
    """
    if path is None:
        data = resources.files("benchmark.labelsets").joinpath(DEFAULT_LABELSET).read_bytes()
        source = f"<package>/labelsets/{DEFAULT_LABELSET}"
        labels = msgspec.json.decode(data, type=LabelSet)
    else:
        from benchmark.validate import decode_json_file  # validate imports this module

        source = str(path)
        labels, _ = decode_json_file(path, LabelSet, "label set")
    problems = _problems(labels)
    if problems:
        raise InputError([Issue(Location(source, 0, field), message) for field, message in problems])
    return labels


def _problems(labels: LabelSet) -> list[tuple[str, str]]:
    """What makes a decoded label set unusable, as (field, message) pairs."""
    from benchmark.version import FORMAT_VERSION

    problems = []
    if labels.format_version != FORMAT_VERSION:
        problems.append(("format_version", f"{labels.format_version} is not this evbench's data format ({FORMAT_VERSION})"))
    for field, value in (("name", labels.name), ("version", labels.version)):
        if not value or not value.isprintable() or any(ch in value for ch in "|: "):
            problems.append((field, f"{value!r} must be non-empty, printable, without '|', ':' or spaces (it goes in signatures)"))
    lists = {"event_types": list(labels.event_types), "roles": list(labels.roles),
             "entity_types": list(labels.entity_types), "factuality": list(labels.factuality),
             "polarities": list(labels.polarities)}
    lists |= {f"event_types.{t}.modes": list(spec.modes) for t, spec in labels.event_types.items()}
    for field, values in lists.items():
        if not values and not field.endswith(".modes"):
            problems.append((field, "must not be empty"))
        if len(set(values)) != len(values):
            problems.append((field, "has duplicates"))
        if any(not v or not v.strip() or not v.isprintable() for v in values):
            problems.append((field, "has an empty or unprintable label"))
    return problems
