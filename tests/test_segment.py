"""Paragraph and sentence segmentation."""

from __future__ import annotations

from hypothesis import given, strategies as st

from benchmark import segment


def texts(text: str, spans) -> list[str]:
    return [text[s:e] for s, e in spans]


def test_paragraphs_are_blank_line_separated_and_trimmed() -> None:
    text = "Title\n\n  First para. Still first.\n\nSecond.\n"
    assert texts(text, segment.paragraphs(text)) == ["Title", "First para. Still first.", "Second."]


def test_sentences_respect_abbreviations_initials_and_quotes() -> None:
    text = 'Mr. Smith met Gen. Lee in the U.S. on Monday. J. Doe said: "It ended." Then he left! Did he? Yes.'
    assert texts(text, segment.sentences(text)) == [
        "Mr. Smith met Gen. Lee in the U.S. on Monday.",
        'J. Doe said: "It ended."',
        "Then he left!",
        "Did he?",
        "Yes.",
    ]


def test_a_stop_before_lower_case_does_not_split() -> None:
    text = "There (in Syria. – “NG”) there is violence. Next one."
    assert texts(text, segment.sentences(text)) == ["There (in Syria. – “NG”) there is violence.", "Next one."]


@given(st.text(alphabet="ab. \nAB?!\"", max_size=80))
def test_sentences_are_ordered_trimmed_and_inside_paragraphs(text: str) -> None:
    paragraphs = segment.paragraphs(text)
    previous = 0
    for start, end in segment.sentences(text):
        assert previous <= start < end
        assert text[start:end] == text[start:end].strip()
        assert any(ps <= start and end <= pe for ps, pe in paragraphs)
        previous = end
