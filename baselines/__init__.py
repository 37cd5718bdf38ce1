"""evbench baselines: a rule-based PLOVER coder (``baselines.rules``) and a scikit-learn pipeline (``baselines.ml``)."""
