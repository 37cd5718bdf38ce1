"""WHAT is counted: the scoring items of each metric, built from a gold document and a prediction.

Each builder returns ``Item``s (``benchmark.match``): the ``label`` is the part that must be
equal, the ``slots`` the parts matched by the span rule. Gold slots list alternatives:
under ``args="coref"`` an argument, holder or entity target accepts every mention of its
gold entity; under ``args="mention"`` only the annotated mention. A predicted span that
could not be resolved (text found nowhere) becomes a token that matches nothing.

| metric | label | slots | one item per |
|---|---|---|---|
| ENT-I | () | mention | entity mention |
| ENT-C | (entity type,) | mention | entity mention |
| TI | () | trigger | event mention |
| TC | (event type,) | trigger | event mention |
| AI | (event type,) | argument | argument |
| AC | (event type, role) | argument | argument |
| AI+ | (event type,) | trigger, argument | argument |
| AC+ | (event type, role) | trigger, argument | argument |
| TUPLE | (event type, actor entities, recipient entities) | — | event mention |
| ST | (polarity,) | holder, target | stance |
| ST-ID | () | holder, target | stance |
"""

from __future__ import annotations

from benchmark.match import Item
from benchmark.model import Document, Prediction, PredSpan, Span

NO_POSITION = -1


def span_key(span: Span | PredSpan) -> tuple[int, int] | str:
    """A span's match value: its offsets, or for an unresolved text-only span a token matching nothing."""
    if span.start is None or span.end is None:
        return f"unresolved:{span.text}"
    return (span.start, span.end)


def position(span: Span | PredSpan) -> int:
    return span.start if span.start is not None else NO_POSITION


# --- entities ------------------------------------------------------------------------------

def gold_entity_items(doc: Document, typed: bool) -> list[Item]:
    return [Item((e.type,) if typed else (), (((m.start, m.end),),), m.start, e.type if typed else "")
            for e in doc.entities for m in e.mentions]


def pred_entity_items(pred: Prediction, typed: bool) -> list[Item]:
    return [Item((e.type,) if typed else (), ((span_key(m),),), position(m), e.type if typed else "")
            for e in pred.entities or () for m in e.mentions]


# --- triggers ------------------------------------------------------------------------------

def gold_trigger_items(doc: Document, typed: bool) -> list[Item]:
    """Payload: (type, factuality, mode, id), so that among equal triggers the best-agreeing pairs match."""
    return [Item((v.type,) if typed else (), (((v.trigger.start, v.trigger.end),),), v.trigger.start,
                 v.type if typed else "", (v.type, v.factuality, v.mode or "", v.id)) for v in doc.events]


def pred_trigger_items(pred: Prediction, typed: bool) -> list[Item]:
    return [Item((v.type,) if typed else (), ((span_key(v.trigger),),), position(v.trigger),
                 v.type if typed else "", (v.type, v.factuality, v.mode or "", v.id)) for v in pred.events]


# --- arguments -----------------------------------------------------------------------------

def mention_alternatives(doc: Document, entity_id: str, span: Span, coref: bool) -> tuple:
    """What a gold argument/holder/target slot accepts: its mention, or every mention of its entity."""
    if coref:
        for entity in doc.entities:
            if entity.id == entity_id:
                return tuple((m.start, m.end) for m in entity.mentions)
    return ((span.start, span.end),)


def gold_argument_items(doc: Document, with_role: bool, attached: bool, coref: bool) -> list[Item]:
    items = []
    for v in doc.events:
        trigger = ((v.trigger.start, v.trigger.end),)
        for a in v.arguments:
            label = (v.type, a.role) if with_role else (v.type,)
            argument = mention_alternatives(doc, a.entity, a.span, coref)
            slots = (trigger, argument) if attached else (argument,)
            items.append(Item(label, slots, v.trigger.start, a.role if with_role else v.type))
    return items


def pred_argument_items(pred: Prediction, with_role: bool, attached: bool) -> list[Item]:
    items = []
    for v in pred.events:
        trigger = (span_key(v.trigger),)
        for a in v.arguments:
            label = (v.type, a.role) if with_role else (v.type,)
            argument = (span_key(a.span),)
            slots = (trigger, argument) if attached else (argument,)
            items.append(Item(label, slots, position(v.trigger), a.role if with_role else v.type))
    return items


# --- event tuples --------------------------------------------------------------------------

def gold_tuple_items(doc: Document) -> list[Item]:
    items = []
    for v in doc.events:
        actors = frozenset(a.entity for a in v.arguments if a.role == "actor")
        recipients = frozenset(a.entity for a in v.arguments if a.role == "recipient")
        items.append(Item((v.type, tuple(sorted(actors)), tuple(sorted(recipients))), (), v.trigger.start, v.type))
    return items


def entity_resolver(doc: Document, span_rule: str):
    """A function mapping a predicted span to the id of the gold entity it mentions (or a no-match token).

    Exact: the entity with a mention at the same offsets. Overlap: the entity whose mention
    overlaps it most (ties: the earliest mention).
    """
    exact = {(m.start, m.end): e.id for e in doc.entities for m in e.mentions}
    mentions = sorted(((m.start, m.end), e.id) for e in doc.entities for m in e.mentions)

    def resolve(span: PredSpan) -> str:
        key = span_key(span)
        if isinstance(key, str):
            return key
        if key in exact:
            return exact[key]
        if span_rule == "overlap":
            best, best_overlap = None, 0
            for (start, end), entity_id in mentions:
                overlap = min(end, key[1]) - max(start, key[0])
                if overlap > best_overlap:
                    best, best_overlap = entity_id, overlap
            if best is not None:
                return best
        return f"unmatched:{key[0]}-{key[1]}"

    return resolve


def pred_tuple_items(pred: Prediction, resolve) -> list[Item]:
    items = []
    for v in pred.events:
        actors = frozenset(resolve(a.span) for a in v.arguments if a.role == "actor")
        recipients = frozenset(resolve(a.span) for a in v.arguments if a.role == "recipient")
        items.append(Item((v.type, tuple(sorted(actors)), tuple(sorted(recipients))), (), position(v.trigger), v.type))
    return items


# --- stances -------------------------------------------------------------------------------

def event_token(event_id: str) -> str:
    return f"event:{event_id}"


def gold_stance_items(doc: Document, with_polarity: bool, coref: bool) -> list[Item]:
    clusters: dict[str, list[str]] = {}
    for v in doc.events:
        if v.coref is not None:
            clusters.setdefault(v.coref, []).append(v.id)
    coref_of = {v.id: v.coref for v in doc.events}
    items = []
    for s in doc.stances:
        holder = mention_alternatives(doc, s.holder.entity, s.holder.span, coref)
        if s.target.event is not None:
            mates = clusters.get(coref_of.get(s.target.event) or "", [s.target.event])
            target = tuple(event_token(i) for i in mates)
        else:
            target = mention_alternatives(doc, s.target.entity or "", s.target.span, coref)  # type: ignore[arg-type]
        label = (s.polarity,) if with_polarity else ()
        items.append(Item(label, (holder, target), s.holder.span.start, s.polarity if with_polarity else ""))
    return items


def pred_stance_items(pred: Prediction, with_polarity: bool, gold_event_of: dict[str, str]) -> list[Item]:
    """Predicted stances; an event target becomes the gold event its predicted event was aligned to (TC)."""
    items = []
    for s in pred.stances:
        if s.target.event is not None:
            gold_id = gold_event_of.get(s.target.event)
            target = event_token(gold_id) if gold_id is not None else f"unaligned-event:{s.target.event}"
        else:
            target = span_key(s.target.span)  # type: ignore[arg-type]
        label = (s.polarity,) if with_polarity else ()
        items.append(Item(label, ((span_key(s.holder.span),), (target,)), position(s.holder.span),
                          s.polarity if with_polarity else ""))
    return items
