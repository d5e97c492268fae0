"""The ``netnotes`` command: the group that assembles the commands of ``reading``, ``site``,
``writing`` and ``interchange``. Each command parses its options, calls one library function
and prints its result; what they share lives in ``common``. See docs/architecture.md.
"""

from __future__ import annotations

import click

from .. import __version__
from . import interchange, reading, site, writing
from .common import EXIT_INTERRUPTED, EXIT_OK, Context

STOPPED_BY_CTRL_C = frozenset({"serve"})  # commands that run until Ctrl-C: stopping them is success


class _NetnotesGroup(click.Group):
    """Turns Ctrl-C into a quiet exit, once for every command: click would print "Aborted!".

    ``serve`` runs until Ctrl-C, so it says "Stopped." and exits 0; any other command exits 130.
    """

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            if ctx.invoked_subcommand in STOPPED_BY_CTRL_C:
                click.echo("Stopped.", err=True)
                raise click.exceptions.Exit(EXIT_OK) from None
            raise click.exceptions.Exit(EXIT_INTERRUPTED) from None


@click.group(cls=_NetnotesGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="netnotes")
@click.option(
    "--vault",
    metavar="DIR",
    envvar="NETNOTES_VAULT",
    help="The vault folder. Default: the nearest folder upward with netnotes.yaml, else the current "
    "folder if it has contacts/, interactions/ or asks/.",
)
@click.pass_context
def main(ctx: click.Context, vault: str | None) -> None:
    """netnotes: a plain-text personal CRM for professional networking.

    Your network is Markdown notes with YAML front matter in contacts/, interactions/ and asks/.
    """
    ctx.obj = Context(vault)


for _module in (reading, site, writing, interchange):
    for _command in _module.COMMANDS:
        main.add_command(_command)

__all__ = ["main"]
