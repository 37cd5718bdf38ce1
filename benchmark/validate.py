"""Validation: raw JSON Lines -> typed records, or every problem with its file, line and field.

Two stages per line. Decoding (msgspec) checks the shape: JSON syntax, UTF-8, field types,
required and unknown fields; it stops at the first shape error of a line. The rule checks
below then collect *every* problem of a well-shaped record: offsets in range, span text
equal to the slice, no whitespace at gold span ends, unique ids, references that resolve,
argument spans that are mentions of their entity, labels and modes from the label set,
segmentation in order. Cross-record rules (unique document ids, predictions for known
documents) run while streaming, so memory stays bounded by one line plus the id sets.
"""

from __future__ import annotations

import bisect
import difflib
import json
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Generic, TypeVar

import msgspec

from benchmark.errors import InputError, Issue, Location
from benchmark.jsonl import UTF8_BOM, read_lines
from benchmark.labels import LabelSet, load_labels
from benchmark.model import Document, Entity, Event, PredEvent, Prediction, PredSpan, Span

DEFAULT_KEEP = 1000  # issues kept in memory; further ones are only counted

R = TypeVar("R", Document, Prediction)
T = TypeVar("T")
_MSGSPEC_ERROR = re.compile(r"^(?P<msg>.*?)(?: - at `\$(?P<path>[^`]*)`)?$", re.DOTALL)


@dataclass
class IssueLog:
    """Issues found so far: the first ``keep`` in full, all of them counted."""

    keep: int = DEFAULT_KEEP
    issues: list[Issue] = field(default_factory=list)
    total: int = 0

    def add(self, issue: Issue) -> None:
        self.total += 1
        if len(self.issues) < self.keep:
            self.issues.append(issue)

    def extend(self, other: "IssueLog") -> None:
        """Add another log's issues (those it kept) and its count; ``sort`` then keeps the first ``keep``."""
        self.issues.extend(other.issues)
        self.total += other.total

    def sort(self, file_order: Sequence[str] = ()) -> None:
        """Order the issues by file (``file_order``, then name) and line, keeping the first ``keep``;
        a line's issues keep their order."""
        rank = {path: i for i, path in enumerate(file_order)}
        self.issues.sort(key=lambda issue: (rank.get(issue.location.path, len(rank)), issue.location.path,
                                            issue.location.line))
        del self.issues[self.keep:]

    def raise_if_any(self) -> None:
        if self.total:
            raise InputError(self.issues, self.total)


@dataclass
class Validation(Generic[R]):
    """Outcome of validating one file: records that passed and the issue log."""

    path: str
    records: int = 0
    log: IssueLog = field(default_factory=IssueLog)

    @property
    def ok(self) -> bool:
        return self.log.total == 0


# --- decoding ------------------------------------------------------------------------------

_DECODERS: dict[type, msgspec.json.Decoder] = {}


def decode_line(path: str, number: int, line: bytes, kind: type[T]) -> T:
    """Decode one JSON Lines line into ``kind`` (any msgspec type: documents, predictions, foreign records).

    Raises:
        InputError: invalid UTF-8, malformed or too deeply nested JSON, a repeated key, or a
            shape error located by field path.
    """
    record = decode_record(path, number, line, kind)
    refuse_duplicate_keys(path, number, line, _ENCODER.encode(record))
    return record


def decode_record(path: str, number: int, line: bytes, kind: type[T]) -> T:
    """``decode_line`` without the repeated-key check: the caller runs ``refuse_duplicate_keys``."""
    decoder = _DECODERS.get(kind)
    if decoder is None:
        decoder = _DECODERS[kind] = msgspec.json.Decoder(kind)
    try:
        return decoder.decode(line)
    except msgspec.ValidationError as exc:
        _utf8_or_raise(path, number, line)
        _json_or_raise(path, number, line)  # the typed decoder stops at the first wrong value, before later syntax
        refuse_duplicate_keys(path, number, line)
        message, field_path = _explain_shape_error(str(exc))
        raise InputError.at(path, message, number, field_path) from None
    except msgspec.DecodeError as exc:
        _utf8_or_raise(path, number, line)
        raise InputError.at(path, f"not valid JSON: {_plain(str(exc))}", number) from None
    except UnicodeDecodeError as exc:
        _utf8_or_raise(path, number, line)
        raise InputError.at(path, f"invalid UTF-8: {exc.reason}", number) from None
    except RecursionError:
        raise InputError.at(path, "JSON nested too deeply", number) from None


def decode_json_file(path: str | Path, kind: type[T], what: str) -> tuple[T, bytes]:
    """Read and decode a whole-file JSON document (a reference, a label set, a type mapping)
    with the checks ``decode_line`` makes on a line; returns it with the file's bytes.

    Raises:
        InputError: unreadable, a byte-order mark, not JSON (located by line), a shape error
            (by field path) or a repeated key; the message names ``what`` the file should be.
    """
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise InputError.at(path, f"cannot read {what}: {exc.strerror}") from None
    if data.startswith(UTF8_BOM):
        raise InputError.at(path, f"not a {what}: the file starts with a UTF-8 byte-order mark; save it without")
    try:
        record = decode_record(str(path), 0, data, kind)
        refuse_duplicate_keys(str(path), 0, data, _ENCODER.encode(record))
    except InputError as exc:
        issue = exc.issues[0]
        at_byte = _AT_BYTE.search(issue.message)
        line = issue.location.line or (data.count(b"\n", 0, int(at_byte[1])) + 1 if at_byte else 0)
        raise InputError.at(path, f"not a {what}: {issue.message}", line, issue.location.field) from None
    return record, data


_AT_BYTE = re.compile(r"\(byte (\d+)\)")


def _json_or_raise(path: str, number: int, line: bytes) -> None:
    try:
        _UNTYPED.decode(line)
    except msgspec.DecodeError as exc:
        if not _is_json(line):  # else valid JSON msgspec cannot hold (a number out of range): the typed error says where
            raise InputError.at(path, f"not valid JSON: {_plain(str(exc))}", number) from None
    except RecursionError:
        raise InputError.at(path, "JSON nested too deeply", number) from None


def _is_json(line: bytes) -> bool:
    """Whether the stdlib parser, refusing NaN and Infinity as JSON does, reads the line."""
    def refuse(constant: str) -> None:
        raise ValueError(constant)

    try:
        json.loads(line, parse_constant=refuse)
    except (ValueError, RecursionError):  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        return False
    return True


def _utf8_or_raise(path: str, number: int, data: bytes) -> None:
    """msgspec rejects invalid UTF-8 too; this names the byte, its line (``number``, or for a
    whole file, ``number=0``, the line it is on) and its column."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line_start = data.rfind(b"\n", 0, exc.start) + 1
        raise InputError.at(path, f"invalid UTF-8: byte 0x{data[exc.start]:02x} at column {exc.start - line_start + 1}",
                            number or data.count(b"\n", 0, exc.start) + 1) from None


def refuse_duplicate_keys(path: str, number: int, line: bytes, encoded: bytes | None = None) -> None:
    """Raise if a key repeats within one JSON object of the line; ``encoded``: the decoded record re-encoded."""
    try:
        duplicate = _duplicate_key(line, encoded)
    except RecursionError:
        raise InputError.at(path, "JSON nested too deeply", number) from None
    if duplicate is not None:
        raise InputError.at(path, f"key {duplicate!r} appears twice in one object (JSON parsers keep only one; "
                            "refusing to guess which)", number)


class _DuplicateKey(Exception):
    pass


def _reject_duplicates(pairs: list[tuple[str, object]]) -> None:
    if len(pairs) != len({key for key, _ in pairs}):
        seen: set[str] = set()
        raise _DuplicateKey(next(key for key, _ in pairs if key in seen or seen.add(key)))


_PAIRS_DECODER = json.JSONDecoder(object_pairs_hook=_reject_duplicates)


_UNTYPED = msgspec.json.Decoder()
_ENCODER = msgspec.json.Encoder()
_ESCAPED_COLON = re.compile(rb"\\u003[aA]")


def _duplicate_key(line: bytes, encoded: bytes | None = None) -> str | None:
    """The first key repeated within one JSON object of the line, if any (msgspec keeps the last silently).

    Fast paths: a colon in JSON is a key's separator or a character of a string, and
    decoding keeps one value per key, so re-encoding what was decoded gives fewer colons
    than the line has exactly when a key repeats (or a field was left out). ``encoded`` is
    the typed record re-encoded (it leaves out fields at their default, so a line spelling
    out a default falls through); next, the untyped decoding re-encoded. A colon written as
    a unicode escape comes back as a plain colon, so such lines take the exact path (the
    stdlib parser with a pairs hook), as does any line whose counts differ; it names the key.
    """
    if b"\\" not in line or not _ESCAPED_COLON.search(line):
        count = line.count(b":")
        if encoded is not None and encoded.count(b":") == count:
            return None
        try:
            if _ENCODER.encode(_UNTYPED.decode(line)).count(b":") == count:
                return None
        except msgspec.DecodeError:  # JSON msgspec cannot hold (a number out of range): the exact path decides
            pass
    try:
        _PAIRS_DECODER.decode(line.decode("utf-8"))
    except _DuplicateKey as exc:
        return str(exc.args[0])
    return None


def _explain_shape_error(text: str) -> tuple[str, str]:
    """Turn msgspec's ``Expected `int`, got `str` - at `$.a[0].b``` into (message, field)."""
    match = _MSGSPEC_ERROR.match(text)
    if match is None:
        return _plain(text), ""
    message = _plain(match["msg"])
    message = message.replace("object missing required field", "missing required field")
    message = message.replace("object contains unknown field", "unknown field")
    return message, (match["path"] or "").lstrip(".")


def _plain(message: str) -> str:
    message = message.replace("`", "" if message.startswith("Expected") else "'")
    message = message.replace("JSON is malformed: ", "")
    return message[:1].lower() + message[1:]


# --- rule checks ---------------------------------------------------------------------------


class Checker:
    """Collects rule violations of one record, each located by field path."""

    def __init__(self, path: str, line: int, labels: LabelSet, log: IssueLog):
        self.path, self.line, self.labels, self.log = path, line, labels, log
        self.count = 0

    def problem(self, field_path: str, message: str) -> None:
        self.count += 1
        self.log.add(Issue(Location(self.path, self.line, field_path), message))

    def label(self, field_path: str, value: str | None, allowed: Iterable[str], what: str) -> bool:
        if value in allowed:  # type: ignore[operator]  # every caller passes a container
            return True
        allowed = list(allowed)
        hint = difflib.get_close_matches(str(value), allowed, n=1)
        suffix = f"; did you mean {hint[0]!r}?" if hint else f" (allowed: {', '.join(allowed)})"
        self.problem(field_path, f"unknown {what} {value!r}{suffix}")
        return False

    def offsets(self, field_path: str, start: int, end: int, text: str) -> bool:
        if start < 0:
            self.problem(f"{field_path}.start", f"negative offset {start}")
            return False
        if start >= end:
            self.problem(f"{field_path}.end", f"end {end} is not after start {start}")
            return False
        if end > len(text):
            self.problem(f"{field_path}.end", f"{end} is past the end of the text ({len(text)} chars)")
            return False
        return True

    def gold_span(self, field_path: str, span: Span, text: str) -> bool:
        if not self.offsets(field_path, span.start, span.end, text):
            return False
        actual = text[span.start : span.end]
        if span.text != actual:
            self.problem(
                f"{field_path}.text",
                f"{span.text!r} does not equal the text at [{span.start}, {span.end}): {actual!r}",
            )
            return False
        if actual != actual.strip():
            self.problem(field_path, f"span {actual!r} starts or ends with whitespace")
            return False
        return True

    def pred_span(self, field_path: str, span: PredSpan, text: str) -> bool:
        if (span.start is None) != (span.end is None):
            self.problem(field_path, "give both 'start' and 'end', or neither (text-only span)")
            return False
        if span.start is None:
            if not span.text or not span.text.strip():
                self.problem(field_path, "a span needs offsets or a non-empty 'text'")
                return False
            return True
        if not self.offsets(field_path, span.start, span.end, text):
            return False
        actual = text[span.start : span.end]
        if span.text is not None and span.text != actual:
            self.problem(
                f"{field_path}.text",
                f"{span.text!r} does not equal the text at [{span.start}, {span.end}): {actual!r}"
                " (offsets are Unicode code points, not bytes)",
            )
            return False
        return True

    def unique_id(self, layer: str, index: int, ident: str, seen: dict[str, tuple[str, int]]) -> None:
        """``layer[index].id`` must be a printable, non-empty id not used before in the record."""
        if ident in seen or not ident.strip() or not ident.isprintable():
            field_path = f"{layer}[{index}].id"
            if not ident.strip():
                self.problem(field_path, "empty id")
            elif not ident.isprintable():
                self.problem(field_path, f"id {ident!r} contains control characters")
            else:
                first_layer, first_index = seen[ident]
                self.problem(field_path, f"duplicate id {ident!r} (first used at {first_layer}[{first_index}].id)")
        else:
            seen[ident] = (layer, index)


def _gold_span_ok(span: Span, text: str) -> bool:
    """The passing case of ``Checker.gold_span``, cheap enough to try first on every span.

    (``strip`` returns the string itself when there is nothing to strip; where it does not,
    the full check decides.)
    """
    start, end, span_text = span.start, span.end, span.text
    return 0 <= start < end <= len(text) and text[start:end] == span_text and span_text.strip() is span_text


def _pred_span_ok(span: PredSpan, text: str) -> bool:
    """The passing case of ``Checker.pred_span`` for a span with offsets."""
    start, end = span.start, span.end
    return (start is not None and end is not None and 0 <= start < end <= len(text)
            and (span.text is None or text[start:end] == span.text))


def check_document(doc: Document, labels: LabelSet, checker: Checker) -> None:
    """Every rule of FORMAT.md for a gold document.

    Each check tries the passing case first, inline, and builds a field path only for a problem.
    """
    text = doc.text
    if not doc.id.strip() or not doc.id.isprintable():
        checker.problem("id", f"document id {doc.id!r} is empty or contains control characters")
    if not text:
        checker.problem("text", "empty text")
        return
    _check_segmentation(doc, checker)
    n = len(text)
    ids: dict[str, tuple[str, int]] = {}
    mentions: dict[tuple[int, int], str] = {}
    entities: dict[str, Entity] = {}
    entity_types, roles = labels.entity_types, labels.roles
    for i, entity in enumerate(doc.entities):
        ident = entity.id
        if ident in ids or not ident.strip() or not ident.isprintable():
            checker.unique_id("entities", i, ident, ids)
        else:
            ids[ident] = ("entities", i)
        entities.setdefault(ident, entity)
        if entity.type not in entity_types:
            checker.label(f"entities[{i}].type", entity.type, entity_types, "entity type")
        if not entity.mentions:
            checker.problem(f"entities[{i}].mentions", "an entity needs at least one mention")
        for j, mention in enumerate(entity.mentions):
            start, end, span_text = mention.start, mention.end, mention.text
            if not (0 <= start < end <= n and text[start:end] == span_text and span_text.strip() is span_text):
                if not checker.gold_span(f"entities[{i}].mentions[{j}]", mention, text):
                    continue
            key = (start, end)
            owner = mentions.get(key)
            if owner is not None:
                checker.problem(f"entities[{i}].mentions[{j}]", f"mention [{start}, {end}) is already a mention of {owner}")
            mentions[key] = ident
    events = {event.id for event in doc.events}
    modes = {event_type: spec.modes for event_type, spec in labels.event_types.items()}
    for i, event in enumerate(doc.events):
        _check_event_id_and_labels(checker, i, event, ids, modes, labels)
        trigger = event.trigger
        start, end, span_text = trigger.start, trigger.end, trigger.text
        if not (0 <= start < end <= n and text[start:end] == span_text and span_text.strip() is span_text):
            checker.gold_span(f"events[{i}].trigger", trigger, text)
        if event.coref is not None and not event.coref.strip():
            checker.problem(f"events[{i}].coref", "empty coref id")
        seen_args: set[tuple[str, int, int]] = set()
        for j, argument in enumerate(event.arguments):
            span, role = argument.span, argument.role
            if role not in roles:
                checker.label(f"events[{i}].arguments[{j}].role", role, roles, "role")
            key = (span.start, span.end)
            owner = mentions.get(key)
            if owner is None or text[key[0]:key[1]] != span.text:  # a mention's span is known to be well formed
                if not checker.gold_span(f"events[{i}].arguments[{j}].span", span, text):
                    continue
            if owner != argument.entity:
                _check_mention_of(checker, f"events[{i}].arguments[{j}]", argument.entity, span, entities, mentions)
            if (role, *key) in seen_args:
                checker.problem(f"events[{i}].arguments[{j}]", f"duplicate argument ({role}, {span.text!r})")
            seen_args.add((role, *key))
    for i, stance in enumerate(doc.stances):
        where = f"stances[{i}]"
        checker.unique_id("stances", i, stance.id, ids)
        if checker.gold_span(f"{where}.holder.span", stance.holder.span, text):
            _check_mention_of(checker, f"{where}.holder", stance.holder.entity, stance.holder.span, entities, mentions)
        target = stance.target
        if target.event is not None:
            if target.entity is not None or target.span is not None:
                checker.problem(f"{where}.target", "a target is an entity (entity + span) or an event, not both")
            elif target.event not in events:
                checker.problem(f"{where}.target.event", f"no event with id {target.event!r}")
        elif target.entity is None or target.span is None:
            checker.problem(f"{where}.target", "an entity target needs both 'entity' and 'span'")
        elif checker.gold_span(f"{where}.target.span", target.span, text):
            _check_mention_of(checker, f"{where}.target", target.entity, target.span, entities, mentions)
        checker.label(f"{where}.polarity", stance.polarity, labels.polarities, "polarity")
        if not stance.evidence:
            checker.problem(f"{where}.evidence", "a gold stance needs at least one evidence span")
        for j, span in enumerate(stance.evidence):
            checker.gold_span(f"{where}.evidence[{j}]", span, text)


def _check_event_id_and_labels(checker: Checker, index: int, event: Event | PredEvent, ids: dict[str, tuple[str, int]],
                               modes: dict[str, tuple[str, ...]], labels: LabelSet) -> None:
    """``events[index]``: a new, well-formed id; type, mode and factuality from the label set (passing case first)."""
    ident = event.id
    if ident in ids or not ident.strip() or not ident.isprintable():
        checker.unique_id("events", index, ident, ids)
    else:
        ids[ident] = ("events", index)
    if event.type not in modes or event.factuality not in labels.factuality or (
            event.mode is not None and event.mode not in modes[event.type]):
        _check_event_labels(checker, index, event.type, event.mode, event.factuality, labels)


def _check_event_labels(checker: Checker, index: int, event_type: str, mode: str | None, factuality: str,
                        labels: LabelSet) -> None:
    """Type, mode (one the type allows, or none) and factuality of ``events[index]``."""
    if event_type in labels.event_types:
        if mode is not None:
            _check_mode(checker, f"events[{index}]", event_type, mode, labels)
    else:
        checker.label(f"events[{index}].type", event_type, labels.event_types, "event type")
    if factuality not in labels.factuality:
        checker.label(f"events[{index}].factuality", factuality, labels.factuality, "factuality")


def _check_segmentation(doc: Document, checker: Checker) -> None:
    for name, spans in (("paragraphs", doc.paragraphs), ("sentences", doc.sentences)):
        if not spans:
            checker.problem(name, f"a gold document needs at least one of its {name}")
        previous_end = 0
        for i, span in enumerate(spans):
            if not (_gold_span_ok(span, doc.text) or checker.gold_span(f"{name}[{i}]", span, doc.text)):
                continue
            if span.start < previous_end:
                checker.problem(f"{name}[{i}]", f"overlaps or precedes the previous one (starts at {span.start} < {previous_end})")
            previous_end = max(previous_end, span.end)
    paragraph_starts = [p.start for p in doc.paragraphs]
    for i, sentence in enumerate(doc.sentences):
        # With paragraphs in order, the one starting last at or before the sentence is the only
        # candidate; out-of-order paragraphs (reported above) fall through to the full search.
        k = bisect.bisect_right(paragraph_starts, sentence.start) - 1
        if k >= 0 and sentence.end <= doc.paragraphs[k].end:
            continue
        if not any(p.start <= sentence.start and sentence.end <= p.end for p in doc.paragraphs):
            checker.problem(f"sentences[{i}]", f"[{sentence.start}, {sentence.end}) is not inside one paragraph")


def _check_mode(checker: Checker, where: str, event_type: str, mode: str | None, labels: LabelSet) -> None:
    if mode is None:
        return
    modes = labels.modes_of(event_type)
    if not modes:
        checker.problem(f"{where}.mode", f"{event_type} takes no mode (got {mode!r})")
    else:
        checker.label(f"{where}.mode", mode, modes, f"mode for {event_type}")


def _check_mention_of(checker: Checker, where: str, entity_id: str, span: Span, entities: dict[str, Entity],
                      owners: dict[tuple[int, int], str]) -> None:
    if entity_id not in entities:
        checker.problem(f"{where}.entity", f"no entity with id {entity_id!r}")
        return
    if owners.get((span.start, span.end)) != entity_id:
        checker.problem(f"{where}.span", f"[{span.start}, {span.end}) {span.text!r} is not a mention of entity {entity_id}")


def check_prediction(pred: Prediction, gold: Document, labels: LabelSet, checker: Checker) -> None:
    """Every rule of FORMAT.md for one system output, against its gold document.

    As in ``check_document``, the passing case of each check is tried first, inline.
    """
    text = gold.text
    n = len(text)
    if pred.text is not None and pred.text != text:
        checker.problem("text", "differs from the gold document's text (omit 'text' or copy it exactly)")
    n_sentences = len(gold.sentences)
    ids: dict[str, tuple[str, int]] = {}
    for name, spans in (("paragraphs", pred.paragraphs), ("sentences", pred.sentences)):
        for i, span in enumerate(spans or ()):
            checker.pred_span(f"{name}[{i}]", span, text)
    entity_types, roles = labels.entity_types, labels.roles
    for i, entity in enumerate(pred.entities or ()):
        checker.unique_id("entities", i, entity.id, ids)
        if entity.type not in entity_types:
            checker.label(f"entities[{i}].type", entity.type, entity_types, "entity type")
        if not entity.mentions:
            checker.problem(f"entities[{i}].mentions", "an entity needs at least one mention")
        for j, mention in enumerate(entity.mentions):
            if not _pred_span_ok(mention, text):
                checker.pred_span(f"entities[{i}].mentions[{j}]", mention, text)
    events = {event.id for event in pred.events}
    modes = {event_type: spec.modes for event_type, spec in labels.event_types.items()}
    for i, event in enumerate(pred.events):
        _check_event_id_and_labels(checker, i, event, ids, modes, labels)
        trigger = event.trigger
        start, end, span_text = trigger.start, trigger.end, trigger.text
        if start is None or end is None or not 0 <= start < end <= n or (
                span_text is not None and text[start:end] != span_text):
            checker.pred_span(f"events[{i}].trigger", trigger, text)
        if event.sentence is not None:
            _check_sentence(checker, f"events[{i}]", event.sentence, n_sentences)
        for j, argument in enumerate(event.arguments):
            if argument.role not in roles:
                checker.label(f"events[{i}].arguments[{j}].role", argument.role, roles, "role")
            span = argument.span
            start, end, span_text = span.start, span.end, span.text
            if start is None or end is None or not 0 <= start < end <= n or (
                    span_text is not None and text[start:end] != span_text):
                checker.pred_span(f"events[{i}].arguments[{j}].span", span, text)
    for i, stance in enumerate(pred.stances):
        where = f"stances[{i}]"
        checker.unique_id("stances", i, stance.id, ids)
        checker.pred_span(f"{where}.holder.span", stance.holder.span, text)
        target = stance.target
        if (target.span is None) == (target.event is None):
            checker.problem(f"{where}.target", "give exactly one of 'span' (entity target) or 'event'")
        elif target.event is not None and target.event not in events:
            checker.problem(f"{where}.target.event", f"no predicted event with id {target.event!r}")
        elif target.span is not None:
            checker.pred_span(f"{where}.target.span", target.span, text)
        checker.label(f"{where}.polarity", stance.polarity, labels.polarities, "polarity")
        _check_sentence(checker, where, stance.sentence, n_sentences)
        for j, span in enumerate(stance.evidence):
            checker.pred_span(f"{where}.evidence[{j}]", span, text)


def _check_sentence(checker: Checker, where: str, sentence: int | None, n_sentences: int) -> None:
    if sentence is not None and not 0 <= sentence < n_sentences:
        checker.problem(f"{where}.sentence", f"no sentence {sentence} (the gold document has {n_sentences})")


# --- files ---------------------------------------------------------------------------------


def _decoded(path: str | Path, kind: type[R], labels: LabelSet, log: IssueLog) -> Iterator[tuple[R, Checker]]:
    """Every line of a file that decodes into ``kind``, with a checker for its rule problems.

    Undecodable lines and file-level problems (BOM, JSON array, empty file) go to ``log``.
    """
    name = str(path)
    try:
        for number, line in read_lines(path):
            try:
                record = decode_line(name, number, line, kind)
            except InputError as exc:
                log.add(exc.issues[0])
                continue
            yield record, Checker(name, number, labels, log)
    except InputError as exc:
        for issue in exc.issues:
            log.add(issue)


def iter_gold(path: str | Path, labels: LabelSet | None = None, log: IssueLog | None = None) -> Iterator[Document]:
    """Stream the valid gold documents of a file; every problem goes to ``log``.

    Without a log, the first problem raises ``InputError`` at the end of the file,
    carrying every issue found.
    """
    labels = labels or load_labels()
    own_log = log is None
    log = IssueLog() if log is None else log
    seen: dict[str, int] = {}
    for doc, checker in _decoded(path, Document, labels, log):
        if doc.id in seen:
            checker.problem("id", repeated_document(doc.id, seen[doc.id]))
            continue
        seen[doc.id] = checker.line
        check_document(doc, labels, checker)
        if checker.count == 0:
            yield doc
    if own_log:
        log.raise_if_any()


UNKNOWN_DOCUMENT = "no gold document with id"


def unknown_document(doc_id: str, known: Iterable[str]) -> str:
    """The problem of a prediction for a document the gold does not have, with the closest id as a hint."""
    hint = difflib.get_close_matches(doc_id, list(known), n=1)
    return f"{UNKNOWN_DOCUMENT} {doc_id!r}" + (f"; did you mean {hint[0]!r}?" if hint else "")


def repeated_document(doc_id: str, first_line: int) -> str:
    """The problem of a document id used again in one file."""
    return f"duplicate document id {doc_id!r} (first on line {first_line})"


def _known_and_new(pred: Prediction, gold: dict[str, Document], seen: dict[str, int], checker: Checker) -> bool:
    """Whether a prediction names a gold document not predicted before (else a located problem)."""
    if pred.id not in gold:
        checker.problem("id", unknown_document(pred.id, gold))
        return False
    if pred.id in seen:
        checker.problem("id", repeated_document(pred.id, seen[pred.id]))
        return False
    seen[pred.id] = checker.line
    return True


def iter_predictions(
    path: str | Path,
    gold: dict[str, Document],
    labels: LabelSet | None = None,
    log: IssueLog | None = None,
) -> Iterator[Prediction]:
    """Stream the valid predictions of a file, checked against the gold documents by id.

    Raises (when no ``log`` is given) ``InputError`` at the end, with every issue found.
    """
    labels = labels or load_labels()
    own_log = log is None
    log = IssueLog() if log is None else log
    seen: dict[str, int] = {}
    for pred, checker in _decoded(path, Prediction, labels, log):
        if not _known_and_new(pred, gold, seen, checker):
            continue
        check_prediction(pred, gold[pred.id], labels, checker)
        if checker.count == 0:
            yield pred
    if own_log:
        log.raise_if_any()


_ITEM = re.compile(r"^(events|stances|entities)\[(\d+)\]")


@dataclass
class LenientRecord:
    """A prediction with its invalid events, stances and entities removed, and how many were removed."""

    prediction: Prediction
    invalid_events: int = 0
    invalid_stances: int = 0
    invalid_entities: int = 0
    invalid_arguments: int = 0  # arguments of the removed events


def iter_predictions_lenient(
    path: str | Path, gold: dict[str, Document], labels: LabelSet | None = None, log: IssueLog | None = None
) -> Iterator[LenientRecord]:
    """Like ``iter_predictions``, but skip what is invalid instead of failing.

    An invalid event, stance or entity is removed (a stance whose target event was removed
    goes too) and counted; a line that cannot be decoded, names an unknown document or
    repeats one is skipped whole. Every problem still goes to ``log``.
    """
    labels = labels or load_labels()
    log = IssueLog() if log is None else log
    seen: dict[str, int] = {}
    decoded = 0
    for pred, checker in _decoded(path, Prediction, labels, log):
        decoded += 1
        if not _known_and_new(pred, gold, seen, checker):
            continue
        removed = {"events": 0, "stances": 0, "entities": 0, "arguments": 0}
        for _ in range(3):  # removing an event can invalidate a stance that targets it
            local = IssueLog()
            check_prediction(pred, gold[pred.id], labels, Checker(checker.path, checker.line, labels, local))
            if not local.total:
                break
            bad: dict[str, set[int]] = {"events": set(), "stances": set(), "entities": set()}
            for issue in local.issues:
                match = _ITEM.match(issue.location.field)
                if match:
                    bad[match[1]].add(int(match[2]))
                log.add(issue)
            if not any(bad.values()):  # a document-level problem (e.g. its text): skip the line
                pred = None
                break
            for layer, indices in bad.items():
                removed[layer] += len(indices)
            removed["arguments"] += sum(len(e.arguments) for i, e in enumerate(pred.events) if i in bad["events"])
            keep = {layer: tuple(x for i, x in enumerate(getattr(pred, layer) or ()) if i not in bad[layer])
                    for layer in bad}
            pred = msgspec.structs.replace(pred, events=keep["events"], stances=keep["stances"],
                                           entities=keep["entities"] if pred.entities is not None else None)
        if pred is not None:
            yield LenientRecord(pred, removed["events"], removed["stances"], removed["entities"], removed["arguments"])
    if decoded == 0 and log.total:  # nothing usable at all (empty file, BOM, JSON array...): not a lenient case
        log.raise_if_any()


def validate_gold_file(path: str | Path, labels: LabelSet | None = None, keep: int = DEFAULT_KEEP) -> Validation[Document]:
    """Check a gold file completely; never raises for bad data (problems are in the result)."""
    result: Validation[Document] = Validation(str(path), log=IssueLog(keep))
    for _ in iter_gold(path, labels, result.log):
        result.records += 1
    return result


def validate_prediction_file(
    path: str | Path, gold: dict[str, Document], labels: LabelSet | None = None, keep: int = DEFAULT_KEEP
) -> Validation[Prediction]:
    """Check a prediction file completely against gold documents; problems are in the result."""
    result: Validation[Prediction] = Validation(str(path), log=IssueLog(keep))
    for _ in iter_predictions(path, gold, labels, result.log):
        result.records += 1
    return result
