"""The ML baseline: trigger tagging, argument roles, factuality, mode and stance, each a
logistic regression over ``DictVectorizer`` features (scikit-learn), trained on gold
documents only, deterministic (lbfgs, no sampling).

* Triggers: BIO tagging of tokens (``B-TYPE``/``I-TYPE``/``O``), decoded into spans.
* Arguments: (trigger, candidate) pairs -> role or ``NONE``; candidates are the rule coder's
  actor/place/time mentions of the sentence (gold-free); a candidate is labelled with the
  role of a gold argument it overlaps.
* Factuality and mode: per event, from its context.
* Stances: (actor of an event, target) pairs -> polarity or ``NONE``; targets are the event's
  recipient and the other events of its sentence.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline

from baselines.ml.features import factuality_features, pair_features, token_features, tokenize
from baselines.rules.coder import Mention, find_mentions, lexicons
from benchmark import segment
from benchmark.labels import load_labels
from benchmark.model import Document

NONE = "NONE"


class _Constant:
    """Stands in for a classifier when the training data has a single class."""

    def __init__(self, label: str):
        self.label = label

    def predict(self, rows: list[dict]) -> list[str]:
        return [self.label] * len(rows)


class _Classifier:
    """A fitted DictVectorizer + LogisticRegression whose predictions are plain strings."""

    def __init__(self, model: Pipeline):
        self.model = model

    def predict(self, rows: list[dict]) -> list[str]:
        return [str(label) for label in self.model.predict(rows)]


def _fit(rows: list[dict], labels: list[str], C: float) -> _Classifier | _Constant:
    counts = Counter(labels)
    if len(counts) < 2:
        return _Constant(counts.most_common(1)[0][0] if counts else NONE)
    model = make_pipeline(DictVectorizer(sparse=True), LogisticRegression(C=C, max_iter=3000))
    model.fit(rows, labels)
    return _Classifier(model)


@dataclass
class _Sentence:
    tokens: list[tuple[int, int, str]]
    mentions: list[Mention]

    @property
    def words(self) -> list[str]:
        return [t[2] for t in self.tokens]

    def token_range(self, start: int, end: int) -> tuple[int, int] | None:
        inside = [i for i, t in enumerate(self.tokens) if t[0] < end and start < t[1]]
        return (inside[0], inside[-1] + 1) if inside else None


def _sentences(text: str, spans: Iterable[tuple[int, int]]) -> list[_Sentence]:
    lex = lexicons()
    out = []
    for start, end in spans:
        tokens = tokenize(text, start, end)
        out.append(_Sentence(tokens, find_mentions(tokens, text, lex) if tokens else []))
    return out


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _targets(recipient_spans: list[tuple[int, int]], others: list, sentence: _Sentence) -> list[tuple[str, Any]]:
    """(kind, target) stance candidates: mentions of the event's recipients, then the sentence's other events."""
    out: list[tuple[str, Any]] = [("entity", m) for m in sentence.mentions
                                  if any(_overlaps(s, (m.start, m.end)) for s in recipient_spans)]
    out.extend(("event", other) for other in others)
    return out


def _stance_row(event_type: str, kind: str, target: Any) -> dict[str, str]:
    """Features of an (event actor, target) pair; a target is a Mention, a gold Event or a predicted event dict."""
    target_type = target["type"] if isinstance(target, dict) else target.type
    return {"type": event_type, "kind": kind, "target": f"{kind}:{target_type}", "pair": f"{event_type}>{target_type}"}


def _gold_polarity(doc: Document, holder: Mention, kind: str, target: Any) -> str:
    """The polarity of a gold stance from this holder to this target, or NONE."""
    for stance in doc.stances:
        holder_spans = [(m.start, m.end) for e in doc.entities if e.id == stance.holder.entity for m in e.mentions]
        if not any(_overlaps(s, (holder.start, holder.end)) for s in holder_spans):
            continue
        if kind == "event" and stance.target.event == target.id:
            return stance.polarity
        if kind == "entity" and stance.target.entity is not None:
            spans = [(m.start, m.end) for e in doc.entities if e.id == stance.target.entity for m in e.mentions]
            if any(_overlaps(s, (target.start, target.end)) for s in spans):
                return stance.polarity
    return NONE


@dataclass
class MLPipeline:
    """Train with ``fit`` on gold documents, then ``predict`` on any text."""

    C: float = 1.0
    name: str = "sklearn"
    models: dict[str, Any] = field(default_factory=dict)

    def fit(self, docs: Iterable[Document], keep: Callable[[Document, int], bool] | None = None) -> "MLPipeline":
        """Train on the sentences of ``docs`` for which ``keep(doc, sentence_index)`` holds (default: all)."""
        data: dict[str, tuple[list, list]] = {k: ([], []) for k in ("trigger", "argument", "factuality", "mode", "stance")}

        def add(kind: str, row: dict, label: str) -> None:
            data[kind][0].append(row)
            data[kind][1].append(label)

        for doc in docs:
            spans = [(s.start, s.end) for s in doc.sentences]
            for index, sentence in enumerate(_sentences(doc.text, spans)):
                if keep is not None and not keep(doc, index):
                    continue
                s_start, s_end = spans[index]
                tags = ["O"] * len(sentence.tokens)
                located = []
                for event in (e for e in doc.events if s_start <= e.trigger.start < s_end):
                    r = sentence.token_range(event.trigger.start, event.trigger.end)
                    if r is None:
                        continue
                    located.append((event, r))
                    if all(t == "O" for t in tags[r[0]:r[1]]):
                        tags[r[0]] = f"B-{event.type}"
                        for i in range(r[0] + 1, r[1]):
                            tags[i] = f"I-{event.type}"
                words = sentence.words
                for i in range(len(words)):
                    add("trigger", token_features(words, i), tags[i])
                for event, r in located:
                    add("factuality", factuality_features(words, r, event.type), event.factuality)
                    add("mode", {"type": event.type, "trigger": words[r[0]].lower()}, event.mode or "none")
                    for m in sentence.mentions:
                        if _overlaps((m.token_start, m.token_end), r):
                            continue
                        role = next((a.role for a in event.arguments
                                     if _overlaps((a.span.start, a.span.end), (m.start, m.end))), NONE)
                        add("argument", pair_features(words, event.type, r, (m.token_start, m.token_end), m.type), role)
                    actors = [m for m in sentence.mentions for a in event.arguments
                              if a.role == "actor" and _overlaps((a.span.start, a.span.end), (m.start, m.end))]
                    recipients = [(a.span.start, a.span.end) for a in event.arguments if a.role == "recipient"]
                    others = [other for other, _ in located if other is not event]
                    for holder in actors[:1]:
                        for kind, target in _targets(recipients, others, sentence):
                            add("stance", _stance_row(event.type, kind, target), _gold_polarity(doc, holder, kind, target))
        self.models = {kind: _fit(rows, labels, self.C) for kind, (rows, labels) in data.items()}
        return self

    def predict(self, doc_id: str, text: str, sentence_spans: list[tuple[int, int]] | None = None) -> dict[str, Any]:
        """Predictions for one document (only inside ``sentence_spans`` when given)."""
        labels = load_labels()
        spans = sentence_spans if sentence_spans is not None else segment.sentences(text)
        events: list[dict] = []
        stances: list[dict] = []
        for sentence in _sentences(text, spans):
            words = sentence.words
            if not words:
                continue
            tags = self.models["trigger"].predict([token_features(words, i) for i in range(len(words))])
            sentence_events = []
            i = 0
            while i < len(words):
                if tags[i] == "O":
                    i += 1
                    continue
                event_type = tags[i][2:]
                j = i + 1
                while j < len(words) and tags[j] == f"I-{event_type}":
                    j += 1
                r = (i, j)
                i = j
                start, end = sentence.tokens[r[0]][0], sentence.tokens[r[1] - 1][1]
                event: dict[str, Any] = {
                    "id": f"V{len(events) + 1}", "type": event_type,
                    "trigger": {"start": start, "end": end, "text": text[start:end]},
                    "factuality": self.models["factuality"].predict([factuality_features(words, r, event_type)])[0],
                    "arguments": []}
                mode = self.models["mode"].predict([{"type": event_type, "trigger": words[r[0]].lower()}])[0]
                if mode in labels.modes_of(event_type):
                    event["mode"] = mode
                candidates = [m for m in sentence.mentions if not _overlaps((m.token_start, m.token_end), r)]
                if candidates:
                    roles = self.models["argument"].predict(
                        [pair_features(words, event_type, r, (m.token_start, m.token_end), m.type) for m in candidates])
                    event["arguments"] = [{"role": role, "span": {"start": m.start, "end": m.end, "text": text[m.start:m.end]}}
                                          for m, role in zip(candidates, roles) if role != NONE]
                events.append(event)
                sentence_events.append(event)
            for event in sentence_events:
                actors = [a for a in event["arguments"] if a["role"] == "actor"]
                if not actors:
                    continue
                recipients = [(a["span"]["start"], a["span"]["end"]) for a in event["arguments"] if a["role"] == "recipient"]
                others = [e for e in sentence_events if e is not event]
                for kind, target in _targets(recipients, others, sentence):
                    polarity = self.models["stance"].predict([_stance_row(event["type"], kind, target)])[0]
                    if polarity == NONE:
                        continue
                    target_record = ({"event": target["id"]} if kind == "event" else
                                     {"span": {"start": target.start, "end": target.end, "text": text[target.start:target.end]}})
                    stances.append({"id": f"S{len(stances) + 1}", "holder": {"span": actors[0]["span"]},
                                    "target": target_record, "polarity": polarity, "evidence": [event["trigger"]]})
        return {"id": doc_id, "events": events, "stances": stances}


def paragraph_of(doc: Document, sentence_index: int) -> int:
    sentence = doc.sentences[sentence_index]
    return next(i for i, p in enumerate(doc.paragraphs) if p.start <= sentence.start < p.end)


def cross_validate(docs: list[Document], folds: dict[str, list[int]], C: float = 1.0,
                   progress: Callable[[int, int], None] | None = None) -> list[dict[str, Any]]:
    """Paragraph-fold cross-validation: each paragraph is predicted by a model that never saw it.

    ``folds`` maps a document id to the fold of each of its paragraphs. Returns one
    prediction record per document.
    """
    fold_ids = sorted({f for doc in docs for f in folds[doc.id]})
    merged: dict[str, dict[str, Any]] = {doc.id: {"id": doc.id, "events": [], "stances": []} for doc in docs}

    def fold_of(doc: Document, sentence_index: int) -> int:
        return folds[doc.id][paragraph_of(doc, sentence_index)]

    for step, fold in enumerate(fold_ids):
        model = MLPipeline(C=C).fit(docs, keep=lambda d, s, fold=fold: fold_of(d, s) != fold)
        for doc in docs:
            held_out = [(s.start, s.end) for i, s in enumerate(doc.sentences) if fold_of(doc, i) == fold]
            part = model.predict(doc.id, doc.text, held_out)
            record = merged[doc.id]
            renamed = {e["id"]: f"V{len(record['events']) + k + 1}" for k, e in enumerate(part["events"])}
            record["events"].extend(e | {"id": renamed[e["id"]]} for e in part["events"])
            for s in part["stances"]:
                target = {"event": renamed[s["target"]["event"]]} if "event" in s["target"] else s["target"]
                record["stances"].append(s | {"id": f"S{len(record['stances']) + 1}", "target": target})
        if progress is not None:
            progress(step + 1, len(fold_ids))
    return [merged[doc.id] for doc in docs]
