"""Agreement between annotation passes, computed with the scorer."""

from __future__ import annotations

from collections import Counter

import msgspec
import pytest

from benchmark.agreement import agreement, as_prediction, cohen_kappa
from benchmark.model import Document
from conftest import make_gold_doc


def test_a_pass_agrees_with_itself() -> None:
    doc = msgspec.convert(make_gold_doc(), Document)
    result = agreement([doc], [doc])
    assert all(row["f1"] == 1.0 for row in result.table().values())
    assert as_prediction(doc).entities is not None


def test_agreement_is_symmetric_in_f1() -> None:
    a = msgspec.convert(make_gold_doc(), Document)
    raw = make_gold_doc()
    raw["events"] = raw["events"][:2]
    raw["stances"] = raw["stances"][:1]
    b = msgspec.convert(raw, Document)
    ab, ba = agreement([a], [b]).table(), agreement([b], [a]).table()
    assert {k: v["f1"] for k, v in ab.items()} == {k: v["f1"] for k, v in ba.items()}
    assert ab["TC"] == {"f1": pytest.approx(2 * 2 / (4 + 2)), "a_items": 4, "b_items": 2, "matched": 2}


def test_cohen_kappa_by_hand() -> None:
    # 10 items: A/B agree on 7 (x,x)=4 (y,y)=3; disagree (x,y)=2 (y,x)=1.
    pairs = Counter({("x", "x"): 4, ("y", "y"): 3, ("x", "y"): 2, ("y", "x"): 1})
    # p_o = 0.7; A: x 6, y 4; B: x 5, y 5; p_e = (6*5 + 4*5)/100 = 0.5; kappa = 0.2/0.5 = 0.4
    assert cohen_kappa(pairs) == pytest.approx(0.4)
    assert cohen_kappa(Counter({("x", "x"): 3})) is None
