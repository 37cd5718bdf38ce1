"""The HuggingFace view: typed -> Dataset -> typed is lossless; data/ loads offline."""

from __future__ import annotations

import json


from benchmark import hf_dataset
from benchmark.loader import DEFAULT_DATA_DIR, load_gold
from benchmark.validate import iter_gold


def test_typed_to_dataset_and_back_is_lossless(gold_file) -> None:
    docs = list(iter_gold(gold_file))
    dataset = hf_dataset.to_dataset(docs)
    assert dataset.features == hf_dataset.features()
    assert hf_dataset.from_rows(dataset.to_list()) == docs


def test_bundled_data_round_trips() -> None:
    docs = list(load_gold(split="all").documents)
    assert hf_dataset.from_rows(hf_dataset.to_dataset(docs).to_list()) == docs


def test_load_dataset_on_the_data_folder_offline(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    dataset_dict = hf_dataset.load_folder(DEFAULT_DATA_DIR, cache_dir=tmp_path / "cache")
    for split, dataset in dataset_dict.items():
        assert hf_dataset.from_rows(dataset.to_list()) == list(load_gold(split=split).documents)


def test_card_pins_the_split_sizes() -> None:
    card = (DEFAULT_DATA_DIR / "README.md").read_text(encoding="utf-8")
    for split, dataset in hf_dataset.to_dataset_dict().items():
        assert f"- name: {split}\n    num_bytes: 0\n    num_examples: {len(dataset)}" in card


def test_features_serialise_for_the_card() -> None:
    as_dict = hf_dataset.features().to_dict()
    assert json.loads(json.dumps(as_dict)) == as_dict
