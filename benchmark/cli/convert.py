"""``evbench convert``: BRAT standoff and OneIE/TextEE JSON to and from evbench."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from benchmark.cli.common import GoldOption, LabelsOption, app, err, exits_on_error, guard_output
from benchmark.errors import UsageError
from benchmark.labels import load_labels
from benchmark.loader import load_gold

@app.command()
def convert(
    input_path: Annotated[Path, typer.Argument(help="Input file (or folder of .ann files for brat).")],
    output: Annotated[Path, typer.Argument(help="Output file (or folder for brat).")],
    source: Annotated[str, typer.Option("--from", help="evbench, brat, oneie or textee.")],
    target: Annotated[str, typer.Option("--to", help="evbench, brat or oneie.")],
    labels: LabelsOption = None,
    write_labels: Annotated[Optional[Path], typer.Option(
        "--write-labels", help="Derive a label set from the converted data and write it here.")] = None,
    mapping: Annotated[Optional[Path], typer.Option(
        "--map", help="Type mapping (their event types/roles -> ours), JSON.", exists=True, dir_okay=False)] = None,
    gold: GoldOption = None,
    no_evbench_key: Annotated[bool, typer.Option(
        "--no-evbench-key", help="oneie output: leave out the evbench key that makes the round trip exact.")] = False,
) -> None:
    """Convert between evbench and BRAT standoff, OneIE/TextEE JSON (docs/formats.md)."""
    from benchmark.convert.dispatch import convert as run_convert

    with exits_on_error():
        for written in (output, write_labels):
            if written is not None:
                guard_output(written, input_path, labels, mapping, gold)
        if write_labels is not None and write_labels.resolve() == output.resolve():
            raise UsageError(f"{write_labels}: is also the output; write the label set to another file")
        gold_docs = load_gold(gold, "all").by_id() if gold is not None else None
        result = run_convert(source, target, input_path, output, labels=load_labels(labels) if labels else None,
                             write_labels=write_labels, mapping=mapping, gold=gold_docs, keep_evbench=not no_evbench_key)
    err.print(f"converted {result.documents} document(s) {source} -> {target}: {output}", markup=False)
    if result.lossy_spans:
        err.print(f"note: {result.lossy_spans} span(s) did not fall on token boundaries and were widened", markup=False)
    for what, count in sorted(result.dropped.items()):
        err.print(f"note: dropped {count} x {what} (no evbench equivalent or not in the mapping)", markup=False)
    if not result.validated:
        err.print("note: predictions were not validated (give --gold to check ids, offsets and labels)", markup=False)
    if result.labels_written:
        err.print(f"wrote label set {result.labels_written}", markup=False)
