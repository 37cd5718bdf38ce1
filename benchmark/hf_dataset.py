"""The gold corpus as HuggingFace ``datasets`` objects, with explicit Features, fully offline.

Labels stay strings (the label set is checked by ``benchmark.validate``, not by Features);
nested spans use ``List`` of structs; ``meta`` is a ``Json`` feature. Converting typed
documents to a Dataset and back is lossless (``tests/test_hf_dataset.py``).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import msgspec

from benchmark.loader import DEFAULT_DATA_DIR, SPLITS, load_gold
from benchmark.model import Document

if TYPE_CHECKING:
    from datasets import Dataset, DatasetDict, Features


def _offline_datasets():
    """Import ``datasets`` with the Hub switched off (the variables are read at import)."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
    import datasets

    return datasets


def features() -> "Features":
    """The Features of a gold document (docs/FORMAT.md)."""
    ds = _offline_datasets()
    string, int32 = ds.Value("string"), ds.Value("int32")
    span = {"start": int32, "end": int32, "text": string}
    return ds.Features(
        {
            "id": string,
            "text": string,
            "meta": ds.Json(),
            "paragraphs": ds.List(span),
            "sentences": ds.List(span),
            "entities": ds.List({"id": string, "type": string, "name": string, "mentions": ds.List(span)}),
            "events": ds.List(
                {
                    "id": string,
                    "type": string,
                    "mode": string,
                    "coref": string,
                    "trigger": span,
                    "factuality": string,
                    "arguments": ds.List({"role": string, "entity": string, "span": span}),
                }
            ),
            "stances": ds.List(
                {
                    "id": string,
                    "holder": {"entity": string, "span": span},
                    "target": {"entity": string, "span": span, "event": string},
                    "polarity": string,
                    "evidence": ds.List(span),
                }
            ),
        }
    )


def to_dataset(documents: Iterable[Document]) -> "Dataset":
    """A ``datasets.Dataset`` with one row per document."""
    ds = _offline_datasets()
    rows = [msgspec.to_builtins(doc) for doc in documents]
    return ds.Dataset.from_list(rows, features=features())


def to_dataset_dict(data_dir: str | Path | None = None) -> "DatasetDict":
    """Every split present in a data folder (default: the bundled ``data/``), validated first."""
    ds = _offline_datasets()
    data_dir = DEFAULT_DATA_DIR if data_dir is None else Path(data_dir)
    splits = [name for name in SPLITS if (data_dir / f"{name}.jsonl").is_file()]
    return ds.DatasetDict({name: to_dataset(load_gold(data_dir, name).documents) for name in splits})


def from_rows(rows: Iterable[dict[str, Any]]) -> list[Document]:
    """Typed documents from Dataset rows (``None`` for absent optional fields is dropped)."""
    return [msgspec.convert(_drop_none(row), Document) for row in rows]


def _drop_none(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _drop_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_drop_none(v) for v in value]
    return value


def load_folder(data_dir: str | Path | None = None, cache_dir: str | Path | None = None) -> "DatasetDict":
    """``datasets.load_dataset`` on a data folder, offline (its README.md card declares the configs)."""
    ds = _offline_datasets()
    data_dir = DEFAULT_DATA_DIR if data_dir is None else Path(data_dir)
    return ds.load_dataset(str(data_dir), cache_dir=None if cache_dir is None else str(cache_dir))


def card_yaml(split_sizes: dict[str, int], license_id: str = "cc-by-4.0") -> str:
    """The YAML header of the data card: configs, Features and split sizes (sizes are checked on load)."""
    ds = _offline_datasets()
    from datasets.info import DatasetInfosDict
    from huggingface_hub import DatasetCardData

    splits = ds.SplitDict({name: ds.SplitInfo(name=name, num_examples=n, num_bytes=0) for name, n in split_sizes.items()})
    info = ds.DatasetInfo(features=features(), splits=splits)
    card = DatasetCardData(
        license=license_id,
        language=["en"],
        pretty_name="evbench",
        task_categories=["token-classification"],
        configs=[{"config_name": "default", "default": True,
                  "data_files": [{"split": name, "path": f"{name}.jsonl"} for name in split_sizes]}],
    )
    DatasetInfosDict({"default": info}).to_dataset_card_data(card)
    return card.to_yaml()
