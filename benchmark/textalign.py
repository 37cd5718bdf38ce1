"""Text-only predicted spans -> offsets, by normalised string (docs/FORMAT.md, "Text-only predictions").

Normalisation: Unicode NFKC applied to each base character together with its combining
marks (so composed and decomposed forms agree), case folding, typographic quotes,
apostrophes and dashes mapped to ASCII, and every run of whitespace collapsed to one space.

A text-only span is looked for in the sentence given by its record's ``sentence`` hint
(strictly for triggers; arguments, holders and targets fall back to the whole document),
else in the whole document. Among the occurrences:

* a **trigger** prefers one that is a gold trigger span, then one not yet taken by another
  predicted event *of the same type* (two events of different types may share a trigger,
  as in the gold), then the first in the text;
* an **argument** prefers a gold mention span, then the occurrence nearest its event's
  trigger, then the first; arguments are not one-to-one (one mention can fill roles in
  several events);
* a **holder or target** span prefers a gold span of its kind (a gold stance's holder, or
  entity target), then a gold mention, then the first; an **evidence** span prefers a gold
  evidence span, then the first;
* an **entity mention** prefers a gold mention not yet taken, then one not yet taken.

Events are resolved in an order given by their content (sentence hint, type, texts), not
by their order in the file, so reordering records never changes a score. A text found
nowhere stays unresolved: it can match nothing (a false positive) and it is reported.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

import msgspec

from benchmark.model import Document, Prediction, PredEvent, PredSpan

_ASCII = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "\u00b4": "'", "`": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"', "\u00ab": '"', "\u00bb": '"',
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-", "\u2212": "-",
})


def normalise(text: str) -> str:
    """The matching form of a string.

    >>> normalise("  The  “Kremlin’s”\\n– view ")
    'the "kremlin\\'s" - view'
    """
    return NormalisedText(text).text.strip(" ")


@dataclass
class NormalisedText:
    """A document's normalised form with, for every normalised character, its source offset."""

    source: str
    text: str = field(init=False)
    origin: list[int] = field(init=False)

    def __post_init__(self) -> None:
        chars: list[str] = []
        origin: list[int] = []
        previous_space = False
        source, i = self.source, 0
        while i < len(source):
            if source[i].isspace():
                if not previous_space:
                    chars.append(" ")
                    origin.append(i)
                previous_space = True
                i += 1
                continue
            previous_space = False
            end = i + 1
            while end < len(source) and unicodedata.combining(source[end]):
                end += 1
            for out in unicodedata.normalize("NFKC", source[i:end]).casefold().translate(_ASCII):
                chars.append(out)
                origin.append(i)
            if end - i > 1:  # a cluster's last normalised character maps to its last source character
                origin[-1] = end - 1
            i = end
        self.text = "".join(chars)
        self.origin = origin

    def find_all(self, needle: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
        """Source spans of every occurrence of ``needle`` (normalised) inside source ``[start, end)``."""
        target = normalise(needle)
        if not target:
            return []
        end = len(self.source) if end is None else end
        found = []
        position = self.text.find(target)
        while position >= 0:
            first, last = self.origin[position], self.origin[position + len(target) - 1]
            if start <= first and last < end:
                found.append((first, last + 1))
            position = self.text.find(target, position + 1)
        return found


def choose(
    occurrences: Iterable[tuple[int, int]],
    preferred: tuple[set[tuple[int, int]], ...],
    taken: set[tuple[int, int]] | None = None,
    anchor: int | None = None,
) -> tuple[int, int] | None:
    """The occurrence the module docstring's preference order picks (``preferred``: gold spans,
    most preferred set first), or ``None`` if there is none."""
    candidates = list(occurrences)
    if not candidates:
        return None
    taken = taken or set()

    def rank(span: tuple[int, int]) -> tuple:
        tier = next((i for i, spans in enumerate(preferred) if span in spans), len(preferred))
        distance = abs(span[0] - anchor) if anchor is not None else 0
        return (tier, span in taken, distance, span)

    return min(candidates, key=rank)


# --- resolving a prediction ----------------------------------------------------------------


@dataclass
class _Resolver:
    gold: Document
    norm: NormalisedText
    preferred: dict[str, tuple[set[tuple[int, int]], ...]]  # span kind -> gold spans it prefers, in order
    unresolved: list[str] = field(default_factory=list)

    def span(self, where: str, span: PredSpan, kind: str, sentence: int | None, anchor: int | None = None,
             strict: bool = False, taken: set[tuple[int, int]] | None = None) -> PredSpan:
        if span.has_offsets:
            return span
        text = span.text or ""
        occurrences: list[tuple[int, int]] = []
        if sentence is not None:
            bounds = self.gold.sentences[sentence]
            occurrences = self.norm.find_all(text, bounds.start, bounds.end)
        if not occurrences and (sentence is None or not strict):
            occurrences = self.norm.find_all(text)
        chosen = choose(occurrences, self.preferred[kind], taken, anchor)
        if chosen is None:
            self.unresolved.append(where)
            return span
        if taken is not None:
            taken.add(chosen)
        return PredSpan(chosen[0], chosen[1], self.gold.text[chosen[0] : chosen[1]])


def _content_key(event: PredEvent) -> tuple:
    """An order for events that depends on what they say, not on where they are in the file."""
    return (event.sentence if event.sentence is not None else -1, event.type, event.trigger.text or "",
            -1 if event.trigger.start is None else event.trigger.start, event.mode or "", event.factuality,
            tuple(sorted((a.role, a.span.text or "", -1 if a.span.start is None else a.span.start)
                         for a in event.arguments)), event.id)


def resolve_prediction(pred: Prediction, gold: Document) -> tuple[Prediction, list[str]]:
    """Offsets for every text-only span of ``pred`` that can be found; field paths of those that cannot.

    Spans that already have offsets are kept as they are, so resolving twice changes nothing.
    """
    if not _has_text_only_spans(pred):
        return pred, []
    mentions = {(m.start, m.end) for e in gold.entities for m in e.mentions}
    resolver = _Resolver(gold, NormalisedText(gold.text), {
        "trigger": ({(e.trigger.start, e.trigger.end) for e in gold.events},),
        "mention": (mentions,),
        "holder": ({(s.holder.span.start, s.holder.span.end) for s in gold.stances}, mentions),
        "target": ({(s.target.span.start, s.target.span.end) for s in gold.stances if s.target.span is not None},
                   mentions),
        "evidence": ({(s.start, s.end) for st in gold.stances for s in st.evidence},),
    })
    replace = msgspec.structs.replace
    taken_triggers: dict[str, set[tuple[int, int]]] = {}
    events: list[PredEvent | None] = [None] * len(pred.events)
    for i in sorted(range(len(pred.events)), key=lambda k: _content_key(pred.events[k])):
        event = pred.events[i]
        trigger = resolver.span(f"events[{i}].trigger", event.trigger, "trigger", event.sentence, strict=True,
                                taken=taken_triggers.setdefault(event.type, set()))
        arguments = tuple(
            replace(arg, span=resolver.span(f"events[{i}].arguments[{j}].span", arg.span, "mention", event.sentence,
                                            trigger.start))
            for j, arg in enumerate(event.arguments)
        )
        events[i] = replace(event, trigger=trigger, arguments=arguments)
    stances = []
    for i, stance in enumerate(pred.stances):
        holder = replace(stance.holder, span=resolver.span(f"stances[{i}].holder.span", stance.holder.span, "holder",
                                                           stance.sentence))
        target = stance.target
        if target.span is not None:
            target = replace(target, span=resolver.span(f"stances[{i}].target.span", target.span, "target",
                                                        stance.sentence))
        evidence = tuple(resolver.span(f"stances[{i}].evidence[{j}]", s, "evidence", stance.sentence)
                         for j, s in enumerate(stance.evidence))
        stances.append(replace(stance, holder=holder, target=target, evidence=evidence))
    entities = None
    if pred.entities is not None:
        taken_mentions: set[tuple[int, int]] = set()
        entities = tuple(
            replace(entity, mentions=tuple(
                resolver.span(f"entities[{i}].mentions[{j}]", m, "mention", None, taken=taken_mentions)
                for j, m in enumerate(entity.mentions)
            ))
            for i, entity in enumerate(pred.entities)
        )
    resolved = replace(pred, events=tuple(events), stances=tuple(stances), entities=entities)
    return resolved, sorted(resolver.unresolved)


def _has_text_only_spans(pred: Prediction) -> bool:
    for event in pred.events:
        if event.trigger.start is None or event.trigger.end is None:
            return True
        for argument in event.arguments:
            if argument.span.start is None or argument.span.end is None:
                return True
    spans = [s.holder.span for s in pred.stances] + [s.target.span for s in pred.stances if s.target.span is not None]
    spans += [span for s in pred.stances for span in s.evidence]
    spans += [m for e in pred.entities or () for m in e.mentions]
    return any(span.start is None or span.end is None for span in spans)


def align_file(pred_path, corpus, output_path) -> tuple[int, list[str]]:
    """Validate a prediction file, resolve its text-only spans, write the result atomically.

    Returns the number of documents and the ``doc_id: field.path`` of every unresolved span.
    """
    from benchmark.jsonl import write_jsonl
    from benchmark.validate import iter_predictions

    gold = corpus.by_id()
    unresolved: list[str] = []

    def resolved():
        for pred in iter_predictions(pred_path, gold, corpus.labels):
            aligned, missing = resolve_prediction(pred, gold[pred.id])
            unresolved.extend(f"{pred.id}: {where}" for where in missing)
            yield aligned

    count = write_jsonl(output_path, resolved())
    return count, unresolved
