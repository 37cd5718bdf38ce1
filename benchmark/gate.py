"""The regression gate: compare a run's scores with a recorded reference, metric by metric.

A reference file (JSON) records F1 scores, the signature they were computed under, when and
by which command. A metric *regresses* when it drops by more than ``tolerance`` (absolute,
scores in [0, 1]); in the noise-aware mode (the reference run's predictions given) a drop
must also be significant: approximate-randomisation p < ``alpha``. Comparing with a
reference whose signature differs is refused, naming every difference.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import msgspec

from benchmark.comparison import compare
from benchmark.errors import IncomparableError, InputError, UsageError
from benchmark.jsonl import write_text
from benchmark.resampling import enumerates_swaps, randomization_floor
from benchmark.scorer import Report
from benchmark.signature import Signature
from benchmark.validate import decode_json_file

REFERENCE_VERSION = 1
EPSILON = 1e-9  # scores equal within floating-point noise are equal


class Reference(msgspec.Struct, forbid_unknown_fields=True):
    """A recorded reference: scores, signature, provenance."""

    evbench_reference: int
    signature: str
    created: str
    command: str
    metrics: dict[str, float]


@dataclass(frozen=True)
class Verdict:
    metric: str
    reference: float
    now: float
    delta: float
    p_value: float | None
    status: str  # "pass", "improved", "noise" (a drop within noise), "fail"

    @property
    def failed(self) -> bool:
        return self.status == "fail"


def read_reference(path: str | Path) -> Reference:
    """Load a reference file.

    Raises:
        UsageError: the file does not exist (create it with ``--update``).
        InputError: the file is not a valid reference.
    """
    path = Path(path)
    if not path.is_file():
        raise UsageError(f"{path}: no reference file; create one deliberately with --update")
    reference, _ = decode_json_file(path, Reference, "reference file")
    try:
        Signature.parse(reference.signature)
    except ValueError as exc:
        raise InputError.at(path, f"not a valid reference file: {exc}", field="signature") from None
    if reference.evbench_reference != REFERENCE_VERSION:
        raise InputError.at(path, f"reference format {reference.evbench_reference} is not supported (expected {REFERENCE_VERSION})")
    for metric, value in reference.metrics.items():
        if not math.isfinite(value) or not 0.0 <= value <= 1.0:
            raise InputError.at(path, f"score {value!r} is not in [0, 1]", field=f"metrics.{metric}")
    return reference


def check_thresholds(tolerance: float, alpha: float) -> None:
    """Refuse a tolerance or significance level that would disable or invert the gate."""
    if not (math.isfinite(tolerance) and 0.0 <= tolerance <= 1.0):
        raise UsageError(f"--tolerance must be in [0, 1] (F1 is a fraction), got {tolerance}")
    if not (math.isfinite(alpha) and 0.0 < alpha < 1.0):
        raise UsageError(f"--alpha must be in (0, 1), got {alpha}")


def write_reference(path: str | Path, report: Report, command: str, now: dt.datetime | None = None) -> Reference:
    """Record every metric's F1 of a report as the new reference (atomic write)."""
    created = (now or dt.datetime.now(dt.timezone.utc)).replace(microsecond=0).isoformat()
    reference = Reference(REFERENCE_VERSION, str(report.signature), created, command,
                          {name: result.f1 for name, result in report.metrics.items()})
    write_text(path, json.dumps(msgspec.to_builtins(reference), indent=1) + "\n")
    return reference


def check(report: Report, reference: Reference, metrics: tuple[str, ...], *, tolerance: float = 0.01,
          reference_report: Report | None = None, alpha: float = 0.05) -> list[Verdict]:
    """One verdict per metric; with ``reference_report``, a drop fails only when significant at
    ``alpha`` (approximate randomisation over the reports' units, resamples and seed).

    Raises:
        IncomparableError: the signatures differ (or the reference predictions do not reproduce the reference).
        UsageError: a chosen metric is not in the reference, or (noise-aware) no drop could be significant.
    """
    check_thresholds(tolerance, alpha)
    Signature.parse(reference.signature).require_same(report.signature)
    missing = [m for m in metrics if m not in reference.metrics]
    if missing:
        recorded = ", ".join(reference.metrics) or "no metric at all"
        raise UsageError(f"the reference has no {', '.join(missing)} (it records {recorded})")
    for which, scored in (("the predictions", report), ("the reference predictions", reference_report)):
        absent = [m for m in metrics if scored is not None and m not in scored.metrics]
        if absent:
            why = "; ".join(f"{m}: {scored.skipped_metrics.get(m, 'not computed')}" for m in absent)
            raise UsageError(f"cannot gate {', '.join(absent)} on {which} ({why})")
    p_values: dict[str, float] = {}
    if reference_report is not None:
        reference_report.signature.require_same(report.signature)
        stale = [m for m in metrics if abs(reference_report.metrics[m].f1 - reference.metrics[m]) > EPSILON]
        if stale:
            raise IncomparableError(
                "the reference predictions do not reproduce the reference scores for " + ", ".join(
                    f"{m} ({reference_report.metrics[m].f1:.4f} vs {reference.metrics[m]:.4f})" for m in stale))
        _require_detectable(report, alpha)
        p_values = {c.metric: c.p_randomization for c in compare(reference_report, report, metrics=metrics)}
    verdicts = []
    for metric in metrics:
        before, now = reference.metrics[metric], report.metrics[metric].f1
        delta = now - before
        p = p_values.get(metric)
        if delta < -tolerance - EPSILON:
            status = "noise" if p is not None and p >= alpha else "fail"
        elif delta > tolerance + EPSILON:
            status = "improved"
        else:
            status = "pass"
        verdicts.append(Verdict(metric, before, now, delta, p, status))
    return verdicts


def _require_detectable(report: Report, alpha: float) -> None:
    """Refuse a noise-aware gate that could never fail: its p-value cannot go below ``randomization_floor``."""
    units, n = report.table.shape[0], report.resampling.n
    floor = randomization_floor(units, n)
    remedy = "choose a finer --unit, e.g. sentence" if enumerates_swaps(units, n) else "use more --bootstrap resamples"
    if floor >= alpha:
        raise UsageError(f"with {units} resampling units ({report.resampling.unit}) and {n} resamples no drop can be "
                         f"significant at alpha {alpha:g} (p cannot fall below {floor:.3g}); {remedy}")


def junit_xml(verdicts: list[Verdict], suite: str, signature: str, tolerance: float, alpha: float | None) -> str:
    """JUnit XML (one testcase per metric; a regression is a <failure> carrying the numbers)."""
    import xml.etree.ElementTree as ET

    failures = sum(v.failed for v in verdicts)
    root = ET.Element("testsuites", name="evbench", tests=str(len(verdicts)), failures=str(failures), errors="0")
    testsuite = ET.SubElement(root, "testsuite", name=suite, tests=str(len(verdicts)), failures=str(failures),
                              errors="0", skipped="0", time="0")
    properties = ET.SubElement(testsuite, "properties")
    ET.SubElement(properties, "property", name="signature", value=signature)
    ET.SubElement(properties, "property", name="tolerance", value=f"{tolerance:g}")
    if alpha is not None:
        ET.SubElement(properties, "property", name="alpha", value=f"{alpha:g}")
    for v in verdicts:
        case = ET.SubElement(testsuite, "testcase", classname=f"evbench.{suite}", name=v.metric, time="0")
        detail = describe(v)
        if v.failed:
            failure = ET.SubElement(case, "failure", message=detail, type="regression")
            failure.text = detail
        else:
            ET.SubElement(case, "system-out").text = detail
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def describe(v: Verdict) -> str:
    p = f", p={v.p_value:.4f}" if v.p_value is not None else ""
    return f"{v.metric}: reference {v.reference:.4f}, now {v.now:.4f}, delta {v.delta:+.4f}{p} -> {v.status}"


def verdicts_json(verdicts: list[Verdict], signature: str) -> dict[str, Any]:
    return {"signature": signature, "regression": any(v.failed for v in verdicts),
            "metrics": {v.metric: {"reference": v.reference, "now": v.now, "delta": v.delta, "p_value": v.p_value,
                                   "status": v.status} for v in verdicts}}
