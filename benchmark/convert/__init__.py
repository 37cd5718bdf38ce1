"""Converters between evbench and the formats other tools write (OneIE/TextEE JSON, BRAT standoff).

Each format module reads into evbench records and writes from them; ``derive_labels`` builds a
label set from converted data; ``TypeMapping`` maps another ontology onto ours.
"""

from benchmark.convert.common import TypeMapping, derive_labels, token_offsets

__all__ = ["TypeMapping", "derive_labels", "token_offsets"]
