"""``evbench run`` (the main job) and ``evbench baseline``: running the baselines."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Optional

import typer

from benchmark import render
from benchmark.cli.common import BootstrapOption, JsonFlag, SeedOption, UnitOption, app, err, exits_on_error, guard_output, out
from benchmark.errors import UsageError
from benchmark.metrics import KEY_METRICS

@app.command()
def run(
    out_dir: Annotated[Path, typer.Option("--out", help="Folder for <system>/predictions.jsonl and report.html.")] = Path("runs"),
    gold: Annotated[Optional[Path], typer.Option("--gold", help="Data folder \\[default: the bundled data/].")] = None,
    bootstrap: BootstrapOption = 1000,
    unit: UnitOption = "auto",
    seed: SeedOption = 0,
    as_json: JsonFlag = False,
) -> None:
    """The main job: run both baselines on the bundled gold, score them, print the leaderboard."""
    import time

    from baselines.run import run_baselines

    started = time.perf_counter()
    with exits_on_error(), err.status("running baselines") as status:
        guard_output(out_dir)
        if gold is not None and not gold.is_dir():
            raise UsageError(f"{gold}: --gold must be a data folder with train/validation/test splits")
        runs = run_baselines(gold, out_dir, bootstrap=bootstrap, unit=unit, seed=seed,
                             progress=lambda message: status.update(message))
    elapsed = time.perf_counter() - started
    if as_json:
        out.print_json(json.dumps({"elapsed_seconds": elapsed, "runs": [
            {"system": r.system, "protocol": r.protocol, "predictions": str(r.predictions),
             "signature": str(r.report.signature),
             "metrics": {m: {"f1": r.report.metrics[m].f1, "ci": list(r.report.metrics[m].ci.get("f1", ()))}
                         for m in KEY_METRICS if m in r.report.metrics}} for r in runs]}))
        return
    for protocol in dict.fromkeys(r.protocol for r in runs):
        chosen = [r for r in runs if r.protocol == protocol]
        out.print(render.leaderboard(chosen, protocol))
        out.print(f"signature: {chosen[0].report.signature}", markup=False)
    err.print(f"done in {elapsed:.1f} s; predictions under {out_dir}/, error analysis in {out_dir}/report.html",
              markup=False)


baseline_app = typer.Typer(help="Run a baseline system on documents.", no_args_is_help=True)
app.add_typer(baseline_app, name="baseline")


@baseline_app.command("rules")
def baseline_rules(
    input_path: Annotated[Path, typer.Option("--input", help="JSONL documents (only 'id' and 'text' are needed).",
                                             exists=True, dir_okay=False)],
    output: Annotated[Path, typer.Option("--output", help="Where to write the predictions (JSONL).")],
    workers: Annotated[int, typer.Option("--workers", min=1, max=256, help="Worker processes (1-256).")] = 1,
) -> None:
    """The rule-based PLOVER coder: dictionaries and patterns, no training."""
    from baselines.rules.stream import code_file

    with exits_on_error():
        guard_output(output, input_path)
        count = code_file(input_path, output, workers)
    err.print(f"rules: coded {count} document(s) -> {output}", markup=False)
