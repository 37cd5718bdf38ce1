"""Bootstrap confidence intervals and paired significance tests over per-unit count tables.

Every procedure resamples *rows* of a count table (units × columns × (tp, fp, fn)) and
rescores from sums: nothing is re-matched. Randomness comes in as a seeded
``numpy.random.Generator``; there is no global seed.

* Percentile bootstrap CI (Efron & Tibshirani 1993, ch. 13): resample units with
  replacement ``n`` times, take the (1-level)/2 and (1+level)/2 quantiles of the statistic.
* Paired bootstrap test (Koehn 2004; Berg-Kirkpatrick et al. 2012): resample units, and
  count how often the resampled difference B - A departs from the observed difference by
  at least the observed difference in absolute value (two-sided; the resampled
  differences are centred on the observed one, which shifts the null);
  p = (count + 1) / (n + 1).
* Approximate randomisation (Noreen 1989; Riezler & Maxwell 2005): swap the two systems'
  counts unit by unit with probability 1/2, and count how often |difference| is at least
  the observed one; p = (count + 1) / (n + 1). Identical systems give p = 1. With so few
  units that all 2^units swap patterns fit in ``n`` draws, each pattern is taken once
  instead and p = count / 2^units is exact.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

Statistic = Callable[[np.ndarray], np.ndarray]  # (draws, columns, 3) summed counts -> (draws,) values


CHUNK_CELLS = 1 << 22  # draws x units generated at once: memory stays bounded whatever the corpus size


def resample_weights(n_units: int, n_draws: int, rng: np.random.Generator) -> np.ndarray:
    """(n_draws, n_units) counts of how often each unit is drawn, each row summing to n_units."""
    if n_units == 0:
        return np.zeros((n_draws, 0))
    draws = rng.integers(0, n_units, size=(n_draws, n_units))
    offsets = (np.arange(n_draws) * n_units)[:, None]
    return np.bincount((draws + offsets).ravel(), minlength=n_draws * n_units).reshape(n_draws, n_units).astype(float)


def resampled_sums(table: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Sums of a (units, columns, 3) table under each row of weights: (draws, columns, 3)."""
    units, columns, three = table.shape
    return (weights @ table.reshape(units, columns * three)).reshape(-1, columns, three)


def bootstrap_sums(tables: list[np.ndarray], n_draws: int, rng: np.random.Generator) -> list[np.ndarray]:
    """``resampled_sums`` of each table (same units) under the same ``n_draws`` resamples.

    The weights are drawn in chunks of rows, which consumes the generator exactly as one
    ``resample_weights`` call does (same numbers), in memory bounded by ``CHUNK_CELLS``.
    """
    n_units = tables[0].shape[0]
    rows = max(1, CHUNK_CELLS // max(n_units, 1))
    flat = [table.reshape(n_units, -1).astype(float) for table in tables]
    parts: list[list[np.ndarray]] = [[] for _ in tables]
    for start in range(0, n_draws, rows):
        weights = resample_weights(n_units, min(rows, n_draws - start), rng)
        for table, out in zip(flat, parts):
            out.append(weights @ table)
    return [np.concatenate(out).reshape(n_draws, *table.shape[1:]) if out else np.zeros((0, *table.shape[1:]))
            for out, table in zip(parts, tables)]


def percentile_interval(values: np.ndarray, level: float) -> tuple[float, float]:
    """Percentile interval of the defined (non-NaN) values."""
    low, high = np.nanquantile(values, [(1 - level) / 2, (1 + level) / 2])
    return float(low), float(high)


def paired_bootstrap_p(table_a: np.ndarray, table_b: np.ndarray, statistic: Statistic,
                       n: int, rng: np.random.Generator) -> float:
    """Two-sided p-value of the difference statistic(B) - statistic(A) by paired bootstrap."""
    observed = float(statistic(table_b.sum(0, keepdims=True))[0] - statistic(table_a.sum(0, keepdims=True))[0])
    sums_a, sums_b = bootstrap_sums([table_a, table_b], n, rng)
    deltas = statistic(sums_b) - statistic(sums_a)
    extreme = np.count_nonzero(np.abs(deltas - observed) >= abs(observed) - 1e-12) if observed else n
    return (extreme + 1) / (n + 1)


def enumerates_swaps(units: int, n: int) -> bool:
    """Whether ``approximate_randomization_p`` takes every swap pattern once: they fit in ``n`` draws."""
    return units < 63 and 2**units <= n


def randomization_floor(units: int, n: int) -> float:
    """The smallest p-value ``approximate_randomization_p`` can give: 2 / 2^units when it enumerates
    the swap patterns (none swapped and all swapped both reproduce the observed difference), else 1 / (n + 1)."""
    return 2 / 2**units if enumerates_swaps(units, n) else 1 / (n + 1)


def approximate_randomization_p(table_a: np.ndarray, table_b: np.ndarray, statistic: Statistic,
                                n: int, rng: np.random.Generator) -> float:
    """Two-sided p-value of statistic(B) - statistic(A) by approximate randomisation over units."""
    observed = abs(float(statistic(table_b.sum(0, keepdims=True))[0] - statistic(table_a.sum(0, keepdims=True))[0]))
    units = table_a.shape[0]
    exact = enumerates_swaps(units, n)
    if exact:
        swap = ((np.arange(2**units)[:, None] >> np.arange(units)) & 1).astype(float)
    else:
        swap = rng.integers(0, 2, size=(n, units)).astype(float)
    diff = table_b - table_a
    # Swapping unit u moves (b_u - a_u) from B's sum to A's: sum_B' = sum_B - s·diff, sum_A' = sum_A + s·diff.
    shift = resampled_sums(diff, swap)
    sum_a, sum_b = table_a.sum(0), table_b.sum(0)
    deltas = statistic(sum_b[None] - shift) - statistic(sum_a[None] + shift)
    extreme = np.count_nonzero(np.abs(deltas) >= observed - 1e-12)
    return extreme / len(swap) if exact else (extreme + 1) / (n + 1)
