"""A scikit-learn event and stance extraction pipeline, trained only on training data."""

from baselines.ml.pipeline import MLPipeline, cross_validate

__all__ = ["MLPipeline", "cross_validate"]
