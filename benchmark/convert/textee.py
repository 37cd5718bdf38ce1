"""TextEE prediction output -> evbench predictions.

TextEE's demo/E2E output is JSON Lines of windows: ``doc_id``, ``tokens``, optionally ``text``,
and ``event_mentions`` whose trigger and arguments carry token offsets (and sometimes
character offsets). Character offsets are recovered by locating the tokens in the text
(the record's ``text``, else the gold document's text, else the tokens joined by spaces)
and cross-checked against any ``offset_start``/``offset_end`` given. Arguments become
predicted argument spans (TextEE has no entity clusters); factuality is ``asserted``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from benchmark.convert.common import TypeMapping, mapped, token_offsets
from benchmark.convert.oneie import OneIERecord
from benchmark.errors import InputError
from benchmark.model import Document


def to_predictions(records: Iterable[tuple[int, OneIERecord]], path: str, gold: dict[str, Document] | None = None,
                   mapping: TypeMapping | None = None, dropped: dict[str, int] | None = None) -> list[dict[str, Any]]:
    """One evbench prediction record per ``doc_id`` (windows of a document are merged)."""
    merged: dict[str, dict[str, Any]] = {}
    for number, record in records:
        text = record.text if record.text is not None else (
            gold[record.doc_id].text if gold and record.doc_id in gold else " ".join(record.tokens))
        offsets = token_offsets(text, record.tokens, f"{path}:{number}")
        prediction = merged.setdefault(record.doc_id, {"id": record.doc_id, "events": []})
        if mapping is not None:
            prediction.setdefault("meta", {})["type_mapping"] = mapping.digest

        def span(item, field: str) -> dict[str, Any]:
            start, end = item.start, item.end
            if start is None or end is None:
                raise InputError.at(path, "no token offsets ('start' and 'end')", number, field)
            if not 0 <= start < end <= len(offsets):
                raise InputError.at(path, f"token offsets [{start}, {end}) out of range ({len(offsets)} tokens)",
                                    number, field)
            s, e = offsets[start][0], offsets[end - 1][1]
            if item.offset_start is not None and (item.offset_start, item.offset_end) != (s, e):
                raise InputError.at(path, f"character offsets [{item.offset_start}, {item.offset_end}) disagree with "
                                    f"the tokens' [{s}, {e}) in the text", number, field)
            return {"start": s, "end": e, "text": text[s:e]}

        for i, event in enumerate(record.event_mentions):
            event_type = mapped(event.event_type, mapping and mapping.event_types, dropped)
            if event_type is None:
                continue
            arguments = []
            for j, arg in enumerate(event.arguments):
                role = mapped(arg.role, mapping and mapping.roles, dropped, "role ")
                if role is None:
                    continue
                arguments.append({"role": role, "span": span(arg, f"event_mentions[{i}].arguments[{j}]")})
            prediction["events"].append({
                "id": f"{record.wnd_id or record.doc_id}-{i}", "type": event_type, "factuality": "asserted",
                "trigger": span(event.trigger, f"event_mentions[{i}].trigger"),
                "arguments": arguments})
    return list(merged.values())
