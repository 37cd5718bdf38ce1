"""Per-document diagnosis for error analysis: which gold and predicted events and stances
matched, which were missed or spurious, and how matched events' arguments differ.

Uses the scorer's own items and alignment (``benchmark.units``, ``benchmark.match``), so
what the report shows is exactly what the numbers count.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from benchmark import units
from benchmark.match import align
from benchmark.model import Document, Prediction
from benchmark.scorer import ScoringOptions
from benchmark.textalign import resolve_prediction

MATCHED, WRONG_TYPE, MISSED, SPURIOUS = "matched", "wrong-type", "missed", "spurious"


@dataclass(frozen=True)
class EventView:
    """One event as the report shows it."""

    status: str
    start: int | None
    end: int | None
    text: str
    gold_type: str | None
    pred_type: str | None
    gold_factuality: str | None
    pred_factuality: str | None
    args_matched: tuple[str, ...] = ()
    args_missed: tuple[str, ...] = ()
    args_spurious: tuple[str, ...] = ()


@dataclass(frozen=True)
class StanceView:
    status: str
    holder: str
    target: str
    polarity: str


@dataclass
class Diagnosis:
    doc_id: str
    events: list[EventView] = field(default_factory=list)
    stances: list[StanceView] = field(default_factory=list)


def _arg_labels(arguments) -> list[str]:
    return [f"{a.role}: {a.span.text if a.span.text is not None else '?'}" for a in arguments]


def _arg_keys(arguments) -> list[tuple]:
    return [(a.role, units.span_key(a.span)) for a in arguments]


def diagnose(gold: Document, pred: Prediction | None, options: ScoringOptions | None = None) -> Diagnosis:
    """Match statuses of one document's events (by trigger) and stances."""
    options = options or ScoringOptions()
    pred = pred if pred is not None else Prediction(id=gold.id)
    pred, _ = resolve_prediction(pred, gold)
    result = Diagnosis(gold.id)
    ti = align(units.gold_trigger_items(gold, False), units.pred_trigger_items(pred, False), options.span)
    tc = align(units.gold_trigger_items(gold, True), units.pred_trigger_items(pred, True), options.span)
    tc_pairs = dict(tc.pairs)
    paired_gold = set(tc_pairs)
    paired_pred = set(tc_pairs.values())
    wrong_type = {g: p for g, p in ti.pairs if g not in paired_gold and p not in paired_pred}
    for g, event in enumerate(gold.events):
        p = tc_pairs.get(g, wrong_type.get(g))
        other = pred.events[p] if p is not None else None
        status = MATCHED if g in tc_pairs else WRONG_TYPE if g in wrong_type else MISSED
        if other is None:
            result.events.append(EventView(status, event.trigger.start, event.trigger.end, event.trigger.text, event.type,
                                           None, event.factuality, None, (), tuple(_arg_labels(event.arguments)), ()))
            continue
        gold_keys, pred_keys = _arg_keys(event.arguments), _arg_keys(other.arguments)
        matched = [lab for lab, key in zip(_arg_labels(event.arguments), gold_keys) if key in pred_keys]
        missed = [lab for lab, key in zip(_arg_labels(event.arguments), gold_keys) if key not in pred_keys]
        spurious = [lab for lab, key in zip(_arg_labels(other.arguments), pred_keys) if key not in gold_keys]
        result.events.append(EventView(status, event.trigger.start, event.trigger.end, event.trigger.text, event.type,
                                       other.type, event.factuality, other.factuality, tuple(matched), tuple(missed),
                                       tuple(spurious)))
    used = paired_pred | set(wrong_type.values())
    for p, event in enumerate(pred.events):
        if p not in used:
            result.events.append(EventView(SPURIOUS, event.trigger.start, event.trigger.end, event.trigger.text or "", None,
                                           event.type, None, event.factuality, (), (), tuple(_arg_labels(event.arguments))))
    gold_event_of = {pred.events[p].id: gold.events[g].id for g, p in tc.pairs}
    gold_items = units.gold_stance_items(gold, True, options.args == "coref")
    pred_items = units.pred_stance_items(pred, True, gold_event_of)
    stance_alignment = align(gold_items, pred_items, options.span)
    events_by_id = {e.id: e for e in gold.events}
    pred_events_by_id = {e.id: e for e in pred.events}

    def gold_target(stance) -> str:
        if stance.target.event is not None:
            e = events_by_id[stance.target.event]
            return f"event {e.type} “{e.trigger.text}”"
        return stance.target.span.text

    def pred_target(stance) -> str:
        if stance.target.event is not None:
            e = pred_events_by_id.get(stance.target.event)
            return f"event {e.type} “{e.trigger.text or ''}”" if e else f"event {stance.target.event}"
        return stance.target.span.text or ""

    for g, _ in stance_alignment.pairs:
        s = gold.stances[g]
        result.stances.append(StanceView(MATCHED, s.holder.span.text, gold_target(s), s.polarity))
    for g in stance_alignment.missed:
        s = gold.stances[g]
        result.stances.append(StanceView(MISSED, s.holder.span.text, gold_target(s), s.polarity))
    for p in stance_alignment.spurious:
        s = pred.stances[p]
        result.stances.append(StanceView(SPURIOUS, s.holder.span.text or "", pred_target(s), s.polarity))
    return result
