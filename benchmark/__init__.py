"""evbench: an event- and stance-extraction benchmark for political news.

Public API: ``load_gold`` / ``index_gold`` (validated gold, in memory or read on demand),
``load_labels`` (label sets), ``validate_gold_file`` / ``validate_prediction_file`` (every
problem of a file), ``iter_predictions`` (streamed, validated system output), ``score`` /
``score_file`` (a ``Report`` with counts, scores, CIs and signature), ``compare`` (paired
significance of two reports), ``compute`` (HuggingFace-evaluate style).
"""

from benchmark.errors import EvbenchError, ExitCode, IncomparableError, InputError, UsageError
from benchmark.labels import LabelSet, load_labels
from benchmark.api import compute, score_file
from benchmark.comparison import compare
from benchmark.loader import Corpus, GoldIndex, index_gold, load_gold
from benchmark.scorer import Report, ResamplingOptions, ScoringOptions, score
from benchmark.model import Document, Prediction
from benchmark.validate import iter_predictions, validate_gold_file, validate_prediction_file
from benchmark.version import FORMAT_VERSION, __version__

__all__ = [
    "Corpus", "Document", "EvbenchError", "ExitCode", "FORMAT_VERSION", "GoldIndex", "IncomparableError", "InputError",
    "LabelSet", "Prediction", "Report", "ResamplingOptions", "ScoringOptions", "UsageError", "__version__", "compare",
    "compute", "index_gold", "iter_predictions", "load_gold", "load_labels", "score", "score_file",
    "validate_gold_file", "validate_prediction_file",
]
