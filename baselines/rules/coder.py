"""The rule coder: text -> PLOVER events, arguments, factuality, stances and actor mentions.

Per sentence (``benchmark.segment``), per token (a regex tokenizer with offsets):
1. **Triggers**: the longest lexicon cue starting at each token (``lexicon.json``, inflected
   by ``morphology``); a token is used by at most one cue.
2. **Actors**: gazetteer names and aliases (``gazetteer.json``; states, capitals as
   metonyms, organisations), role nouns ("police" -> COP), runs of capitalised words
   (UNK), dates and weekdays (TIME). A state or capital after "in", "at", "near" or "across"
   is a place (LOC). Gazetteer aliases share their canonical name, which is the entity.
3. **Arguments**, clause-local: actor = the nearest actor mention before the trigger
   (with its conjuncts: "A, B and C"), recipient = the nearest after it (within 8
   tokens), place = the first LOC after the trigger, time = the nearest TIME in the sentence.
4. **Factuality** from the 5 tokens before the trigger: a negation -> negated; a modal,
   future, conditional, or a demanding/planning verb -> hypothetical; else asserted. An event
   right after a REQUEST/THREATEN/AGREE/REJECT trigger in its sentence is its content: hypothetical.
5. **Stances**, event-implied: ACCUSE -> actor against the recipient, or against the next
   ASSAULT/COERCE event of the sentence; REQUEST -> actor favor the next event (the content);
   SUPPORT -> favor the recipient; REJECT and THREATEN -> against the recipient.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

from baselines.rules.morphology import inflections
from benchmark import segment

TOKEN = re.compile(r"\w+(?:[-'’.]\w+)*|[^\w\s]")
NEGATIONS = {"not", "n't", "never", "no", "neither", "nor", "without", "denied", "failed"}
HYPOTHETICAL = {"will", "would", "could", "may", "might", "should", "must", "can", "shall", "if", "plan", "plans",
                "planned", "planning", "intend", "intends", "intended", "want", "wants", "wanted", "threaten",
                "threatens", "threatened", "propose", "proposed", "possible", "possibility", "ready", "prepared",
                "seek", "seeks", "aim", "aims", "hope", "hopes", "expected", "likely", "unless", "whether", "allegedly",
                "reportedly", "seems", "appears", "fear", "fears", "feared", "risk", "demand", "demanded", "urge", "urged"}
CONTENT_HEADS = {"REQUEST", "THREATEN", "AGREE", "REJECT"}
PLACE_PREPOSITIONS = {"in", "at", "near", "across", "inside", "outside"}
WEEKDAYS = "Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
TIME_PATTERN = re.compile(
    rf"\b(?:(?:{MONTHS}) \d{{1,2}}(?:, \d{{4}})?|\d{{1,2}} (?:{MONTHS})(?: \d{{4}})?|(?:{WEEKDAYS})|(?:early |late |in )?(?:{MONTHS}) \d{{4}}"
    rf"|yesterday|today|tonight|last (?:week|month|year|night)|this (?:week|month|year)|since (?:{MONTHS})|(?:in )?(?:19|20)\d\d)\b")
STOP_CAPITALS = {"The", "A", "An", "In", "On", "At", "He", "She", "It", "They", "We", "I", "This", "That", "These", "Those",
                 "But", "And", "However", "Meanwhile", "According", "As", "After", "Before", "While", "When", "If", "Earlier",
                 "Later", "Also", "Since", "There", "His", "Her", "Its", "Their", "Our", "Mr", "Ms", "Mrs", "Dr"}


@dataclass(frozen=True)
class Cue:
    tokens: tuple[str, ...]
    event_type: str
    mode: str | None


@dataclass(frozen=True)
class Mention:
    start: int  # character offsets
    end: int
    token_start: int
    token_end: int
    entity: str  # canonical identity
    type: str


@dataclass
class Lexicons:
    cues: dict[str, list[Cue]]  # first token -> cues, longest first
    aliases: dict[tuple[str, ...], tuple[str, str]]  # token tuple (case-sensitive) -> (canonical, type)
    roles: dict[tuple[str, ...], str]  # lower-case token tuple -> type
    max_alias: int = 1
    max_role: int = 1


def _read(name: str) -> dict[str, Any]:
    return json.loads(resources.files("baselines.rules").joinpath(name).read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def lexicons() -> Lexicons:
    """The trigger lexicon and the gazetteer, compiled once per process."""
    cues: dict[str, list[Cue]] = {}
    for event_type, blocks in _read("lexicon.json")["types"].items():
        for block in blocks:
            for cue in block["cues"]:
                words = cue.lower().split()
                for form in inflections(words[0]):
                    entry = Cue((form, *words[1:]), event_type, block.get("mode"))
                    cues.setdefault(form, []).append(entry)
    for entries in cues.values():
        entries.sort(key=lambda c: -len(c.tokens))
    gazetteer = _read("gazetteer.json")
    aliases: dict[tuple[str, ...], tuple[str, str]] = {}
    for state, names in gazetteer["states"].items():
        for name in (state, *names):
            aliases[tuple(TOKEN.findall(name))] = (state, "GOV")
    for entity_type, organisations in gazetteer["organisations"].items():
        for canonical, names in organisations.items():
            for name in (canonical, *names):
                aliases[tuple(TOKEN.findall(name))] = (canonical, entity_type)
    roles = {tuple(TOKEN.findall(phrase.lower())): entity_type
             for entity_type, phrases in gazetteer["role_heads"].items() for phrase in phrases}
    return Lexicons(cues, aliases, roles, max(map(len, aliases)), max(map(len, roles)))


@dataclass
class _Sentence:
    start: int
    tokens: list[tuple[int, int, str]]  # (start, end, text)
    mentions: list[Mention] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)


def find_mentions(tokens: list[tuple[int, int, str]], text: str, lex: Lexicons) -> list[Mention]:
    """Actor, place and time mentions of one sentence, left to right, non-overlapping."""
    mentions: list[Mention] = []
    taken = [False] * len(tokens)
    for match in TIME_PATTERN.finditer(text, tokens[0][0], tokens[-1][1]) if tokens else ():
        first = next(i for i, t in enumerate(tokens) if t[1] > match.start())
        last = max(i for i, t in enumerate(tokens) if t[0] < match.end())
        mentions.append(Mention(tokens[first][0], tokens[last][1], first, last + 1, f"time:{match.group().lower()}", "TIME"))
        taken[first:last + 1] = [True] * (last + 1 - first)
    words = [t[2] for t in tokens]
    lower = [w.lower() for w in words]
    i = 0
    while i < len(tokens):
        if taken[i]:
            i += 1
            continue
        found = None
        for size in range(min(lex.max_alias, len(tokens) - i), 0, -1):
            hit = lex.aliases.get(tuple(words[i:i + size]))
            if hit:
                canonical, entity_type = hit
                if entity_type == "GOV" and i > 0 and lower[i - 1] in PLACE_PREPOSITIONS:
                    canonical, entity_type = f"place:{canonical}", "LOC"
                found = (size, canonical, entity_type)
                break
        if found is None:
            for size in range(min(lex.max_role, len(tokens) - i), 0, -1):
                entity_type = lex.roles.get(tuple(lower[i:i + size]))
                if entity_type:
                    found = (size, " ".join(lower[i:i + size]), entity_type)
                    break
        if found is None and words[i][:1].isupper() and words[i] not in STOP_CAPITALS and (i > 0 or len(words) == 1):
            size = 1
            while i + size < len(tokens) and words[i + size][:1].isupper() and not taken[i + size]:
                size += 1
            found = (size, " ".join(words[i:i + size]), "UNK")
        if found is None:
            i += 1
            continue
        size, canonical, entity_type = found
        mentions.append(Mention(tokens[i][0], tokens[i + size - 1][1], i, i + size, canonical, entity_type))
        i += size
    mentions.sort(key=lambda m: m.start)
    return mentions


def find_triggers(tokens: list[tuple[int, int, str]], lex: Lexicons, blocked: set[int]) -> list[tuple[int, int, Cue]]:
    """(first token, end token, cue) of every trigger, longest cue first, tokens used once."""
    lower = [t[2].lower() for t in tokens]
    found = []
    i = 0
    while i < len(tokens):
        hit = None
        if i not in blocked:
            for cue in lex.cues.get(lower[i], ()):
                n = len(cue.tokens)
                if tuple(lower[i:i + n]) == cue.tokens:
                    hit = (i, i + n, cue)
                    break
        if hit:
            found.append(hit)
            i = hit[1]
        else:
            i += 1
    return found


def _conjuncts(mentions: list[Mention], anchor: Mention, words: list[str]) -> list[Mention]:
    """The anchor plus mentions coordinated with it by ',' / 'and' immediately before it."""
    group = [anchor]
    index = mentions.index(anchor)
    while index > 0:
        previous = mentions[index - 1]
        between = words[previous.token_end:group[0].token_start]
        if between and all(w in {",", "and"} for w in between) and previous.type not in ("TIME", "LOC"):
            group.insert(0, previous)
            index -= 1
        else:
            break
    return group


def _factuality(lower: list[str], first: int, previous_event: dict | None) -> str:
    window = lower[max(0, first - 5):first]
    if any(w in NEGATIONS for w in window):
        return "negated"
    if any(w in HYPOTHETICAL for w in window):
        return "hypothetical"
    if previous_event is not None and previous_event["type"] in CONTENT_HEADS and first - previous_event["_end"] <= 6:
        return "hypothetical"
    return "asserted"


def _span(text: str, start: int, end: int) -> dict[str, Any]:
    return {"start": start, "end": end, "text": text[start:end]}


def code_document(doc_id: str, text: str) -> dict[str, Any]:
    """Predictions for one document, as a JSON-ready evbench prediction record."""
    lex = lexicons()
    sentences = []
    for s_start, s_end in segment.sentences(text):
        tokens = [(s_start + m.start(), s_start + m.end(), m.group()) for m in TOKEN.finditer(text[s_start:s_end])]
        sentence = _Sentence(s_start, tokens)
        sentence.mentions = find_mentions(tokens, text, lex) if tokens else []
        sentences.append(sentence)
    events, stances, entity_mentions = [], [], {}
    for sentence in sentences:
        tokens, mentions = sentence.tokens, sentence.mentions
        lower = [t[2].lower() for t in tokens]
        words = [t[2] for t in tokens]
        blocked = {i for m in mentions for i in range(m.token_start, m.token_end)}
        previous: dict | None = None
        for first, end, cue in find_triggers(tokens, lex, blocked):
            event = {"id": f"V{len(events) + 1}", "type": cue.event_type, "mode": cue.mode,
                     "trigger": _span(text, tokens[first][0], tokens[end - 1][1]),
                     "factuality": _factuality(lower, first, previous), "arguments": [], "_end": end, "_first": first}
            actors = [m for m in mentions if m.token_end <= first and m.type not in ("LOC", "TIME")]
            if actors:
                for m in _conjuncts(mentions, actors[-1], words):
                    event["arguments"].append(("actor", m))
            recipients = [m for m in mentions if m.token_start >= end and m.token_start - end <= 8 and m.type not in ("LOC", "TIME")]
            if recipients:
                event["arguments"].append(("recipient", recipients[0]))
            places = [m for m in mentions if m.token_start >= end and m.type == "LOC"]
            if places:
                event["arguments"].append(("place", places[0]))
            times = [m for m in mentions if m.type == "TIME"]
            if times:
                event["arguments"].append(("time", min(times, key=lambda m: abs(m.token_start - first))))
            sentence.events.append(event)
            events.append(event)
            previous = event
        for index, event in enumerate(sentence.events):
            stances.extend(_implied_stances(event, sentence.events[index + 1:], len(stances)))
        for m in mentions:
            entity_mentions.setdefault((m.entity, m.type), []).append(m)
    predicted_events = []
    for event in events:
        arguments = [{"role": role, "span": _span(text, m.start, m.end)} for role, m in event["arguments"]]
        record = {k: v for k, v in event.items() if not k.startswith("_") and v is not None}
        record["arguments"] = arguments
        predicted_events.append(record)
    entities = [{"id": f"E{i + 1}", "type": entity_type, "name": canonical,
                 "mentions": [_span(text, m.start, m.end) for m in ms]}
                for i, ((canonical, entity_type), ms) in enumerate(entity_mentions.items())]
    return {"id": doc_id, "entities": entities, "events": predicted_events,
            "stances": [_stance_record(s, text) for s in stances]}


def _implied_stances(event: dict, later: list[dict], offset: int) -> list[dict]:
    roles = {}
    for role, mention in event["arguments"]:
        roles.setdefault(role, mention)
    holder = roles.get("actor")
    if holder is None:
        return []
    kind = event["type"]
    out = []
    if kind == "ACCUSE":
        if "recipient" in roles:
            out.append((holder, {"entity": roles["recipient"]}, "against"))
        violent = next((e for e in later if e["type"] in ("ASSAULT", "COERCE")), None)
        if violent is not None:
            out.append((holder, {"event": violent["id"]}, "against"))
    elif kind == "REQUEST" and later:
        out.append((holder, {"event": later[0]["id"]}, "favor"))
    elif kind == "SUPPORT" and "recipient" in roles:
        out.append((holder, {"entity": roles["recipient"]}, "favor"))
    elif kind in ("REJECT", "THREATEN") and "recipient" in roles:
        out.append((holder, {"entity": roles["recipient"]}, "against"))
    return [{"id": f"S{offset + i + 1}", "holder": h, "target": t, "polarity": p, "evidence": event["trigger"]}
            for i, (h, t, p) in enumerate(out)]


def _stance_record(stance: dict, text: str) -> dict[str, Any]:
    holder: Mention = stance["holder"]
    target = stance["target"]
    target_record = ({"event": target["event"]} if "event" in target
                     else {"span": _span(text, target["entity"].start, target["entity"].end)})
    return {"id": stance["id"], "holder": {"span": _span(text, holder.start, holder.end)}, "target": target_record,
            "polarity": stance["polarity"], "evidence": [stance["evidence"]]}


class RuleCoder:
    """The coder as an object with a ``predict(doc_id, text)`` method (the baselines' common shape)."""

    name = "rules"

    def predict(self, doc_id: str, text: str) -> dict[str, Any]:
        return code_document(doc_id, text)
