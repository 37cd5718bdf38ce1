"""The metric registry: canonical names (part of the public contract), aliases, definitions.

A metric here is a declaration; what it counts is in ``benchmark.units`` and when two
items agree in ``benchmark.match``. Adding a metric = one entry here + its item builders
in ``units`` + its tests. ``docs/metrics.md`` gives the full definitions with examples.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from benchmark.errors import UsageError


@dataclass(frozen=True)
class MetricSpec:
    """A metric's name, aliases, layer, what its per-label breakdown is over, and a one-line definition."""

    name: str
    layer: str
    breakdown: str
    description: str
    aliases: tuple[str, ...] = ()
    derived: bool = False  # computed from other metrics' counts, not from items of its own


_SPECS = (
    MetricSpec("ENT-I", "entities", "", "entity mention span identified"),
    MetricSpec("ENT-C", "entities", "entity type", "entity mention span and entity type"),
    MetricSpec("TI", "triggers", "", "trigger span identified", ("trigger_id", "Tri-I")),
    MetricSpec("TC", "triggers", "event type", "trigger span and event type", ("trigger_cls", "Tri-C")),
    MetricSpec("AI", "arguments", "event type", "argument span with its event's type", ("argument_id", "Arg-I")),
    MetricSpec("AC", "arguments", "role", "argument span, its event's type and its role", ("argument_cls", "Arg-C")),
    MetricSpec("AI+", "arguments", "event type", "AI and the argument's trigger span", ("argument_attached_id", "Arg-I+")),
    MetricSpec("AC+", "arguments", "role", "AC and the argument's trigger span", ("argument_attached_cls", "Arg-C+")),
    MetricSpec("TUPLE", "tuples", "event type", "(event type, actor entities, recipient entities) per event mention"),
    MetricSpec("MODE", "attributes", "mode", "mode accuracy (micro) and macro-F1 on TC-matched events"),
    MetricSpec("FACT", "attributes", "factuality", "factuality accuracy (micro) and macro-F1 on TC-matched events"),
    MetricSpec("ST", "stances", "polarity", "(holder, target, polarity) stance tuples"),
    MetricSpec("ST-ID", "stances", "", "(holder, target) stance pairs, polarity ignored"),
    MetricSpec("F_avg", "stances", "", "mean of ST's F1(favor) and F1(against) (SemEval-2016 Task 6)", derived=True),
)

METRICS: dict[str, MetricSpec] = {}
_NAMES: dict[str, str] = {}
for _spec in _SPECS:
    if _spec.name in METRICS:
        raise RuntimeError(f"metric {_spec.name} registered twice")
    METRICS[_spec.name] = _spec
    for _name in (_spec.name, *_spec.aliases):
        if _name.lower() in _NAMES:
            raise RuntimeError(f"metric name {_name} registered twice")
        _NAMES[_name.lower()] = _spec.name

COUNTED = tuple(name for name, spec in METRICS.items() if not spec.derived)
KEY_METRICS = ("TC", "AC+", "TUPLE", "FACT", "ST", "F_avg")
F_AVG_POLARITIES = ("favor", "against")


def canonical(name: str) -> str:
    """The canonical name of a metric given by name or alias (case-insensitive).

    >>> canonical("argument_attached_cls")
    'AC+'
    """
    found = _NAMES.get(name.strip().lower())
    if found is None:
        hint = difflib.get_close_matches(name.strip().lower(), list(_NAMES), n=3)
        suggestion = f"; did you mean {', '.join(_NAMES[h] for h in hint)}?" if hint else ""
        raise UsageError(f"unknown metric {name!r}{suggestion} (known: {', '.join(METRICS)})")
    return found


def parse_metrics(text: str) -> tuple[str, ...]:
    """A comma-separated list of metric names -> canonical names, order kept, duplicates removed."""
    names = [canonical(part) for part in text.split(",") if part.strip()]
    if not names:
        raise UsageError("no metric named")
    return tuple(dict.fromkeys(names))
