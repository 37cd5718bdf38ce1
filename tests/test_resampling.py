"""Bootstrap intervals and paired tests, checked against exhaustive computations."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from benchmark.resampling import (
    approximate_randomization_p, paired_bootstrap_p, percentile_interval, resample_weights, resampled_sums,
)


def f1(sums: np.ndarray) -> np.ndarray:
    tp, fp, fn = sums[:, 0, 0], sums[:, 0, 1], sums[:, 0, 2]
    return np.where(2 * tp + fp + fn > 0, 2 * tp / np.maximum(2 * tp + fp + fn, 1), 0.0)


def table(rows) -> np.ndarray:
    return np.array(rows, dtype=np.int64).reshape(len(rows), 1, 3)


def test_weights_are_counts_of_draws() -> None:
    w = resample_weights(7, 500, np.random.default_rng(0))
    assert w.shape == (500, 7) and (w.sum(1) == 7).all() and (w >= 0).all()
    assert abs(w.mean() - 1.0) < 0.05  # every unit drawn once per resample on average


@pytest.mark.parametrize("n_units", [1, 7, 22, 999])
def test_chunked_bootstrap_sums_equal_one_draw_of_all_weights(n_units, monkeypatch) -> None:
    import benchmark.resampling as resampling
    table = np.random.default_rng(5).integers(0, 9, size=(n_units, 4, 3))
    whole = resampled_sums(table, resample_weights(n_units, 301, np.random.default_rng(3)))
    monkeypatch.setattr(resampling, "CHUNK_CELLS", 2 * n_units + 1)  # chunks of two draws
    (chunked,) = resampling.bootstrap_sums([table], 301, np.random.default_rng(3))
    assert (chunked == whole).all()


def test_resampled_sums_with_unit_weights_are_the_total() -> None:
    t = table([[1, 0, 1], [2, 1, 0], [0, 3, 3]])
    assert (resampled_sums(t, np.ones((1, 3)))[0] == t.sum(0)).all()


def test_bootstrap_interval_brackets_the_estimate_and_is_reproducible() -> None:
    rng = np.random.default_rng(0)
    t = table([[rng.integers(0, 5), rng.integers(0, 3), rng.integers(0, 3)] for _ in range(200)])
    draws = f1(resampled_sums(t, resample_weights(200, 1000, np.random.default_rng(1))))
    low, high = percentile_interval(draws, 0.95)
    point = f1(t.sum(0, keepdims=True))[0]
    assert low < point < high and high - low < 0.2
    again = f1(resampled_sums(t, resample_weights(200, 1000, np.random.default_rng(1))))
    assert percentile_interval(again, 0.95) == (low, high)


def test_interval_ignores_undefined_draws() -> None:
    assert percentile_interval(np.array([np.nan, 0.5, 0.5, np.nan]), 0.95) == (0.5, 0.5)


def test_a_system_against_itself_is_not_significant() -> None:
    t = table([[1, 1, 0], [0, 0, 1], [2, 0, 0], [1, 1, 1]])
    rng = np.random.default_rng(0)
    assert paired_bootstrap_p(t, t, f1, 500, rng) == 1.0
    assert approximate_randomization_p(t, t, f1, 500, rng) == 1.0


def test_randomisation_p_matches_exhaustive_enumeration() -> None:
    a = table([[1, 1, 1], [0, 2, 1], [1, 0, 0], [0, 1, 2], [2, 0, 1], [0, 1, 1]])
    b = table([[2, 0, 0], [1, 1, 0], [1, 0, 0], [1, 0, 1], [3, 0, 0], [1, 0, 0]])
    observed = abs(f1(b.sum(0, keepdims=True))[0] - f1(a.sum(0, keepdims=True))[0])
    extreme = 0
    swaps = list(itertools.product([0, 1], repeat=6))
    for swap in swaps:
        s = np.array(swap)[:, None, None]
        new_a, new_b = np.where(s, b, a), np.where(s, a, b)
        delta = abs(f1(new_b.sum(0, keepdims=True))[0] - f1(new_a.sum(0, keepdims=True))[0])
        extreme += delta >= observed - 1e-12
    exact = extreme / len(swaps)
    estimate = approximate_randomization_p(a, b, f1, 50, np.random.default_rng(3))  # 50 draws < 2^6 patterns
    assert estimate == pytest.approx(exact, abs=0.2)
    # with as many draws as patterns the test enumerates them: exact, whatever the seed
    assert approximate_randomization_p(a, b, f1, 64, np.random.default_rng(3)) == exact
    assert approximate_randomization_p(a, b, f1, 1000, np.random.default_rng(4)) == exact


def test_a_clearly_better_system_is_significant() -> None:
    rng = np.random.default_rng(0)
    a = table([[0, 1, 1]] * 60 + [[1, 0, 0]] * 40)
    b = table([[1, 0, 0]] * 90 + [[0, 1, 1]] * 10)
    assert paired_bootstrap_p(a, b, f1, 1000, rng) < 0.01
    assert approximate_randomization_p(a, b, f1, 1000, rng) < 0.01
