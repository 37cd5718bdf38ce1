"""Version numbers: the package's and the data format's (docs/FORMAT.md)."""

__version__ = "0.1.0"
FORMAT_VERSION = 1
