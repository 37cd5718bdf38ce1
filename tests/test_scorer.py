"""The scorer: hand-computed counts for every metric and match rule on one tiny document.

Gold (tests/conftest.py), text: "Russia condemned the attack on Kyiv.\\n\\nUkraine asked
Russia to stop. Moscow refused."
  V1 ACCUSE:disapprove "condemned"  actor Russia@0
  V2 ASSAULT           "attack"     place Kyiv
  V3 REQUEST:change    "asked"      actor Ukraine, recipient Russia@52
  V4 REJECT            "refused"    actor Moscow (entity E1 = Russia)
  S1 Russia@0 against event V2;  S2 Ukraine against entity E1 (Russia@52)
Entities: E1 Russia {Russia@0, Russia@52, Moscow@67}, E2 Ukraine, E3 Kyiv (5 mentions).
"""

from __future__ import annotations

import json

import msgspec
import pytest

from benchmark.counts import Counts
from benchmark.loader import Corpus, load_gold
from benchmark.model import Prediction
from benchmark.scorer import ResamplingOptions, ScoringOptions, score
from conftest import TEXT, make_gold_doc, span, write_lines

NO_CI = ResamplingOptions(n=0)


@pytest.fixture
def corpus(gold_file) -> Corpus:
    return load_gold(gold_file)


def ev(id_, type_, trigger, args=(), fact="asserted", mode=None, nth=0):
    event = {"id": id_, "type": type_, "factuality": fact, "trigger": span(TEXT, trigger, nth) if isinstance(trigger, str) else trigger,
             "arguments": [{"role": r, "span": span(TEXT, t, n)} for r, t, n in args]}
    if mode:
        event["mode"] = mode
    return event


def st(id_, holder, target, polarity, holder_nth=0):
    return {"id": id_, "holder": {"span": span(TEXT, holder, holder_nth)}, "target": target, "polarity": polarity}


def run(corpus, events=(), stances=(), entities=None, **rules):
    record = {"id": "doc1", "events": list(events), "stances": list(stances)}
    if entities is not None:
        record["entities"] = entities
    pred = msgspec.convert(record, Prediction)
    return score(corpus, [pred], options=ScoringOptions(**rules), resampling=NO_CI)


def counts(report, metric):
    return tuple(report.metrics[metric].counts)


PERFECT = [
    ev("p1", "ACCUSE", "condemned", [("actor", "Russia", 0)], mode="disapprove"),
    ev("p2", "ASSAULT", "attack", [("place", "Kyiv", 0)]),
    ev("p3", "REQUEST", "asked", [("actor", "Ukraine", 0), ("recipient", "Russia", 1)], mode="change"),
    ev("p4", "REJECT", "refused", [("actor", "Moscow", 0)]),
]


def test_gold_against_itself_is_perfect(corpus) -> None:
    stances = [st("s1", "Russia", {"event": "p2"}, "against"),
               st("s2", "Ukraine", {"span": span(TEXT, "Russia", 1)}, "against")]
    report = run(corpus, PERFECT, stances)
    for name, result in report.metrics.items():
        assert result.f1 == 1.0, name
    assert counts(report, "TC") == (4, 0, 0) and counts(report, "AC+") == (5, 0, 0) and counts(report, "ST") == (2, 0, 0)
    assert "ENT-I" in report.skipped_metrics  # no entity layer predicted


def test_missed_and_spurious_trigger(corpus) -> None:
    report = run(corpus, [PERFECT[0], ev("x", "ASSAULT", "stop")])
    assert counts(report, "TI") == (1, 1, 3)
    assert counts(report, "TC") == (1, 1, 3)
    assert report.metrics["TC"].precision == 0.5 and report.metrics["TC"].recall == 0.25
    assert report.metrics["TC"].per_label["ASSAULT"] == Counts(0, 1, 1)


def test_wrong_type_counts_in_ti_not_tc_and_in_the_confusion(corpus) -> None:
    report = run(corpus, [ev("p2", "PROTEST", "attack")])
    assert counts(report, "TI") == (1, 0, 3)
    assert counts(report, "TC") == (0, 1, 4)
    assert report.confusion == {("ASSAULT", "PROTEST"): 1}
    assert report.metrics["TC"].per_label["PROTEST"] == Counts(0, 1, 0)  # a label absent from gold still costs precision


@pytest.mark.parametrize("rule,expected", [("exact", (0, 1, 4)), ("overlap", (1, 0, 3))])
def test_boundary_shift_exact_vs_overlap(corpus, rule, expected) -> None:
    report = run(corpus, [ev("p2", "ASSAULT", "the attack")], span=rule)
    assert counts(report, "TC") == expected


def test_overlap_matching_is_one_to_one(corpus) -> None:
    report = run(corpus, [ev("a", "ASSAULT", "the attack"), ev("b", "ASSAULT", "attack on")], span="overlap")
    assert counts(report, "TC") == (1, 1, 3)


@pytest.mark.parametrize("compat,expected", [("none", (1, 1, 3)), ("textee", (1, 0, 3))])
def test_duplicate_prediction_is_a_false_positive_unless_textee(corpus, compat, expected) -> None:
    report = run(corpus, [PERFECT[0], PERFECT[0] | {"id": "dup"}], compat=compat)
    assert counts(report, "TI") == expected and counts(report, "TC") == expected
    assert counts(report, "AC+") == ((1, 1, 4) if compat == "none" else (1, 0, 4))


def test_two_events_sharing_a_trigger(tmp_path) -> None:
    doc = make_gold_doc()
    doc["events"].append({"id": "V5", "type": "ACCUSE", "trigger": span(TEXT, "asked"), "factuality": "asserted",
                          "arguments": []})
    corpus = load_gold(write_lines(tmp_path / "g.jsonl", [doc]))
    one = run(corpus, [PERFECT[2]])
    assert counts(one, "TI") == (1, 0, 4) and counts(one, "TC") == (1, 0, 4)
    both = run(corpus, [PERFECT[2], ev("p5", "ACCUSE", "asked")])
    assert counts(both, "TI") == (2, 0, 3) and counts(both, "TC") == (2, 0, 3)


def test_argument_right_but_its_event_wrong(corpus) -> None:
    # REQUEST predicted on "stop" (not the gold trigger "asked") with the right actor.
    report = run(corpus, [ev("p3", "REQUEST", "stop", [("actor", "Ukraine", 0)])])
    assert counts(report, "AI") == (1, 0, 4) and counts(report, "AC") == (1, 0, 4)
    assert counts(report, "AI+") == (0, 1, 5) and counts(report, "AC+") == (0, 1, 5)


def test_argument_of_an_event_with_the_wrong_type(corpus) -> None:
    report = run(corpus, [ev("p3", "ACCUSE", "asked", [("actor", "Ukraine", 0)])])
    assert counts(report, "AI") == (0, 1, 5) and counts(report, "AI+") == (0, 1, 5)


def test_wrong_role(corpus) -> None:
    report = run(corpus, [ev("p3", "REQUEST", "asked", [("recipient", "Ukraine", 0)])])
    assert counts(report, "AI") == (1, 0, 4) and counts(report, "AI+") == (1, 0, 4)
    assert counts(report, "AC") == (0, 1, 5) and counts(report, "AC+") == (0, 1, 5)
    assert report.metrics["AC"].per_label == {"actor": Counts(0, 0, 3), "recipient": Counts(0, 1, 1), "place": Counts(0, 0, 1)}


@pytest.mark.parametrize("rule,expected", [("mention", (0, 1, 5)), ("coref", (1, 0, 4))])
def test_coreferent_mention_as_argument(corpus, rule, expected) -> None:
    # Gold actor of "refused" is "Moscow"; predicting "Russia" (same entity E1, another mention).
    report = run(corpus, [ev("p4", "REJECT", "refused", [("actor", "Russia", 0)])], args=rule)
    assert counts(report, "AC+") == expected


def test_tuple_uses_entity_identity(corpus) -> None:
    # Actor given as "Russia" (coreferent with gold "Moscow"): the tuple (REJECT, {E1}, {}) matches.
    report = run(corpus, [ev("p4", "REJECT", "refused", [("actor", "Russia", 0)]),
                          ev("p3", "REQUEST", "asked", [("actor", "Ukraine", 0)])])
    assert counts(report, "TUPLE") == (1, 1, 3)


def test_factuality_and_mode_on_tc_matched_events(corpus) -> None:
    report = run(corpus, [PERFECT[0] | {"factuality": "hypothetical"}, PERFECT[1], PERFECT[2] | {"mode": "yield"},
                          ev("x", "PROTEST", "refused")])
    # TC-matched pairs: p1, p2, p3. FACT: 2 right of 3; MODE: 2 right of 3 (p2 none=none).
    assert counts(report, "FACT") == (2, 1, 1)
    assert report.metrics["FACT"].per_label == {"asserted": Counts(2, 0, 1), "hypothetical": Counts(0, 1, 0)}
    assert report.metrics["FACT"].macro_f1 == pytest.approx((0.8 + 0.0) / 2)
    assert counts(report, "MODE") == (2, 1, 1)
    assert report.metrics["MODE"].f1 == pytest.approx(2 / 3)


def test_stance_toward_an_event_needs_that_event_predicted(corpus) -> None:
    right = run(corpus, [PERFECT[1]], [st("s1", "Russia", {"event": "p2"}, "against")])
    assert counts(right, "ST") == (1, 0, 1)
    wrong_type = run(corpus, [ev("p2", "PROTEST", "attack")], [st("s1", "Russia", {"event": "p2"}, "against")])
    assert counts(wrong_type, "ST") == (0, 1, 2)


def test_stance_toward_a_coreferent_event_mention(tmp_path) -> None:
    doc = make_gold_doc()
    doc["events"][1]["coref"] = "C1"
    doc["events"].append({"id": "V5", "type": "ASSAULT", "coref": "C1", "trigger": span(TEXT, "stop"),
                          "factuality": "hypothetical", "arguments": []})
    corpus = load_gold(write_lines(tmp_path / "g.jsonl", [doc]))
    # The predicted event aligns with V5, a mention of the same event as the stance's target V2.
    report = run(corpus, [ev("q", "ASSAULT", "stop", fact="hypothetical")], [st("s1", "Russia", {"event": "q"}, "against")])
    assert counts(report, "ST") == (1, 0, 1)


def test_neutral_polarity_and_f_avg(corpus) -> None:
    report = run(corpus, [PERFECT[1]], [st("s1", "Russia", {"event": "p2"}, "against"),
                                        st("s2", "Ukraine", {"span": span(TEXT, "Russia", 1)}, "neutral")])
    assert counts(report, "ST") == (1, 1, 1)
    assert counts(report, "ST-ID") == (2, 0, 0)
    assert report.metrics["ST"].per_label == {"against": Counts(1, 0, 1), "neutral": Counts(0, 1, 0)}
    # F_avg: only 'against' occurs (favor has no gold and no prediction): F1(against) = 2/3.
    assert report.metrics["F_avg"].f1 == pytest.approx(2 / 3)


def test_stance_holder_by_coreference(corpus) -> None:
    stance = st("s2", "Ukraine", {"span": span(TEXT, "Moscow")}, "against")  # gold target mention: Russia@52
    assert counts(run(corpus, [], [stance], args="mention"), "ST") == (0, 1, 2)
    assert counts(run(corpus, [], [stance], args="coref"), "ST") == (1, 0, 1)


def test_text_only_spans_are_aligned_by_normalised_string(corpus) -> None:
    events = [{"id": "t", "type": "ACCUSE", "mode": "disapprove", "factuality": "asserted", "trigger": {"text": "CONDEMNED"},
               "arguments": [{"role": "actor", "span": {"text": "russia"}}]},
              {"id": "u", "type": "ASSAULT", "factuality": "asserted", "trigger": {"text": "bombing"}}]
    report = run(corpus, events)
    assert counts(report, "TC") == (1, 1, 3)
    assert counts(report, "AC+") == (1, 0, 4)  # "russia" resolves to the mention nearest the trigger
    assert report.unresolved_spans == ["doc1: events[1].trigger"]


def test_text_only_argument_picks_the_mention_nearest_its_trigger(corpus) -> None:
    events = [{"id": "t", "type": "REQUEST", "mode": "change", "factuality": "asserted", "trigger": {"text": "asked"},
               "arguments": [{"role": "recipient", "span": {"text": "Russia"}}]}]
    assert counts(run(corpus, events), "AC+") == (1, 0, 4)


def test_entity_metrics(corpus) -> None:
    entities = [{"id": "a", "type": "GOV", "mentions": [span(TEXT, "Russia"), span(TEXT, "Moscow")]},
                {"id": "b", "type": "CVL", "mentions": [span(TEXT, "Ukraine")]}]
    report = run(corpus, entities=entities)
    assert counts(report, "ENT-I") == (3, 0, 2)
    assert counts(report, "ENT-C") == (2, 1, 3)


def test_missing_document_counts_as_predicting_nothing(tmp_path) -> None:
    docs = [make_gold_doc(), make_gold_doc() | {"id": "doc2"}]
    corpus = load_gold(write_lines(tmp_path / "g.jsonl", docs))
    report = score(corpus, [msgspec.convert({"id": "doc1", "events": PERFECT}, Prediction)], resampling=NO_CI)
    assert counts(report, "TC") == (4, 0, 4)
    assert report.missing_documents == ["doc2"]


def test_empty_gold_layer(tmp_path) -> None:
    doc = make_gold_doc() | {"events": [], "stances": []}
    corpus = load_gold(write_lines(tmp_path / "g.jsonl", [doc]))
    report = run(corpus, [PERFECT[0]])
    assert counts(report, "TC") == (0, 1, 0)
    assert (report.metrics["TC"].precision, report.metrics["TC"].recall, report.metrics["TC"].f1) == (0.0, 0.0, 0.0)
    nothing = run(corpus, [])
    assert counts(nothing, "TC") == (0, 0, 0) and nothing.metrics["TC"].f1 == 0.0  # zero_division


def test_per_label_counts_sum_to_the_total(corpus) -> None:
    report = run(corpus, [PERFECT[0], ev("x", "PROTEST", "attack"), PERFECT[3]])
    for result in report.metrics.values():
        if result.per_label:
            assert sum(result.per_label.values(), Counts()) == result.counts


def test_textee_compat_refuses_other_rules() -> None:
    from benchmark.errors import UsageError
    with pytest.raises(UsageError, match="cannot be combined"):
        ScoringOptions(compat="textee", span="overlap")


def test_json_report_has_per_document_scores(corpus) -> None:
    report = run(corpus, PERFECT)
    data = json.loads(json.dumps(report.to_json()))
    assert data["per_document"]["TC"]["doc1"]["f1"] == 1.0
    assert data["metrics"]["TC"]["tp"] == 4 and data["signature"].startswith("evbench:")


def test_the_worked_example_of_docs_metrics(corpus) -> None:
    events = [ev("a", "REQUEST", "stop", [("actor", "Ukraine", 0)]), ev("b", "REJECT", "refused", [("actor", "Russia", 0)])]
    report = run(corpus, events)
    assert counts(report, "TI") == (1, 1, 3) and counts(report, "TC") == (1, 1, 3)
    assert counts(report, "AI") == (1, 1, 4) and counts(report, "AI+") == (0, 2, 5)
    assert counts(report, "TUPLE") == (1, 1, 3)
    assert counts(run(corpus, events, args="coref"), "AI") == (2, 0, 3)


# Reference numbers from TextEE's own scorer (ej0cl6/TextEE @25d5dca, TextEE/scorer.py,
# compute_scores(task="E2E")), run once on this scenario with char offsets as its span
# indices; recorded as (match_num, pred_num, gold_num):
#   trigger_id (4, 5, 4)  trigger_cls (3, 5, 4)  argument_id (4, 5, 5)  argument_cls (3, 5, 5)
#   argument_attached_id (3, 6, 5)  argument_attached_cls (2, 6, 5)
TEXTEE_SCENARIO = [
    ev("a", "ACCUSE", "condemned", [("actor", "Russia", 0)]),
    ev("b", "ACCUSE", "condemned", [("actor", "Russia", 0)]),  # exact duplicate
    ev("c", "PROTEST", "attack", [("place", "Kyiv", 0)]),  # wrong type
    ev("d", "REQUEST", "stop", [("actor", "Ukraine", 0), ("recipient", "Russia", 1)]),  # right args, wrong trigger
    ev("e", "REQUEST", "asked", [("actor", "Ukraine", 0)]),  # duplicates d's actor under AI/AC
    ev("f", "REJECT", "refused", [("recipient", "Moscow", 0)]),  # wrong role
]
TEXTEE_NUMBERS = {"TI": (4, 5, 4), "TC": (3, 5, 4), "AI": (4, 5, 5), "AC": (3, 5, 5), "AI+": (3, 6, 5), "AC+": (2, 6, 5)}


@pytest.mark.parametrize("metric", list(TEXTEE_NUMBERS))
def test_compat_textee_reproduces_textees_scorer(corpus, metric) -> None:
    match, pred, gold = TEXTEE_NUMBERS[metric]
    report = run(corpus, TEXTEE_SCENARIO, compat="textee")
    assert counts(report, metric) == (match, pred - match, gold - match)


def test_default_mode_counts_what_textee_collapses(corpus) -> None:
    report = run(corpus, TEXTEE_SCENARIO)
    assert counts(report, "TI") == (4, 2, 0)  # the duplicate of "condemned" is a false positive
    assert counts(report, "AI") == (4, 3, 1)  # 7 predicted arguments, none collapsed


def test_auto_resampling_unit_depends_on_the_number_of_documents(tmp_path) -> None:
    one = load_gold(write_lines(tmp_path / "one.jsonl", [make_gold_doc()]))
    few = load_gold(write_lines(tmp_path / "few.jsonl", [make_gold_doc() | {"id": f"d{i}"} for i in range(29)]))
    many = load_gold(write_lines(tmp_path / "many.jsonl", [make_gold_doc() | {"id": f"d{i}"} for i in range(30)]))
    assert score(one, [], resampling=ResamplingOptions(n=10)).signature.fields()["boot"] == "sentence-10"
    assert score(few, [], resampling=ResamplingOptions(n=10)).signature.fields()["boot"] == "sentence-10"
    assert score(many, [], resampling=ResamplingOptions(n=10)).signature.fields()["boot"] == "doc-10"
    assert score(many, [], resampling=ResamplingOptions(n=10, unit="paragraph")).signature.fields()["boot"] == "paragraph-10"


def test_gold_index_scores_like_the_in_memory_corpus(tmp_path) -> None:
    from benchmark.loader import index_gold
    docs = [make_gold_doc() | {"id": f"d{i}"} for i in range(3)]
    path = write_lines(tmp_path / "gold.jsonl", docs)
    corpus, index = load_gold(path), index_gold(path)
    assert index.digest == corpus.digest and len(index) == 3 and "d1" in index and "x" not in index
    assert list(index.documents) == list(corpus.documents)
    preds = [msgspec.convert({"id": "d1", "events": PERFECT}, Prediction)]
    a = score(corpus, preds, resampling=ResamplingOptions(n=20))
    b = score(index, preds, resampling=ResamplingOptions(n=20))
    assert str(a.signature) == str(b.signature)
    assert {m: (r.counts, r.ci) for m, r in a.metrics.items()} == {m: (r.counts, r.ci) for m, r in b.metrics.items()}
