"""Shared pieces of the ``evbench`` command line: the app, consoles, options, error handling.

Exit codes (the same for every command): 0 success; 1 negative verdict (invalid file,
regression); 2 usage error; 65 malformed input data.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console

from benchmark.api import score_file
from benchmark.errors import EvbenchError, InputError, Issue, UsageError
from benchmark.jsonl import record_ids
from benchmark.labels import load_labels
from benchmark.loader import DEFAULT_DATA_DIR, split_holding
from benchmark.validate import UNKNOWN_DOCUMENT
from benchmark.scorer import ResamplingOptions, ScoringOptions
from benchmark.version import FORMAT_VERSION, __version__

app = typer.Typer(
    name="evbench",
    help="Event- and stance-extraction benchmark for political news.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console(highlight=False, soft_wrap=True)
if not out.is_terminal:  # pipes and CI logs: wide enough that tables never truncate a number
    out = Console(highlight=False, soft_wrap=True, width=160)
err = Console(stderr=True, highlight=False, soft_wrap=True)
SHOWN_ISSUES = 20

GoldOption = Annotated[
    Optional[Path], typer.Option("--gold", help="Gold JSONL file or data folder \\[default: the bundled data/].")
]
SplitOption = Annotated[str, typer.Option("--split", help="Split of a data folder: train, validation, test or all.")]
LabelsOption = Annotated[
    Optional[Path], typer.Option("--labels", help="Label-set file \\[default: the PLOVER v1 set].", exists=True, dir_okay=False)
]
JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON for machines instead of a table.")]


def guard_output(output: Path, *inputs: Path | None) -> None:
    """Refuse an output path that is one of the command's inputs, a JSON Lines file of an input
    folder (a gold folder's splits), or a file of the bundled gold data.

    Raises:
        UsageError: the output would overwrite an input or gold data.
    """
    target = output.resolve()
    if target.is_relative_to(DEFAULT_DATA_DIR.resolve()):
        raise UsageError(f"{output}: is inside the bundled gold data ({DEFAULT_DATA_DIR}); refusing to write there")
    for given in inputs:
        if given is None or not given.exists():
            continue
        if given.is_file() and given.resolve() == target:
            raise UsageError(f"{output}: is also an input of this command; refusing to overwrite it")
        in_folder = output.absolute().parent.resolve() == given.resolve()  # the link itself, if it is one
        if given.is_dir() and in_folder and output.suffix == ".jsonl" and os.path.lexists(output):
            raise UsageError(f"{output}: is a data file of the input folder {given}; refusing to overwrite it")


def print_issues(issues: list[Issue], total: int) -> None:
    """The first issues, one line each, on stderr, then how many more there are."""
    for issue in issues[:SHOWN_ISSUES]:
        err.print(str(issue), markup=False)
    if total > SHOWN_ISSUES:
        err.print(f"... and {total - SHOWN_ISSUES} more problem(s)", markup=False)


@contextmanager
def exits_on_error() -> Iterator[None]:
    """Turn library errors into a clean message and the documented exit code."""
    try:
        yield
    except EvbenchError as exc:
        issues = getattr(exc, "issues", None)
        if issues:
            print_issues(issues, exc.total)
        else:
            err.print(f"error: {exc}", markup=False)
        if getattr(exc, "hint", None):
            err.print(f"hint: {exc.hint}", markup=False)  # type: ignore[attr-defined]
        raise typer.Exit(int(exc.exit_code)) from None


def refuse_split_of_a_file(ctx: typer.Context, gold: Path | None) -> None:
    """An explicit --split names a file of a data folder: with a gold file it would be silently ignored."""
    source = ctx.get_parameter_source("split")
    if gold is not None and gold.is_file() and source is not None and source.name == "COMMANDLINE":
        raise UsageError(f"--split chooses a file of a data folder, and {gold} is a file: leave --split out")


def split_hint(pred: Path, gold: Path | None, split: str, issues: list[Issue]) -> str | None:
    """When predictions are refused only because the gold split lacks their documents, which split has them."""
    if not issues or not all(issue.message.startswith(UNKNOWN_DOCUMENT) for issue in issues):
        return None
    try:
        other = split_holding(record_ids(pred), gold)
    except InputError:  # a hint is never worth a new error
        return None
    return f"the predicted documents are in the {other} split: add --split {other}" if other not in (None, split) else None


def _terminate(signum: int, frame: object) -> None:
    # Once: a second SIGTERM (``timeout`` signals the command, then its process group) must not
    # interrupt the clean-up the first one started (temporary files, shutting worker pools down).
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    raise SystemExit(128 + signum)


def _version(value: bool) -> None:
    if value:
        out.print(f"evbench {__version__} (data format {FORMAT_VERSION})")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    """Event- and stance-extraction benchmark for political news."""
    # A CI cancel sends SIGTERM: turn it into SystemExit so that atomic writes clean up.
    signal.signal(signal.SIGTERM, _terminate)


SpanOption = Annotated[str, typer.Option("--span", help="Span match rule: exact or overlap.")]
ArgsOption = Annotated[str, typer.Option("--args", help="Argument/stance entity rule: mention or coref.")]
CompatOption = Annotated[str, typer.Option("--compat", help="none, or textee (TextEE's set semantics).")]
BootstrapOption = Annotated[int, typer.Option("--bootstrap", help="Bootstrap resamples (0: no intervals).")]
UnitOption = Annotated[str, typer.Option(
    "--unit", help="Resampling unit: doc, paragraph, sentence, or auto (doc with >= 30 documents, else sentence).")]
SeedOption = Annotated[int, typer.Option("--seed", help="Random seed of the bootstrap.")]
WorkersOption = Annotated[Optional[int], typer.Option(
    "--workers", min=1, help="Processes that read and count \\[default: the usable CPUs for inputs of 4 MB or more, "
    "else 1]. Scores do not depend on it.")]


def _load_report(pred: Path, gold: Path | None, split: str, labels: Path | None, span: str, args: str,
                 compat: str, bootstrap: int, unit: str, seed: int, lenient: bool = False, workers: int | None = None):
    try:
        return score_file(pred, gold, split=split, labels=load_labels(labels), lenient=lenient, workers=workers,
                          options=ScoringOptions(span=span, args=args, compat=compat),
                          resampling=ResamplingOptions(unit=unit, n=bootstrap, seed=seed))
    except InputError as exc:
        exc.hint = split_hint(pred, gold, split, exc.issues)  # type: ignore[attr-defined]
        raise
