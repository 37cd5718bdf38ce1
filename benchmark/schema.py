"""JSON Schema (draft 2020-12) of gold documents and predictions, generated from the data model.

The structure comes from ``benchmark.model`` through ``msgspec.json.schema`` (so it is never
written twice); the label set adds ``enum``s for event types, modes, roles, entity types,
factuality and polarity, which is what constrained decoding needs. Offsets, references and
modes-per-type are beyond JSON Schema: ``evbench validate`` checks them.
"""

from __future__ import annotations

from typing import Any

import msgspec

from benchmark.labels import LabelSet, load_labels
from benchmark.model import Document, Prediction

DRAFT = "https://json-schema.org/draft/2020-12/schema"
KINDS = {"gold": Document, "predictions": Prediction}


def json_schema(kind: str = "gold", labels: LabelSet | None = None) -> dict[str, Any]:
    """The schema of one JSON Lines record of the given kind ("gold" or "predictions")."""
    labels = labels or load_labels()
    schema = msgspec.json.schema(KINDS[kind])
    schema = {"$schema": DRAFT, "$id": f"https://evbench.invalid/schema/{kind}-{labels.name}-{labels.version}.json",
              "title": f"evbench {kind} record (data format {labels.format_version}, labels {labels.name} {labels.version})",
              **schema}
    modes = sorted({mode for spec in labels.event_types.values() for mode in spec.modes})
    enums = {
        ("Event", "type"): list(labels.event_types), ("PredEvent", "type"): list(labels.event_types),
        ("Event", "factuality"): list(labels.factuality), ("PredEvent", "factuality"): list(labels.factuality),
        ("Argument", "role"): list(labels.roles), ("PredArgument", "role"): list(labels.roles),
        ("Entity", "type"): list(labels.entity_types), ("PredEntity", "type"): list(labels.entity_types),
        ("Stance", "polarity"): list(labels.polarities), ("PredStance", "polarity"): list(labels.polarities),
    }
    definitions = schema["$defs"]
    for (record, field), values in enums.items():
        if record in definitions:
            definitions[record]["properties"][field] = {"enum": values}
    for record in ("Event", "PredEvent"):
        if record in definitions:
            definitions[record]["properties"]["mode"] = {"anyOf": [{"enum": modes}, {"type": "null"}], "default": None}
    return schema
