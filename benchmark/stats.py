"""Descriptive counts of a corpus: per layer, per event type, entity type, factuality, polarity."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from benchmark.labels import LabelSet
from benchmark.model import Document


def corpus_stats(documents: Iterable[Document], labels: LabelSet) -> dict[str, object]:
    """Counts for one set of documents; every label of the label set is listed, zeros included."""
    layers: Counter[str] = Counter()
    event_types: Counter[str] = Counter({name: 0 for name in labels.event_types})
    entity_types: Counter[str] = Counter({name: 0 for name in labels.entity_types})
    factuality: Counter[str] = Counter({name: 0 for name in labels.factuality})
    polarity: Counter[str] = Counter({name: 0 for name in labels.polarities})
    roles: Counter[str] = Counter({name: 0 for name in labels.roles})
    for doc in documents:
        layers["documents"] += 1
        layers["paragraphs"] += len(doc.paragraphs)
        layers["sentences"] += len(doc.sentences)
        layers["tokens"] += len(doc.text.split())
        layers["entities"] += len(doc.entities)
        layers["entity_mentions"] += sum(len(e.mentions) for e in doc.entities)
        layers["events"] += len(doc.events)
        layers["arguments"] += sum(len(v.arguments) for v in doc.events)
        layers["event_coref_clusters"] += len({v.coref for v in doc.events if v.coref is not None})
        layers["stances"] += len(doc.stances)
        layers["stances_toward_events"] += sum(1 for s in doc.stances if s.target.event is not None)
        entity_types.update(e.type for e in doc.entities)
        event_types.update(v.type for v in doc.events)
        factuality.update(v.factuality for v in doc.events)
        roles.update(a.role for v in doc.events for a in v.arguments)
        polarity.update(s.polarity for s in doc.stances)
    order = ["documents", "paragraphs", "sentences", "tokens", "entities", "entity_mentions", "events",
             "arguments", "event_coref_clusters", "stances", "stances_toward_events"]
    return {
        "layers": {name: layers[name] for name in order},
        "event_types": dict(event_types),
        "roles": dict(roles),
        "entity_types": dict(entity_types),
        "factuality": dict(factuality),
        "polarity": dict(polarity),
    }
