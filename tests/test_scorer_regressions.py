"""Regression tests for defects found by an independent review of the scorer (one test per finding)."""

from __future__ import annotations


import msgspec
import numpy as np
import pytest

from benchmark.comparison import compare
from benchmark.errors import UsageError
from benchmark.loader import load_gold
from benchmark.model import Prediction
from benchmark.scorer import ResamplingOptions, ScoringOptions, score
from benchmark.textalign import NormalisedText
from conftest import TEXT, make_gold_doc, span, write_lines

NO_CI = ResamplingOptions(n=0)


@pytest.fixture
def corpus(tmp_path):
    return load_gold(write_lines(tmp_path / "g.jsonl", [make_gold_doc()]))


def pred(events=(), stances=()):
    return msgspec.convert({"id": "doc1", "events": list(events), "stances": list(stances)}, Prediction)


def ev(id_, type_, trigger, args=(), fact="asserted", mode=None, text_only=False):
    def sp(text, nth=0):
        return {"text": text} if text_only else span(TEXT, text, nth)
    event = {"id": id_, "type": type_, "factuality": fact, "trigger": sp(trigger),
             "arguments": [{"role": r, "span": sp(t, n)} for r, t, n in args]}
    if mode:
        event["mode"] = mode
    return event


def counts(report, metric):
    return tuple(report.metrics[metric].counts)


def test_precision_interval_keeps_draws_with_gold_but_no_prediction(corpus) -> None:
    # One correct prediction in the last sentence: draws without that sentence have gold but
    # no prediction, so precision is zero_division (0), not undefined.
    report = score(corpus, [pred([ev("p", "REJECT", "refused", [("actor", "Moscow", 0)])])],
                   resampling=ResamplingOptions(n=1000, unit="sentence"))
    assert report.metrics["TC"].precision == 1.0
    assert report.metrics["TC"].ci["precision"][0] == 0.0


def test_p_values_do_not_depend_on_the_metrics_asked_for(corpus) -> None:
    a = score(corpus, [pred([ev("p", "ACCUSE", "condemned"), ev("q", "ASSAULT", "attack")])],
              resampling=ResamplingOptions(n=200, unit="sentence"))
    b = score(corpus, [pred([ev("p", "ACCUSE", "condemned")])], resampling=ResamplingOptions(n=200, unit="sentence"))
    alone = compare(a, b, metrics=("TC",))[0]
    among = [c for c in compare(a, b, metrics=("AC+", "TI", "TC")) if c.metric == "TC"][0]
    assert (alone.p_bootstrap, alone.p_randomization) == (among.p_bootstrap, among.p_randomization)


def test_lenient_removed_events_cost_argument_precision_without_a_pseudo_label(tmp_path, corpus) -> None:
    from benchmark.api import score_file
    good = ev("p", "ACCUSE", "condemned", [("actor", "Russia", 0)], mode="disapprove")
    bad = ev("x", "PROTEST", "stop", [("agent", "Ukraine", 0), ("recipient", "Kyiv", 0), ("actor", "Moscow", 0)])
    path = write_lines(tmp_path / "p.jsonl", [{"id": "doc1", "events": [good, bad]}])
    report = score_file(path, corpus, resampling=NO_CI, lenient=True)
    assert counts(report, "TC") == (1, 1, 3) and counts(report, "AI") == (1, 3, 4)
    assert "" not in report.metrics["TC"].per_label and report.metrics["TI"].macro_f1 is None
    assert report.signature.fields()["valid"] == "lenient"
    assert score(corpus, [], resampling=NO_CI).signature.fields()["valid"] == "strict"


def test_text_only_resolution_does_not_depend_on_record_order(corpus) -> None:
    b = ev("b", "ACCUSE", "condemned", [("actor", "Russia", 0)], mode="disapprove", text_only=True)
    c = ev("c", "ASSAULT", "attack", [("actor", "Russia", 0)], text_only=True)
    first, second = score(corpus, [pred([b, c])], resampling=NO_CI), score(corpus, [pred([c, b])], resampling=NO_CI)
    assert counts(first, "AI") == counts(second, "AI") == (1, 1, 4)


def test_an_argument_does_not_take_a_stance_holders_mention(corpus) -> None:
    stance = {"id": "s1", "holder": {"span": {"text": "Russia"}}, "target": {"event": "b"}, "polarity": "against"}
    plain = ev("b", "ASSAULT", "attack", [("place", "Kyiv", 0)], text_only=True)
    with_actor = ev("b", "ASSAULT", "attack", [("place", "Kyiv", 0), ("actor", "Russia", 0)], text_only=True)
    assert counts(score(corpus, [pred([plain], [stance])], resampling=NO_CI), "ST") == \
        counts(score(corpus, [pred([with_actor], [stance])], resampling=NO_CI), "ST") == (1, 0, 1)


def test_two_text_only_events_of_different_types_share_a_trigger(tmp_path) -> None:
    doc = make_gold_doc()
    doc["events"].append({"id": "V5", "type": "ACCUSE", "trigger": span(TEXT, "asked"), "factuality": "asserted",
                          "arguments": []})
    corpus = load_gold(write_lines(tmp_path / "g.jsonl", [doc]))
    events = [ev("a", "REQUEST", "asked", mode="change", text_only=True), ev("b", "ACCUSE", "asked", text_only=True)]
    report = score(corpus, [pred(events)], resampling=NO_CI)
    assert counts(report, "TC") == (2, 0, 3)


def test_nfkc_equates_composed_and_decomposed_forms() -> None:
    assert NormalisedText("Les Cafe\u0301s ferment.").find_all("caf\u00e9s") == [(4, 10)]
    assert NormalisedText("Les Caf\u00e9s ferment.").find_all("Cafe\u0301s") == [(4, 9)]


def test_duplicate_predicted_events_do_not_make_stances_order_dependent(corpus) -> None:
    a, b = ev("a", "ASSAULT", "attack"), ev("b", "ASSAULT", "attack")
    stance = {"id": "s", "holder": {"span": span(TEXT, "Russia")}, "target": {"event": "b"}, "polarity": "against"}
    results = {counts(score(corpus, [pred(order, [stance])], resampling=NO_CI), "ST") for order in ([a, b], [b, a])}
    assert len(results) == 1


def test_attributes_decide_the_pairing_among_equal_triggers(tmp_path) -> None:
    doc = make_gold_doc()
    doc["events"].append({"id": "V5", "type": "REQUEST", "trigger": span(TEXT, "asked"), "factuality": "hypothetical",
                          "arguments": []})
    corpus = load_gold(write_lines(tmp_path / "g.jsonl", [doc]))
    report = score(corpus, [pred([ev("p", "REQUEST", "asked", fact="hypothetical")])], resampling=NO_CI)
    assert counts(report, "FACT") == (1, 0, 0) and counts(report, "MODE") == (1, 0, 0)
    both = score(corpus, [pred([ev("p", "REQUEST", "asked", mode="change"), ev("q", "ACCUSE", "condemned")])],
                 resampling=NO_CI)
    assert all(g == p for (g, p) in both.confusion)


def test_textee_dedupe_rows_do_not_depend_on_record_order(corpus) -> None:
    x = ev("x", "REQUEST", "stop", [("actor", "Ukraine", 0)])
    y = ev("y", "REQUEST", "refused", [("actor", "Ukraine", 0)])
    tables = [score(corpus, [pred(order)], options=ScoringOptions(compat="textee"),
                    resampling=ResamplingOptions(n=0, unit="sentence")).table for order in ([x, y], [y, x])]
    assert np.array_equal(*tables)


def test_no_per_label_intervals_without_resampling(corpus) -> None:
    report = score(corpus, [pred([ev("p", "ACCUSE", "condemned")])], resampling=NO_CI)
    assert report.label_intervals("TC") == {}


# --- second review: statistics ------------------------------------------------------------


def test_intervals_do_not_depend_on_the_order_of_gold_documents(tmp_path) -> None:
    """The gold hash ignores document order, so the bootstrap must too (units in id order)."""
    docs = [make_gold_doc() | {"id": f"d{i}"} for i in range(6)]
    predictions = [msgspec.convert({"id": f"d{i}", "events": [ev("p", "REJECT", "refused")] * (i % 2)}, Prediction)
                   for i in range(6)]
    reports = [score(load_gold(write_lines(tmp_path / f"{name}.jsonl", order)), predictions,
                     resampling=ResamplingOptions(n=200, unit="doc"))
               for name, order in (("forward", docs), ("reversed", docs[::-1]))]
    assert str(reports[0].signature) == str(reports[1].signature)
    assert reports[0].metrics["TC"].ci == reports[1].metrics["TC"].ci
    assert reports[0].doc_ids == reports[1].doc_ids == [f"d{i}" for i in range(6)]


def test_p_values_use_the_reports_resamples_and_need_some(corpus) -> None:
    a = score(corpus, [pred([ev("p", "ACCUSE", "condemned")])], resampling=ResamplingOptions(n=0, unit="sentence"))
    with pytest.raises(UsageError, match="score both systems with --bootstrap N"):
        compare(a, a)
    single = score(corpus, [pred()], resampling=ResamplingOptions(n=100, unit="doc"))
    with pytest.raises(UsageError, match="at least 2 resampling units; the gold has 1 doc unit"):
        compare(single, single)


def test_every_confidence_level_has_its_own_signature(corpus) -> None:
    levels = [score(corpus, [], resampling=ResamplingOptions(n=10, level=level)).signature.fields()["ci"]
              for level in (0.95, 0.9500001)]
    assert levels == ["95", "95.00001"]


def test_few_resampling_units_get_a_warning(corpus) -> None:
    from benchmark.render import notes

    few = score(corpus, [], resampling=ResamplingOptions(n=10, unit="sentence"))
    assert any(f"only {few.table.shape[0]} resampling unit(s) (sentence)" in line for line in notes(few))
    assert not any("resampling unit" in line for line in notes(score(corpus, [], resampling=NO_CI)))


def test_text_only_holder_and_target_prefer_gold_stance_spans(tmp_path) -> None:
    """A text-only holder or target resolves to the annotated holder/target span, not the first mention."""
    text = "Iran met Russia. Iran praised Russia."
    whole = {"start": 0, "end": len(text), "text": text}
    doc = {"id": "d", "text": text, "meta": {}, "paragraphs": [whole], "sentences": [whole],
           "entities": [{"id": "E1", "type": "GOV", "mentions": [span(text, "Iran"), span(text, "Iran", 1)]},
                        {"id": "E2", "type": "GOV", "mentions": [span(text, "Russia"), span(text, "Russia", 1)]}],
           "events": [],
           "stances": [{"id": "S1", "holder": {"entity": "E1", "span": span(text, "Iran", 1)},
                        "target": {"entity": "E2", "span": span(text, "Russia", 1)}, "polarity": "favor",
                        "evidence": [span(text, "praised")]}]}
    corpus = load_gold(write_lines(tmp_path / "g.jsonl", [doc]))
    prediction = msgspec.convert({"id": "d", "stances": [{"id": "s", "holder": {"span": {"text": "Iran"}},
                                                          "target": {"span": {"text": "Russia"}}, "polarity": "favor"}]},
                                 Prediction)
    report = score(corpus, [prediction], resampling=NO_CI)
    assert counts(report, "ST") == counts(report, "ST-ID") == (1, 0, 0)
    assert report.metrics["F_avg"].f1 == 1.0


def test_missing_documents_are_listed_in_id_order(tmp_path) -> None:
    docs = [make_gold_doc() | {"id": doc_id} for doc_id in ("b", "c", "a")]
    for order in (docs, docs[::-1]):
        report = score(load_gold(write_lines(tmp_path / "g.jsonl", order)), [], resampling=NO_CI)
        assert report.missing_documents == ["a", "b", "c"]
