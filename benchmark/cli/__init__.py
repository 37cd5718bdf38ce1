"""The ``evbench`` command line: one typer app, a module per group of commands.

Each command parses options, calls the library (``benchmark``), renders, and exits with the
shared codes: 0 success; 1 negative verdict (invalid file, regression); 2 usage error;
65 malformed input data.
"""

from benchmark.cli.common import app
# Importing a module registers its commands; this order is the order of `evbench --help`.
from benchmark.cli import run, data, scoring, convert  # noqa: F401,E402,I001

__all__ = ["app"]
