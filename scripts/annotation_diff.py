"""List every disagreement between two annotation passes of the same documents, for adjudication.

    python scripts/annotation_diff.py data/agreement/seed/pass-a.jsonl data/agreement/seed/pass-b.jsonl

Events are paired by trigger overlap (the scorer's alignment); the listing shows events only
one pass has, type/mode/factuality differences on paired triggers, argument differences
(by entity text), entities whose mentions differ, and stances only one pass has.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from benchmark import units
from benchmark.match import align
from benchmark.model import Document
from benchmark.validate import iter_gold


def sentence_of(doc: Document, offset: int) -> str:
    for s in doc.sentences:
        if s.start <= offset < s.end:
            return s.text
    return ""


def describe_args(doc: Document, event) -> set[tuple[str, str]]:
    return {(a.role, a.span.text) for a in event.arguments}


def stance_key(doc: Document, stance) -> tuple[str, str, str]:
    names = {e.id: (e.name or e.mentions[0].text) for e in doc.entities}
    events = {e.id: f"{e.type}:{e.trigger.text}" for e in doc.events}
    target = events.get(stance.target.event, "?") if stance.target.event else names.get(stance.target.entity or "", "?")
    return names.get(stance.holder.entity, "?"), target, stance.polarity


def diff(a: Document, b: Document) -> list[str]:
    out = []
    gold_items, pred_items = units.gold_trigger_items(a, False), units.gold_trigger_items(b, False)
    pred_as_pred = [units.Item(i.label, (tuple(i.slots[0][:1]),), i.position) for i in pred_items]
    alignment = align(gold_items, pred_as_pred, "overlap")
    for g in alignment.missed:
        e = a.events[g]
        out.append(f"ONLY A  {e.id} {e.type}:{e.mode} '{e.trigger.text}' [{e.factuality}] args={sorted(describe_args(a, e))}\n"
                   f"        in: {sentence_of(a, e.trigger.start)}")
    for p in alignment.spurious:
        e = b.events[p]
        out.append(f"ONLY B  {e.id} {e.type}:{e.mode} '{e.trigger.text}' [{e.factuality}] args={sorted(describe_args(b, e))}\n"
                   f"        in: {sentence_of(b, e.trigger.start)}")
    for g, p in alignment.pairs:
        ea, eb = a.events[g], b.events[p]
        notes = []
        if ea.trigger.text != eb.trigger.text:
            notes.append(f"trigger '{ea.trigger.text}' vs '{eb.trigger.text}'")
        if (ea.type, ea.mode) != (eb.type, eb.mode):
            notes.append(f"type {ea.type}:{ea.mode} vs {eb.type}:{eb.mode}")
        if ea.factuality != eb.factuality:
            notes.append(f"factuality {ea.factuality} vs {eb.factuality}")
        args_a, args_b = describe_args(a, ea), describe_args(b, eb)
        if args_a != args_b:
            notes.append(f"args A-only {sorted(args_a - args_b)} B-only {sorted(args_b - args_a)}")
        if notes:
            out.append(f"DIFF    {ea.id}/{eb.id} '{ea.trigger.text}': " + "; ".join(notes))
    stances_a = {stance_key(a, s) for s in a.stances}
    stances_b = {stance_key(b, s) for s in b.stances}
    out += [f"STANCE ONLY A  {s}" for s in sorted(stances_a - stances_b)]
    out += [f"STANCE ONLY B  {s}" for s in sorted(stances_b - stances_a)]
    mentions_a = {(m.start, m.end): m.text for e in a.entities for m in e.mentions}
    mentions_b = {(m.start, m.end): m.text for e in b.entities for m in e.mentions}
    out += [f"MENTION ONLY A  '{t}' @{k[0]}" for k, t in sorted(mentions_a.items()) if k not in mentions_b]
    out += [f"MENTION ONLY B  '{t}' @{k[0]}" for k, t in sorted(mentions_b.items()) if k not in mentions_a]
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("pass_a", type=Path)
    parser.add_argument("pass_b", type=Path)
    args = parser.parse_args()
    docs_b = {d.id: d for d in iter_gold(args.pass_b)}
    for doc in iter_gold(args.pass_a):
        if doc.id not in docs_b:
            print(f"# {doc.id}: not in {args.pass_b}")
            continue
        lines = diff(doc, docs_b[doc.id])
        print(f"# {doc.id}: {len(lines)} difference(s)")
        print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
