"""``evbench validate``, ``evbench stats``, ``evbench schema``: checking and describing data."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from benchmark.cli.common import (GoldOption, JsonFlag, LabelsOption, SplitOption, app, err,
                                  exits_on_error, out, print_issues, refuse_split_of_a_file, split_hint)
from benchmark.errors import ExitCode
from benchmark.labels import load_labels
from benchmark.loader import load_gold
from benchmark.stats import corpus_stats
from benchmark.validate import validate_gold_file, validate_prediction_file

@app.command()
def validate(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="JSONL file to check.", exists=True, dir_okay=False)],
    predictions: Annotated[bool, typer.Option("--predictions", help="FILE holds system predictions.")] = False,
    gold: GoldOption = None,
    split: SplitOption = "test",
    labels: LabelsOption = None,
    as_json: JsonFlag = False,
) -> None:
    """Check a gold or prediction file against every rule of the format; exit 1 if invalid."""
    with exits_on_error():
        refuse_split_of_a_file(ctx, gold)
        label_set = load_labels(labels)
        if predictions:
            gold_docs = load_gold(gold, split, label_set).by_id()
            result = validate_prediction_file(file, gold_docs, label_set)
        else:
            result = validate_gold_file(file, label_set)
    kind = "prediction" if predictions else "gold"
    if as_json:
        out.print_json(json.dumps({
            "file": str(file), "kind": kind, "valid": result.ok, "documents": result.records,
            "problems": result.log.total,  # every problem counted; the first IssueLog.keep listed, located
            "issues": [{"file": i.location.path, "line": i.location.line or None, "field": i.location.field or None,
                        "message": i.message} for i in result.log.issues],
        }))
    elif not result.ok:
        print_issues(result.log.issues, result.log.total)
        hint = split_hint(file, gold, split, result.log.issues) if predictions else None
        if hint:
            err.print(f"hint: {hint}", markup=False)
    if result.ok:
        if not as_json:
            out.print(f"{file}: valid {kind} file, {result.records} document(s)", markup=False)
        return
    err.print(f"{file}: INVALID, {result.log.total} problem(s)", markup=False)
    raise typer.Exit(int(ExitCode.NEGATIVE))


@app.command()
def stats(
    ctx: typer.Context,
    gold: GoldOption = None,
    split: SplitOption = "all",
    labels: LabelsOption = None,
    as_json: JsonFlag = False,
) -> None:
    """Counts per layer, event type, role, entity type, factuality and polarity; one column per split."""
    from benchmark.loader import gold_files

    with exits_on_error():
        refuse_split_of_a_file(ctx, gold)
        label_set = load_labels(labels)
        files = gold_files(gold, split)
        columns = {f.stem: corpus_stats(load_gold(f, labels=label_set).documents, label_set) for f in files}
        if len(files) > 1:
            columns["all"] = corpus_stats(load_gold(gold, "all", label_set).documents, label_set)
    if as_json:
        out.print_json(json.dumps(columns))
        return
    first = next(iter(columns.values()))
    for section in first:
        table = Table(title=section.replace("_", " "), title_justify="left")
        table.add_column(section.rstrip("s") if section != "layers" else "layer")
        for name in columns:
            table.add_column(name, justify="right")
        for key in first[section]:
            table.add_row(key, *(str(columns[name][section][key]) for name in columns))
        out.print(table)


@app.command()
def schema(
    predictions: Annotated[bool, typer.Option("--predictions", help="The schema of prediction records.")] = False,
    labels: LabelsOption = None,
) -> None:
    """Print the JSON Schema (draft 2020-12) of gold or prediction records."""
    from benchmark.schema import json_schema

    with exits_on_error():
        document = json_schema("predictions" if predictions else "gold", load_labels(labels))
    sys.stdout.write(json.dumps(document, indent=1, ensure_ascii=False) + "\n")
