"""evbench: an event- and stance-extraction benchmark for political news.

Public API: ``load_gold`` (validated gold documents), ``load_labels`` (label sets),
``validate_gold_file`` / ``validate_prediction_file`` (every problem of a file),
``iter_predictions`` (streamed, validated system output).
"""

from benchmark.errors import EvbenchError, ExitCode, IncomparableError, InputError, UsageError
from benchmark.labels import LabelSet, load_labels
from benchmark.loader import Corpus, load_gold
from benchmark.model import Document, Prediction
from benchmark.validate import iter_predictions, validate_gold_file, validate_prediction_file
from benchmark.version import FORMAT_VERSION, __version__

__all__ = [
    "Corpus", "Document", "EvbenchError", "ExitCode", "FORMAT_VERSION", "IncomparableError", "InputError",
    "LabelSet", "Prediction", "UsageError", "__version__", "iter_predictions", "load_gold", "load_labels",
    "validate_gold_file", "validate_prediction_file",
]
