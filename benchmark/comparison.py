"""compare(A, B): paired significance of the difference between two systems on the same gold.

Both reports must carry the same signature (same gold, rules and resampling settings).
Tests run over the reports' resampling units with the reports' number of resamples and
seed (``benchmark.resampling``), so the signature describes the p-values too; the
statistic is each metric's F1 (F_avg for ``F_avg``).
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

import numpy as np

from benchmark.errors import IncomparableError, UsageError
from benchmark.resampling import approximate_randomization_p, paired_bootstrap_p
from benchmark.scorer import Report, _statistics


@dataclass(frozen=True)
class MetricComparison:
    metric: str
    a: float
    b: float
    delta: float  # b - a
    p_bootstrap: float
    p_randomization: float


def _aligned_tables(a: Report, b: Report) -> tuple[list[tuple[str, str]], np.ndarray, np.ndarray]:
    columns = sorted(set(a.columns) | set(b.columns), key=lambda c: (a.columns + b.columns).index(c))

    def expand(report: Report) -> np.ndarray:
        table = report.unit_table()
        out = np.zeros((table.shape[0], len(columns), 3), dtype=table.dtype)
        for i, column in enumerate(report.columns):
            out[:, columns.index(column)] = table[:, i]
        return out

    return columns, expand(a), expand(b)


def compare(a: Report, b: Report, *, metrics: tuple[str, ...] | None = None) -> list[MetricComparison]:
    """Per metric: both scores, the difference B - A, paired-bootstrap and randomisation p-values.

    Raises:
        IncomparableError: the signatures differ (the message names every difference).
        UsageError: the reports were scored without resamples, or over a single unit.
    """
    a.signature.require_same(b.signature)
    if a.table.shape[0] != b.table.shape[0]:
        raise IncomparableError("the two reports have different numbers of resampling units")
    n, seed, unit = a.resampling.n, a.resampling.seed, a.resampling.unit
    if not n:
        raise UsageError("p-values need resamples: score both systems with --bootstrap N (N > 0)")
    if a.table.shape[0] < 2:
        raise UsageError(f"p-values need at least 2 resampling units; the gold has {a.table.shape[0]} {unit} unit "
                         "(choose a finer --unit)")
    columns, table_a, table_b = _aligned_tables(a, b)
    statistics = _statistics(columns, a.options.zero_division)
    absent = [m for m in metrics or () if m not in a.metrics or m not in b.metrics]
    if absent:
        raise UsageError(f"{', '.join(absent)} not computed for both systems (e.g. no entity layer predicted)")
    names = [m for m in (metrics or tuple(a.metrics)) if m in b.metrics]
    results = []
    for metric in names:
        def statistic(sums: np.ndarray, metric: str = metric) -> np.ndarray:
            return statistics(sums)[metric]["f1"]

        # One random stream per metric *name*: a metric's p-values do not depend on which
        # other metrics were asked for, nor on their order.
        stream = zlib.crc32(metric.encode())
        results.append(MetricComparison(
            metric, a.metrics[metric].f1, b.metrics[metric].f1, b.metrics[metric].f1 - a.metrics[metric].f1,
            paired_bootstrap_p(table_a, table_b, statistic, n, np.random.default_rng([seed, stream, 0])),
            approximate_randomization_p(table_a, table_b, statistic, n, np.random.default_rng([seed, stream, 1])),
        ))
    return results
