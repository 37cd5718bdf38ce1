"""Invariants of the scorer (hypothesis) and a differential test against a brute-force scorer."""

from __future__ import annotations

import random
import re
from collections import Counter

import msgspec
import numpy as np
from hypothesis import given, settings, strategies as st

from benchmark.counts import Counts
from benchmark.loader import Corpus
from benchmark.match import Item, align
from benchmark.model import Document, Prediction
from benchmark.labels import load_labels
from benchmark.scorer import ResamplingOptions, ScoringOptions, score
from conftest import TEXT, make_gold_doc

WORDS = [(m.start(), m.end()) for m in re.finditer(r"\w+", TEXT)]
TYPES = ["ACCUSE", "ASSAULT", "REQUEST", "REJECT", "PROTEST"]
ROLES = ["actor", "recipient", "place"]
NO_CI = ResamplingOptions(n=0)
GOLD = msgspec.convert(make_gold_doc(), Document)
CORPUS = Corpus((GOLD,), "<test>", load_labels())


def as_pred_event(event_id, trigger, event_type, args, fact="asserted"):
    def sp(s):
        return {"start": s[0], "end": s[1]}
    return {"id": event_id, "type": event_type, "factuality": fact, "trigger": sp(trigger),
            "arguments": [{"role": role, "span": sp(s)} for role, s in args]}


gold_triggers = [(e.trigger.start, e.trigger.end) for e in GOLD.events]
gold_mentions = [(m.start, m.end) for e in GOLD.entities for m in e.mentions]
spans = st.sampled_from(WORDS + gold_triggers + gold_mentions)
events = st.lists(
    st.tuples(spans, st.sampled_from(TYPES), st.lists(st.tuples(st.sampled_from(ROLES), spans), max_size=3),
              st.sampled_from(["asserted", "hypothetical"])),
    max_size=8,
)


def prediction(event_tuples, stances=()) -> Prediction:
    return msgspec.convert({"id": "doc1", "stances": list(stances), "events": [
        as_pred_event(f"p{i}", t, ty, args, fact) for i, (t, ty, args, fact) in enumerate(event_tuples)]}, Prediction)


def all_counts(pred: Prediction, **rules) -> dict[str, Counts]:
    report = score(CORPUS, [pred], options=ScoringOptions(**rules), resampling=NO_CI)
    return {name: r.counts for name, r in report.metrics.items() if name != "F_avg"}


def gold_as_prediction() -> Prediction:
    raw = make_gold_doc()
    for key in ("paragraphs", "sentences", "meta", "text"):
        raw.pop(key)
    return msgspec.convert(raw, Prediction)


def test_gold_against_itself_scores_one_everywhere() -> None:
    for rules in ({}, {"span": "overlap"}, {"args": "coref"}, {"compat": "textee"}):
        report = score(CORPUS, [gold_as_prediction()], options=ScoringOptions(**rules), resampling=ResamplingOptions(n=50))
        assert all(r.f1 == 1.0 and r.precision == 1.0 and r.recall == 1.0 for r in report.metrics.values()), rules


def test_empty_predictions_give_zero_recall() -> None:
    report = score(CORPUS, [], resampling=NO_CI)
    assert all(r.recall == 0.0 for r in report.metrics.values())


@settings(max_examples=60, deadline=None)
@given(events, st.randoms(use_true_random=False), st.sampled_from(["exact", "overlap"]), st.sampled_from(["mention", "coref"]))
def test_counts_do_not_depend_on_record_order(event_tuples, rnd, span_rule, arg_rule) -> None:
    shuffled = [(t, ty, rnd.sample(args, len(args)), fact) for t, ty, args, fact in event_tuples]
    rnd.shuffle(shuffled)
    assert all_counts(prediction(event_tuples), span=span_rule, args=arg_rule) == \
        all_counts(prediction(shuffled), span=span_rule, args=arg_rule)


@settings(max_examples=60, deadline=None)
@given(events, st.integers(min_value=0, max_value=7), st.sampled_from(["exact", "overlap"]))
def test_a_duplicate_never_raises_precision(event_tuples, which, span_rule) -> None:
    if not event_tuples:
        return
    doubled = event_tuples + [event_tuples[which % len(event_tuples)]]
    before, after = all_counts(prediction(event_tuples), span=span_rule), all_counts(prediction(doubled), span=span_rule)
    for name in before:
        p_before = before[name].tp / max(before[name].predicted, 1)
        p_after = after[name].tp / max(after[name].predicted, 1)
        assert p_after <= p_before + 1e-12 or before[name].predicted == 0, name


@settings(max_examples=40, deadline=None)
@given(events, events)
def test_corpus_counts_are_the_sum_of_document_counts(first, second) -> None:
    other = msgspec.structs.replace(GOLD, id="doc2")
    corpus = Corpus((GOLD, other), "<test>", load_labels())
    pred2 = msgspec.structs.replace(prediction(second), id="doc2")
    together = score(corpus, [prediction(first), pred2], resampling=NO_CI)
    alone = [all_counts(prediction(first)),
             {n: r.counts for n, r in score(Corpus((other,), "<t>", load_labels()), [pred2], resampling=NO_CI).metrics.items()}]
    for name, result in together.metrics.items():
        if name != "F_avg":
            assert result.counts == alone[0][name] + alone[1][name], name


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 20), st.integers(1, 5), st.sampled_from("AB")), max_size=6),
       st.lists(st.tuples(st.integers(0, 20), st.integers(1, 5), st.sampled_from("AB")), max_size=6),
       st.sampled_from(["exact", "overlap"]))
def test_alignment_is_symmetric_in_size(gold_spans, pred_spans, rule) -> None:
    def items(spans):
        return [Item((label,), (((s, s + n),),), s) for s, n, label in spans]
    forward, backward = align(items(gold_spans), items(pred_spans), rule), align(items(pred_spans), items(gold_spans), rule)
    assert len(forward.pairs) == len(backward.pairs)
    assert len(forward.pairs) + len(forward.missed) == len(gold_spans)
    assert len(forward.pairs) + len(forward.spurious) == len(pred_spans)


# --- differential test: an independent brute-force scorer, written here -------------------

def brute_force(gold: Document, pred: Prediction) -> dict[str, Counts]:
    """TI/TC/AI/AC/AI+/AC+ with exact spans and mention arguments, as multisets of TextEE keys."""
    def keys(events, metric):
        out = []
        for e in events:
            trig = (e.trigger.start, e.trigger.end)
            if metric == "TI":
                out.append(trig)
            elif metric == "TC":
                out.append((trig, e.type))
            for a in e.arguments:
                arg = (a.span.start, a.span.end)
                out.append({"AI": (e.type, arg), "AC": (e.type, arg, a.role), "AI+": (trig, e.type, arg),
                            "AC+": (trig, e.type, arg, a.role)}.get(metric)) if metric not in ("TI", "TC") else None
        return Counter(k for k in out if k is not None)

    result = {}
    for metric in ("TI", "TC", "AI", "AC", "AI+", "AC+"):
        g, p = keys(gold.events, metric), keys(pred.events, metric)
        tp = sum(min(g[k], p[k]) for k in g)
        result[metric] = Counts(tp, sum(p.values()) - tp, sum(g.values()) - tp)
    return result


def test_differential_against_brute_force_on_random_predictions() -> None:
    rnd = random.Random(1234)
    candidates = WORDS + gold_triggers + gold_mentions
    for _ in range(300):
        tuples = [(rnd.choice(candidates), rnd.choice(TYPES),
                   [(rnd.choice(ROLES), rnd.choice(candidates)) for _ in range(rnd.randint(0, 3))], "asserted")
                  for _ in range(rnd.randint(0, 10))]
        pred = prediction(tuples)
        ours = all_counts(pred)
        expected = brute_force(GOLD, pred)
        for metric, value in expected.items():
            assert ours[metric] == value, (metric, tuples)


def test_same_seed_same_interval_and_different_seed_may_differ() -> None:
    pred = prediction([(gold_triggers[0], "ACCUSE", [], "asserted"), (WORDS[5], "ASSAULT", [], "asserted")])
    a = score(CORPUS, [pred], resampling=ResamplingOptions(n=200, seed=7))
    b = score(CORPUS, [pred], resampling=ResamplingOptions(n=200, seed=7))
    assert a.metrics["TC"].ci == b.metrics["TC"].ci
    assert np.array_equal(a.table, b.table)
