"""`make demo`: the protocol's flow on a fresh local chain (see cap/demo.py)."""

import click
from ape.cli import ConnectedProviderCommand
from ape.logging import logger

from cap.demo import Cast, Demo


@click.command(cls=ConnectedProviderCommand, short_help="Walk the protocol's flow on a local chain")
def cli():
    logger.set_level("WARNING")  # the story, not every confirmation
    Demo(Cast.local()).run()
