"""Feature dictionaries for the ML baseline (tokens, trigger-candidate pairs, factuality, stances).

Every function is pure: plain data in, ``dict[str, float | str]`` out, for ``DictVectorizer``.
"""

from __future__ import annotations

from baselines.rules.coder import TOKEN, lexicons

NEGATIONS = {"not", "n't", "never", "no", "without", "denied", "failed"}


def stem(word: str) -> str:
    """A crude suffix stripper, enough to share features across inflections."""
    word = word.lower()
    for suffix in ("ing", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def lexicon_type(word: str) -> str:
    cues = lexicons().cues.get(word.lower())
    single = [c for c in cues or () if len(c.tokens) == 1]
    return single[0].event_type if single else "-"


def token_features(words: list[str], i: int) -> dict[str, str | float]:
    """Features of token i of a sentence for trigger tagging."""
    w = words[i]
    feats: dict[str, str | float] = {
        "w": w.lower(), "stem": stem(w), "suf3": w[-3:].lower(), "title": float(w[:1].isupper()),
        "lex": lexicon_type(w), "first": float(i == 0),
    }
    for offset in (-2, -1, 1, 2):
        j = i + offset
        feats[f"w{offset:+d}"] = words[j].lower() if 0 <= j < len(words) else "<pad>"
    feats["lex-1"] = lexicon_type(words[i - 1]) if i > 0 else "-"
    return feats


def pair_features(words: list[str], event_type: str, trigger: tuple[int, int], mention: tuple[int, int],
                  mention_type: str) -> dict[str, str | float]:
    """Features of a (trigger, candidate mention) pair, in token positions of one sentence."""
    before = mention[1] <= trigger[0]
    gap = (trigger[0] - mention[1]) if before else (mention[0] - trigger[1])
    between = words[mention[1]:trigger[0]] if before else words[trigger[1]:mention[0]]
    feats: dict[str, str | float] = {
        "type": event_type, "mtype": mention_type, "side": "before" if before else "after",
        "type+side": f"{event_type}|{'before' if before else 'after'}", "mtype+side": f"{mention_type}|{before}",
        "gap": min(gap, 10) / 10, "prep": words[mention[0] - 1].lower() if mention[0] > 0 else "<s>",
        "head": words[mention[1] - 1].lower(),
    }
    for word in between[-3:] if before else between[:3]:
        feats[f"between={word.lower()}"] = 1.0
    return feats


def factuality_features(words: list[str], trigger: tuple[int, int], event_type: str) -> dict[str, str | float]:
    """Features of the context of a trigger for factuality."""
    feats: dict[str, str | float] = {"type": event_type, "trigger": stem(words[trigger[0]])}
    for offset, word in enumerate(reversed(words[max(0, trigger[0] - 6):trigger[0]]), start=1):
        feats[f"before={word.lower()}"] = 1.0
        if word.lower() in NEGATIONS:
            feats["negation"] = 1.0
    for word in words[trigger[1]:trigger[1] + 2]:
        feats[f"after={word.lower()}"] = 1.0
    return feats


def tokenize(text: str, start: int, end: int) -> list[tuple[int, int, str]]:
    return [(start + m.start(), start + m.end(), m.group()) for m in TOKEN.finditer(text[start:end])]
