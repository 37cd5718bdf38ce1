"""The reproducibility signature: every choice that can change a number, as ``key:value|...``.

Built from the explicit option objects (never from ``__dict__``), printed beside every
score, stored in every JSON report; comparing results with different signatures is refused.
Example: ``evbench:0.1.0|fmt:1|labels:plover-1.3c9a2f1e|gold:3fa2c1e9|span:exact|arg:mention|compat:none|dup:fp|text:nfkc|valid:strict|zd:0|boot:sentence-1000|ci:95|seed:0``
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from benchmark.errors import IncomparableError
from benchmark.version import FORMAT_VERSION, __version__

if TYPE_CHECKING:
    from benchmark.labels import LabelSet
    from benchmark.scorer import ResamplingOptions, ScoringOptions

_DESCRIPTIONS = {
    "evbench": "evbench version", "fmt": "data format version", "labels": "label set (name-version.hash)",
    "gold": "gold data hash", "span": "span match rule", "arg": "argument/stance entity match rule",
    "compat": "compatibility mode", "dup": "duplicate predictions policy", "text": "text-only span matching",
    "valid": "invalid records rejected (strict) or counted as false positives (lenient)",
    "zd": "zero-division value", "boot": "bootstrap unit and resamples", "ci": "confidence level (%)", "seed": "random seed",
}


@dataclass(frozen=True)
class Signature:
    """An ordered set of ``key:value`` fields."""

    items: tuple[tuple[str, str], ...]

    @classmethod
    def build(cls, labels: "LabelSet", gold_digest: str, options: "ScoringOptions", resampling: "ResamplingOptions",
              lenient: bool = False) -> "Signature":
        """Every field that can change a number, for a gold corpus (its label set and content digest)."""
        return cls((
            ("evbench", __version__),
            ("fmt", str(FORMAT_VERSION)),
            ("labels", f"{labels.name}-{labels.version}.{labels.digest}"),
            ("gold", gold_digest),
            ("span", options.span),
            ("arg", options.args),
            ("compat", options.compat),
            ("dup", "set" if options.compat == "textee" else "fp"),
            ("text", "nfkc"),
            ("valid", "lenient" if lenient else "strict"),
            ("zd", f"{options.zero_division:g}"),
            ("boot", f"{resampling.unit}-{resampling.n}"),
            ("ci", f"{resampling.level * 100:.12g}"),
            ("seed", str(resampling.seed)),
        ))

    @classmethod
    def parse(cls, text: str) -> "Signature":
        items = []
        for part in text.split("|"):
            key, sep, value = part.partition(":")
            if not sep:
                raise ValueError(f"not a signature field: {part!r}")
            items.append((key, value))
        return cls(tuple(items))

    def fields(self) -> dict[str, str]:
        return dict(self.items)

    def __str__(self) -> str:
        return "|".join(f"{k}:{v}" for k, v in self.items)

    def differences(self, other: "Signature", ignore: tuple[str, ...] = ()) -> list[str]:
        """Human-readable differences, e.g. ``gold data hash: 3fa2c1e9 vs 77ab01cd``."""
        mine, theirs = self.fields(), other.fields()
        return [f"{_DESCRIPTIONS.get(k, k)} ({k}): {mine.get(k, '(absent)')} vs {theirs.get(k, '(absent)')}"
                for k in dict.fromkeys([*mine, *theirs]) if k not in ignore and mine.get(k) != theirs.get(k)]

    def require_same(self, other: "Signature", ignore: tuple[str, ...] = ()) -> None:
        """Raise ``IncomparableError`` naming every difference."""
        diffs = self.differences(other, ignore)
        if diffs:
            raise IncomparableError("results are not comparable; their signatures differ in " + "; ".join(diffs))
