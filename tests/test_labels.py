"""Label sets are data: the default set and user-supplied files."""

from __future__ import annotations

import json

import pytest

from benchmark.errors import InputError
from benchmark.labels import load_labels


def test_default_label_set_matches_the_format() -> None:
    labels = load_labels()
    assert len(labels.event_types) == 16
    assert labels.event_types["REQUEST"].quad == "verbal conflict"
    assert labels.modes_of("CONSULT") == ("visit", "third-party", "multilateral", "phone")
    assert labels.roles == ("actor", "recipient", "place", "time")
    assert labels.factuality == ("asserted", "negated", "hypothetical")
    assert labels.polarities == ("favor", "against", "neutral")
    assert set(labels.entity_types) == {"GOV", "MIL", "COP", "REB", "OPP", "ELI", "IGO", "NGO", "JRN", "EXP", "CVL", "UNK", "LOC", "TIME"}
    assert labels.format_version == 1 and len(labels.digest) == 8


def test_another_label_set_from_a_file(tmp_path) -> None:
    data = json.loads(json.dumps({
        "name": "ace", "version": "2005", "format_version": 1,
        "event_types": {"Conflict:Attack": {"quad": "", "modes": []}},
        "roles": ["Attacker", "Target"], "entity_types": {"PER": "person"},
        "factuality": ["asserted"], "polarities": ["favor", "against", "neutral"],
    }))
    path = tmp_path / "ace.json"
    path.write_text(json.dumps(data))
    labels = load_labels(path)
    assert list(labels.event_types) == ["Conflict:Attack"]
    assert labels.digest != load_labels().digest


@pytest.mark.parametrize("content,fragment", [("{", "not valid JSON"), ('{"name": "x"}', "not a label set")])
def test_malformed_label_set(tmp_path, content, fragment) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content)
    with pytest.raises(InputError, match=fragment):
        load_labels(path)
