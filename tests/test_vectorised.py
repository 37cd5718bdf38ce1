"""The vectorised counts equal the reference counts (``score_document``), document by document.

Predictions are random perturbations of the bundled gold (real documents: shared triggers,
coreference, stances toward events): events dropped, retyped, moved to another word,
duplicated, attributes changed, arguments moved or repeated, spurious events, entity layers
with repeated mentions, stances retargeted, some spans given by text only.
"""

from __future__ import annotations

import random
import re
from collections import Counter

import msgspec
import pytest
from hypothesis import given, settings, strategies as st

from benchmark.document_counts import score_document
from benchmark.labels import load_labels
from benchmark.loader import load_gold
from benchmark.model import Document, Prediction
from benchmark.scorer import ResamplingOptions, ScoringOptions, score
from benchmark import vectorised
from benchmark.vectorised import Batch
from conftest import make_gold_doc

LABELS = load_labels()
TYPES = sorted(LABELS.event_types)
OPTIONS = ScoringOptions()


def words(doc: Document) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in re.finditer(r"\w+", doc.text)]


def perturb(doc: Document, rnd: random.Random) -> dict:
    """A prediction for ``doc`` that is right in places and wrong in many ways."""
    spans = words(doc)

    def span(start_end, text_only=False):
        start, end = start_end
        if text_only:
            return {"text": doc.text[start:end]}
        return {"start": start, "end": end}

    def place(original):
        return (original.start, original.end) if rnd.random() < 0.85 else rnd.choice(spans)

    events = []
    for event in doc.events:
        if rnd.random() < 0.2:
            continue
        event_type = event.type if rnd.random() < 0.8 else rnd.choice(TYPES)
        modes = LABELS.modes_of(event_type)
        mode = (event.mode if event.mode in modes and rnd.random() < 0.7 else rnd.choice(modes)) if modes else None
        arguments = [{"role": a.role if rnd.random() < 0.85 else rnd.choice(LABELS.roles), "span": span(place(a.span))}
                     for a in event.arguments if rnd.random() < 0.8]
        if arguments and rnd.random() < 0.1:
            arguments.append(dict(arguments[0]))
        record = {"type": event_type, "trigger": span(place(event.trigger), text_only=rnd.random() < 0.03),
                  "factuality": event.factuality if rnd.random() < 0.8 else rnd.choice(LABELS.factuality),
                  "arguments": arguments}
        if mode:
            record["mode"] = mode
        events.append(record)
        if rnd.random() < 0.01:
            events.append(dict(record))  # a duplicate: shares its trigger
    for _ in range(rnd.randint(0, 3)):
        events.append({"type": rnd.choice(TYPES), "trigger": span(rnd.choice(spans)), "factuality": "asserted",
                       "arguments": [{"role": rnd.choice(LABELS.roles), "span": span(rnd.choice(spans))}]})
    for i, record in enumerate(events):
        record["id"] = f"p{i}"
    stances = []
    for stance in doc.stances:
        if rnd.random() < 0.3:
            continue
        if stance.target.event is not None or rnd.random() < 0.2:
            target = {"event": rnd.choice(events)["id"]} if events else {"span": span(rnd.choice(spans))}
        else:
            target = {"span": span(place(stance.target.span))}
        stances.append({"id": f"s{len(stances)}", "holder": {"span": span(place(stance.holder.span))},
                        "target": target, "polarity": stance.polarity if rnd.random() < 0.8 else rnd.choice(LABELS.polarities)})
    prediction = {"id": doc.id, "events": events, "stances": stances}
    if rnd.random() < 0.6:
        prediction["entities"] = [
            {"id": f"e{i}", "type": e.type if rnd.random() < 0.8 else rnd.choice(list(LABELS.entity_types)),
             "mentions": [span(place(m)) for m in e.mentions if rnd.random() < 0.8] or [span(rnd.choice(spans))]}
            for i, e in enumerate(doc.entities) if rnd.random() < 0.9]
    return prediction


def batch_counts(pairs: list[tuple[Document, Prediction | None]], unit: str):
    """Per document: the batch's count cells {(row, metric, label, field): value}, or None where
    the batch left the document to the reference; and the batch's type confusion."""
    batch = Batch(OPTIONS, unit)
    taken = [batch.add(gold, pred) for gold, pred in pairs]
    columns: dict[tuple[str, str], int] = {}
    doc_ids, cells, confusion = batch.count(lambda metric, label: columns.setdefault((metric, label), len(columns)))
    names = {number: column for column, number in columns.items()}
    by_document: list[dict] = [{} for _ in doc_ids]
    for doc, row, column, field, value in cells.tolist():
        by_document[doc][(row, *names[column], field)] = value
    counted = iter(by_document)
    return [next(counted) if ok else None for ok in taken], confusion


def reference_cells(gold: Document, pred: Prediction | None, unit: str) -> tuple[dict, Counter]:
    reference = score_document(gold, pred, OPTIONS, unit=unit)
    cells = {(row, metric, label, field): value
             for field, counter in enumerate((reference.tp, reference.fp, reference.fn))
             for (row, metric, label), value in counter.items()}
    return cells, reference.confusion


@pytest.mark.parametrize("unit", ["doc", "sentence", "paragraph"])
@pytest.mark.parametrize("dense_cells", [vectorised.DENSE_CELLS, 0], ids=["dense-sums", "sorted-sums"])
def test_batch_counts_equal_reference_counts_on_perturbed_gold(unit: str, dense_cells: int, monkeypatch) -> None:
    monkeypatch.setattr(vectorised, "DENSE_CELLS", dense_cells)  # both ways of summing equal cells
    corpus = load_gold(split="all")
    rnd = random.Random(f"vectorised-{unit}")
    taken = refused = 0
    for _ in range(6):
        pairs = [(doc, msgspec.convert(perturb(doc, rnd), Prediction)) for doc in corpus.documents]
        pairs.append((corpus.documents[0], None))  # a document with no prediction
        counted, confusion = batch_counts(pairs, unit)
        expected_confusion: Counter = Counter()
        for (gold, pred), cells in zip(pairs, counted):
            if cells is None:
                refused += 1
                continue
            taken += 1
            expected, doc_confusion = reference_cells(gold, pred, unit)
            assert cells == expected, gold.id
            expected_confusion.update(doc_confusion)
        assert confusion == expected_confusion
    assert taken > 2 * refused  # the shortcut is the common case, not the exception


def test_batch_refuses_what_it_cannot_count_exactly() -> None:
    gold = msgspec.convert(make_gold_doc(), Document)
    trigger = {"start": gold.events[0].trigger.start, "end": gold.events[0].trigger.end}
    shared = msgspec.convert({"id": "doc1", "events": [
        {"id": f"p{i}", "type": t, "factuality": "asserted", "trigger": trigger} for i, t in enumerate(["ACCUSE", "REJECT"])]},
        Prediction)
    nowhere = msgspec.convert({"id": "doc1", "events": [
        {"id": "p", "type": "ACCUSE", "factuality": "asserted", "trigger": {"text": "nowhere in the text"}}]}, Prediction)
    outside = msgspec.convert({"id": "doc1", "events": [  # unvalidated: past the text, beyond the packed key width
        {"id": "p", "type": "ACCUSE", "factuality": "asserted", "trigger": {"start": 6, "end": 16 + 2**21}}]}, Prediction)
    batch = Batch(OPTIONS, "doc")
    assert not batch.add(gold, shared)
    assert not batch.add(gold, nowhere)
    assert not batch.add(gold, outside)
    assert batch.add(gold, None)


def test_score_is_the_same_with_and_without_the_shortcut() -> None:
    corpus = load_gold(split="all")
    rnd = random.Random(7)
    predictions = [msgspec.convert(perturb(doc, rnd), Prediction) for doc in corpus.documents[1:]]
    fast = score(corpus, predictions, resampling=ResamplingOptions(n=50))
    reference = score(corpus, predictions, resampling=ResamplingOptions(n=50), options=ScoringOptions(zero_division=0.0),
                      vectorise=False)
    assert fast.to_json() == reference.to_json()
    assert (fast.table == reference.table).all() and fast.columns == reference.columns


SMALL = msgspec.convert(make_gold_doc(), Document)
SMALL_WORDS = words(SMALL)
small_spans = st.sampled_from(SMALL_WORDS + [(m.start, m.end) for e in SMALL.entities for m in e.mentions])


@settings(max_examples=150, deadline=None)
@given(events=st.lists(st.tuples(small_spans, st.sampled_from(["ACCUSE", "ASSAULT", "REQUEST", "REJECT"]),
                                 st.lists(st.tuples(st.sampled_from(["actor", "recipient", "place"]), small_spans),
                                          max_size=3)), max_size=6, unique_by=lambda e: e[0]),
       mentions=st.lists(small_spans, max_size=6), unit=st.sampled_from(["doc", "sentence"]))
def test_batch_equals_reference_on_small_random_predictions(events, mentions, unit) -> None:
    pred = msgspec.convert({"id": "doc1", "entities": [{"id": "e", "type": "GOV", "mentions": [
        {"start": s, "end": e} for s, e in mentions]}] if mentions else [], "events": [
        {"id": f"p{i}", "type": t, "factuality": "asserted", "trigger": {"start": s, "end": e},
         "arguments": [{"role": r, "span": {"start": a, "end": b}} for r, (a, b) in args]}
        for i, ((s, e), t, args) in enumerate(events)]}, Prediction)
    (counted,), confusion = batch_counts([(SMALL, pred)], unit)
    assert (counted, confusion) == reference_cells(SMALL, pred, unit)
