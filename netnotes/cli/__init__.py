"""The ``netnotes`` command: the group that assembles the commands of ``reading``, ``site``,
``writing`` and ``interchange``. Each command parses its options, calls one library function
and prints its result; what they share lives in ``common``. See docs/architecture.md.

The group knows each command's module by name and imports that module only when the command
is run (or listed, for ``--help``): ``netnotes due`` never imports the site, the importers or
their libraries, and ``--version`` imports none of the library at all.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, MutableMapping

import click

from .. import __version__

STOPPED_BY_CTRL_C = frozenset({"serve"})  # commands that run until Ctrl-C: stopping them is success

# Each command's module in this package; the module's COMMANDS holds it
# (tests/test_architecture.py checks that the two agree).
COMMAND_MODULES = {
    "check": "reading",
    "due": "reading",
    "show": "reading",
    "path": "reading",
    "dupes": "reading",
    "build": "site",
    "serve": "site",
    "init": "writing",
    "new": "writing",
    "log": "writing",
    "ask": "writing",
    "done": "writing",
    "snooze": "writing",
    "edit": "writing",
    "merge": "writing",
    "import": "interchange",
    "export": "interchange",
}


class _Commands(MutableMapping[str, click.Command]):
    """The group's commands by name, each imported with its module on first use."""

    def __init__(self) -> None:
        self._loaded: dict[str, click.Command] = {}

    def __getitem__(self, name: str) -> click.Command:
        command = self._loaded.get(name)
        if command is None:
            module = importlib.import_module(f"{__name__}.{COMMAND_MODULES[name]}")
            command = self._loaded[name] = next(c for c in module.COMMANDS if c.name == name)
        return command

    def __setitem__(self, name: str, command: click.Command) -> None:
        self._loaded[name] = command

    def __delitem__(self, name: str) -> None:
        raise TypeError("netnotes' commands are fixed")

    def __iter__(self) -> Iterator[str]:
        return iter({**dict.fromkeys(COMMAND_MODULES), **self._loaded})

    def __len__(self) -> int:
        return len(COMMAND_MODULES.keys() | self._loaded.keys())


class _NetnotesGroup(click.Group):
    """Turns Ctrl-C into a quiet exit, once for every command: click would print "Aborted!".

    ``serve`` runs until Ctrl-C, so it says "Stopped." and exits 0; any other command exits 130.
    """

    def invoke(self, ctx: click.Context) -> object:
        from .common import EXIT_INTERRUPTED, EXIT_OK

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
    from .common import Context

    ctx.obj = Context(vault)


main.commands = _Commands()

__all__ = ["main"]
