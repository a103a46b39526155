"""`make demo`: about a month of the protocol's life on a fresh local chain, then a report (see cap/demo.py).

The report (`demo.md`) and its charts go to `reports/`, or to the folder given by `--reports-dir` or the
`CAP_REPORTS_DIR` environment variable.
"""

import os
from pathlib import Path

import click
from ape.cli import ConnectedProviderCommand
from ape.logging import logger

from cap.demo import Cast, Demo


@click.command(cls=ConnectedProviderCommand, short_help="Play a month of the protocol on a local chain")
@click.option(
    "--reports-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="where the Markdown report and the PNG charts are written [default: $CAP_REPORTS_DIR, else reports]",
)
def cli(reports_dir: Path | None):
    logger.set_level("WARNING")  # the story, not every confirmation
    folder = reports_dir or Path(os.environ.get("CAP_REPORTS_DIR") or "reports")
    Demo(Cast.local(), report_dir=folder).run()
