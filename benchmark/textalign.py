"""Text-only predicted spans -> offsets, by normalised string (docs/FORMAT.md, "Text-only predictions").

Normalisation, character by character: Unicode NFKC, case folding, typographic quotes,
apostrophes and dashes mapped to ASCII, and every run of whitespace collapsed to one
space. A text-only span is looked for in the sentence given by the record's ``sentence``
hint, else in the whole document. Among its occurrences the resolver prefers (1) one that
is a gold span of the same kind (trigger, mention) not yet taken by another text-only
span, (2) any occurrence not yet taken, (3) the one nearest the anchor (for an argument,
its event's trigger), (4) the first in the text. A text found nowhere stays unresolved: it
can match nothing, so it counts as a false positive, and it is reported.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

import msgspec

from benchmark.model import Document, Prediction, PredSpan

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
        for i, char in enumerate(self.source):
            if char.isspace():
                if not previous_space:
                    chars.append(" ")
                    origin.append(i)
                previous_space = True
                continue
            previous_space = False
            for out in unicodedata.normalize("NFKC", char).casefold().translate(_ASCII):
                chars.append(out)
                origin.append(i)
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
    preferred: set[tuple[int, int]],
    taken: set[tuple[int, int]],
    anchor: int | None = None,
) -> tuple[int, int] | None:
    """The occurrence the module docstring's preference order picks, or ``None`` if there is none."""
    candidates = list(occurrences)
    if not candidates:
        return None

    def rank(span: tuple[int, int]) -> tuple:
        distance = abs(span[0] - anchor) if anchor is not None else 0
        return (span not in preferred or span in taken, span in taken, distance, span)

    return min(candidates, key=rank)


# --- resolving a prediction ----------------------------------------------------------------


@dataclass
class _Resolver:
    gold: Document
    norm: NormalisedText
    unresolved: list[str] = field(default_factory=list)
    taken: dict[str, set[tuple[int, int]]] = field(default_factory=dict)
    preferred: dict[str, set[tuple[int, int]]] = field(default_factory=dict)

    def span(self, where: str, span: PredSpan, kind: str, sentence: int | None,
             anchor: int | None = None, strict: bool = False) -> PredSpan:
        if span.has_offsets:
            return span
        text = span.text or ""
        occurrences: list[tuple[int, int]] = []
        if sentence is not None:
            bounds = self.gold.sentences[sentence]
            occurrences = self.norm.find_all(text, bounds.start, bounds.end)
        if not occurrences and (sentence is None or not strict):
            occurrences = self.norm.find_all(text)
        taken = self.taken.setdefault(kind, set())
        chosen = choose(occurrences, self.preferred.get(kind, set()), taken, anchor)
        if chosen is None:
            self.unresolved.append(where)
            return span
        taken.add(chosen)
        return PredSpan(chosen[0], chosen[1], self.gold.text[chosen[0] : chosen[1]])


def resolve_prediction(pred: Prediction, gold: Document) -> tuple[Prediction, list[str]]:
    """Offsets for every text-only span of ``pred`` that can be found; field paths of those that cannot.

    Spans that already have offsets are kept as they are, so resolving twice changes nothing.
    """
    if not _has_text_only_spans(pred):
        return pred, []
    resolver = _Resolver(gold, NormalisedText(gold.text))
    resolver.preferred = {
        "trigger": {(e.trigger.start, e.trigger.end) for e in gold.events},
        "mention": {(m.start, m.end) for e in gold.entities for m in e.mentions},
        "evidence": {(s.start, s.end) for st in gold.stances for s in st.evidence},
    }
    resolver.preferred["entity"] = resolver.preferred["mention"]
    replace = msgspec.structs.replace
    events = []
    for i, event in enumerate(pred.events):
        trigger = resolver.span(f"events[{i}].trigger", event.trigger, "trigger", event.sentence, strict=True)
        anchor = trigger.start
        arguments = tuple(
            replace(arg, span=resolver.span(f"events[{i}].arguments[{j}].span", arg.span, "mention", event.sentence, anchor))
            for j, arg in enumerate(event.arguments)
        )
        events.append(replace(event, trigger=trigger, arguments=arguments))
    stances = []
    for i, stance in enumerate(pred.stances):
        holder = replace(stance.holder, span=resolver.span(f"stances[{i}].holder.span", stance.holder.span, "mention", stance.sentence))
        target = stance.target
        if target.span is not None:
            target = replace(target, span=resolver.span(f"stances[{i}].target.span", target.span, "mention", stance.sentence))
        evidence = tuple(
            resolver.span(f"stances[{i}].evidence[{j}]", s, "evidence", stance.sentence)
            for j, s in enumerate(stance.evidence)
        )
        stances.append(replace(stance, holder=holder, target=target, evidence=evidence))
    entities = None
    if pred.entities is not None:
        entities = tuple(
            replace(entity, mentions=tuple(
                resolver.span(f"entities[{i}].mentions[{j}]", m, "entity", None) for j, m in enumerate(entity.mentions)
            ))
            for i, entity in enumerate(pred.entities)
        )
    resolved = replace(pred, events=tuple(events), stances=tuple(stances), entities=entities)
    return resolved, resolver.unresolved


def _has_text_only_spans(pred: Prediction) -> bool:
    spans = [e.trigger for e in pred.events] + [a.span for e in pred.events for a in e.arguments]
    spans += [s.holder.span for s in pred.stances] + [s.target.span for s in pred.stances if s.target.span is not None]
    spans += [span for s in pred.stances for span in s.evidence]
    spans += [m for e in pred.entities or () for m in e.mentions]
    return any(not span.has_offsets for span in spans)


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
