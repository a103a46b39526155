"""`make demo`: about a month of the protocol's life on a fresh local chain, then a report (see cap/demo.py).

The report (`demo.md`) and its charts go to `reports/`, or to the folder given by `--reports-dir` or the
`CAP_REPORTS_DIR` environment variable.
"""

from pathlib import Path

import click
from ape.cli import ConnectedProviderCommand
from ape.logging import logger

from cap.demo import Cast, Demo


@click.command(cls=ConnectedProviderCommand, short_help="Play a month of the protocol on a local chain")
@click.option(
    "--reports-dir",
    type=click.Path(file_okay=False, path_type=Path),
    envvar="CAP_REPORTS_DIR",
    default=Path("reports"),
    show_default=True,
    help="where the Markdown report and the PNG charts are written",
)
def cli(reports_dir: Path):
    logger.set_level("WARNING")  # the story, not every confirmation
    Demo(Cast.local(), report_dir=reports_dir).run()
