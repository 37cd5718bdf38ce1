"""English inflection for lexicon cues: lemma -> the forms a news text uses.

Regular rules (``-s``/``-es``/``-ies``, ``-ed``/``-d``/``-ied``, ``-ing`` with e-drop and
consonant doubling for short CVC stems) plus a table of common irregular verbs. Over-
generation (``news`` -> ``newses``) is harmless: forms only ever match real words.
"""

from __future__ import annotations

IRREGULAR = {
    "be": ["is", "are", "was", "were", "been", "being"], "break": ["broke", "broken"], "bring": ["brought"],
    "build": ["built"], "buy": ["bought"], "catch": ["caught"], "choose": ["chose", "chosen"], "come": ["came"],
    "cut": ["cut"], "deal": ["dealt"], "do": ["did", "done", "does"], "drive": ["drove", "driven"], "fall": ["fell", "fallen"],
    "fight": ["fought"], "find": ["found"], "flee": ["fled"], "forbid": ["forbade", "forbidden"], "forgive": ["forgave", "forgiven"],
    "freeze": ["froze", "frozen"], "give": ["gave", "given"], "go": ["went", "gone", "goes"], "hang": ["hung", "hanged"],
    "have": ["had", "has"], "hear": ["heard"], "hide": ["hid", "hidden"], "hit": ["hit"], "hold": ["held"], "keep": ["kept"],
    "lay": ["laid"], "lead": ["led"], "leave": ["left"], "lose": ["lost"], "make": ["made"], "meet": ["met"], "pay": ["paid"],
    "put": ["put"], "quit": ["quit"], "rise": ["rose", "risen"], "run": ["ran"], "say": ["said"], "see": ["saw", "seen"],
    "seek": ["sought"], "sell": ["sold"], "send": ["sent"], "set": ["set"], "shake": ["shook", "shaken"], "shoot": ["shot"],
    "shut": ["shut"], "slay": ["slew", "slain"], "speak": ["spoke", "spoken"], "spend": ["spent"], "stand": ["stood"],
    "steal": ["stole", "stolen"], "strike": ["struck", "stricken"], "swear": ["swore", "sworn"], "take": ["took", "taken"],
    "tell": ["told"], "think": ["thought"], "throw": ["threw", "thrown"], "undertake": ["undertook", "undertaken"],
    "uphold": ["upheld"], "win": ["won"], "withdraw": ["withdrew", "withdrawn"], "withhold": ["withheld"], "write": ["wrote", "written"],
    "beat": ["beaten"], "bind": ["bound"], "forsake": ["forsook", "forsaken"], "overthrow": ["overthrew", "overthrown"],
    "blow": ["blew", "blown"], "bear": ["bore", "borne"], "sting": ["stung"], "spread": ["spread"], "upset": ["upset"],
}
_VOWELS = set("aeiou")


def _doubles(word: str) -> bool:
    """Short consonant-vowel-consonant stems double their final consonant (stop -> stopped)."""
    return (len(word) >= 3 and word[-1] not in _VOWELS | {"w", "x", "y"} and word[-2] in _VOWELS
            and word[-3] not in _VOWELS and sum(ch in _VOWELS for ch in word) == 1)


def inflections(lemma: str) -> set[str]:
    """Every form of a lower-case lemma (the lemma included)."""
    forms = {lemma}
    if lemma.endswith(("s", "x", "z", "ch", "sh")):
        forms.add(lemma + "es")
    elif lemma.endswith("y") and len(lemma) > 2 and lemma[-2] not in _VOWELS:
        forms.add(lemma[:-1] + "ies")
    else:
        forms.add(lemma + "s")
    if lemma.endswith("e"):
        forms.update({lemma + "d", lemma[:-1] + "ing"})
    elif lemma.endswith("y") and len(lemma) > 2 and lemma[-2] not in _VOWELS:
        forms.update({lemma[:-1] + "ied", lemma + "ing"})
    elif _doubles(lemma):
        forms.update({lemma + lemma[-1] + "ed", lemma + lemma[-1] + "ing", lemma + "ed", lemma + "ing"})
    else:
        forms.update({lemma + "ed", lemma + "ing"})
    forms.update(IRREGULAR.get(lemma, ()))
    return forms
