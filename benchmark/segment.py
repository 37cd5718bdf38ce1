"""Paragraph and sentence segmentation of plain news text (half-open code-point spans).

Paragraphs are the runs of text between blank lines. Sentences are found by a small,
deterministic rule: a sentence ends after ``.``, ``!`` or ``?`` (plus any closing quotes
or brackets) followed by whitespace and an upper-case letter, digit or opening quote,
unless the word before the stop is a known abbreviation or a single capital initial.
Sentences never cross a paragraph boundary. Used for new texts (the rule baseline, the
initial segmentation of a document to annotate); gold segmentation is stored in the data.
"""

from __future__ import annotations

import re

_PARAGRAPH = re.compile(r"[^\n]+(?:\n(?!\s*\n)[^\n]+)*")
_BOUNDARY = re.compile(r"[.!?]+[\"'”’)\]]*(?=\s+[\"'“‘(\[]?[A-Z0-9])")
_ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof gen col lt sgt capt st jr sr u.s u.k u.n e.g i.e etc vs no jan feb mar apr "
    "jun jul aug sep sept oct nov dec gov sen rep maj adm cmdr".split()
)


def paragraphs(text: str) -> list[tuple[int, int]]:
    """Spans of the paragraphs (text between blank lines), trimmed of outer whitespace."""
    spans = []
    for match in _PARAGRAPH.finditer(text):
        start, end = _trim(text, match.start(), match.end())
        if start < end:
            spans.append((start, end))
    return spans


def sentences(text: str, within: list[tuple[int, int]] | None = None) -> list[tuple[int, int]]:
    """Spans of the sentences of ``text``, inside the given paragraph spans (default: all)."""
    spans = []
    for para_start, para_end in within if within is not None else paragraphs(text):
        start = para_start
        for match in _BOUNDARY.finditer(text, para_start, para_end):
            if _is_abbreviation(text, para_start, match.start()):
                continue
            spans.append(_trim(text, start, match.end()))
            start = match.end()
        trimmed = _trim(text, start, para_end)
        if trimmed[0] < trimmed[1]:
            spans.append(trimmed)
    return spans


def _is_abbreviation(text: str, floor: int, stop: int) -> bool:
    word_start = stop
    while word_start > floor and not text[word_start - 1].isspace():
        word_start -= 1
    word = text[word_start:stop].strip("\"'“‘(").lower()
    return word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha())


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
