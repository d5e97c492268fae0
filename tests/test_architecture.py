"""The shape of the package (issue 9, item 1; docs/architecture.md): every CLI module imports on
its own, and no module of ``netnotes`` imports, even from inside a function, one that imports it
back."""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import MakeVault

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "netnotes"

CLI_MODULES = [
    "netnotes.cli",
    "netnotes.cli.common",
    "netnotes.cli.reading",
    "netnotes.cli.site",
    "netnotes.cli.writing",
    "netnotes.cli.interchange",
]


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    """Every module of the package by dotted name."""
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py")) if "__pycache__" not in p.parts}


def imported(name: str, path: Path, known: set[str]) -> set[str]:
    """The package's modules that ``name`` imports anywhere in its source: at the top, inside
    functions, under ``TYPE_CHECKING``."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package.rsplit(".", node.level - 1)[0] if node.level else ""
            source = ".".join(part for part in (base, node.module or "") if part)
            for alias in node.names:
                submodule = f"{source}.{alias.name}"
                found.add(submodule if submodule in known else source)
    return {m for m in found if m in known and m != name}


def import_graph() -> dict[str, set[str]]:
    found = modules()
    return {name: imported(name, path, set(found)) for name, path in found.items()}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle of ``graph`` as the modules along it (first == last), or None."""
    done: set[str] = set()
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        if node in path:
            return path[path.index(node) :] + [node]
        if node in done:
            return None
        path.append(node)
        for nxt in sorted(graph[node]):
            cycle = visit(nxt)
            if cycle:
                return cycle
        path.pop()
        done.add(node)
        return None

    for start in sorted(graph):
        cycle = visit(start)
        if cycle:
            return cycle
    return None


def test_no_module_of_netnotes_imports_one_that_imports_it_back() -> None:
    cycle = find_cycle(import_graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def test_the_cycle_finder_sees_a_cycle_through_a_function_level_import(tmp_path: Path) -> None:
    # the old cli.py imported cli_notes at its end, which imported cli back
    (tmp_path / "cli.py").write_text("from .cli_notes import register\n")
    (tmp_path / "cli_notes.py").write_text("def register():\n    from .cli import DATE\n")
    known = {"netnotes.cli", "netnotes.cli_notes"}
    graph = {m: imported(m, tmp_path / f"{m.rpartition('.')[2]}.py", known) for m in known}
    assert find_cycle(graph) == ["netnotes.cli", "netnotes.cli_notes", "netnotes.cli"]


def ring(module: str) -> int:
    """0 for the pipeline, 1 for the site around it, 2 for the command line around both."""
    if module == "netnotes.__main__" or module.startswith("netnotes.cli"):
        return 2
    if module.startswith(("netnotes.site", "netnotes.serve", "netnotes.markdown")):
        return 1
    return 0


def test_no_stage_imports_an_outer_ring() -> None:
    outward = {m: sorted(i for i in imports if ring(i) > ring(m)) for m, imports in import_graph().items()}
    assert {m: i for m, i in outward.items() if i} == {}


def test_command_modules_import_only_the_shared_plumbing_of_the_cli() -> None:
    graph = import_graph()
    for name in CLI_MODULES[2:]:
        cli_imports = {m for m in graph[name] if m.startswith("netnotes.cli")}
        assert cli_imports == {"netnotes.cli.common"}, name


def test_every_cli_module_is_listed_here() -> None:
    assert sorted(m for m in modules() if m.startswith("netnotes.cli")) == sorted(CLI_MODULES)


@pytest.mark.parametrize("module", CLI_MODULES)
def test_each_cli_module_imports_on_its_own(module: str) -> None:
    done = subprocess.run([sys.executable, "-c", f"import {module}"], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""


def test_the_group_names_each_command_with_the_module_that_defines_it() -> None:
    from netnotes.cli import COMMAND_MODULES, interchange, reading, site, writing

    defined = {c.name: m.__name__.rpartition(".")[2] for m in (reading, site, writing, interchange) for c in m.COMMANDS}
    assert COMMAND_MODULES == defined


# Libraries (and netnotes' own outer stages) that only some commands need: the dashboard's,
# the importers' and exporters', encryption's, serve's, and the process pool's.
HEAVY = (
    "jinja2",
    "markdown_it",
    "mdit_py_plugins",
    "markupsafe",
    "icalendar",
    "vobject",
    "cryptography",
    "zxcvbn",
    "pyuca",
    "watchdog",
    "multiprocessing",
    "concurrent.futures",
    "netnotes.site",
    "netnotes.serve",
    "netnotes.markdown",
    "netnotes.importers",
    "netnotes.exporters",
    "netnotes.actions",
    "netnotes.cli.writing",
    "netnotes.cli.interchange",
    "netnotes.cli.site",
)
LOGGED_MODULES = "import atexit, sys\natexit.register(lambda: print(*sorted(sys.modules), file=sys.stderr))\n"


def modules_imported_by(*args: str | Path, env: dict[str, str]) -> set[str]:
    """Every module a fresh ``netnotes ARGS`` process has imported when it exits."""
    code = LOGGED_MODULES + "from netnotes.cli import main\nmain()"
    done = subprocess.run(
        [sys.executable, "-c", code, *map(str, args)], cwd=ROOT, capture_output=True, text=True, env=env
    )
    assert done.returncode == 0, done.stderr
    return set(done.stderr.split())


@pytest.mark.parametrize(
    "args",
    [
        ["--version"],
        ["check"],
        ["due", "--today", "2026-11-25"],
        ["show", "jane-doe", "--today", "2026-11-25"],
        ["path", "Acme"],
    ],
    ids=["version", "check", "due", "show", "path"],
)
def test_the_everyday_commands_import_no_library_they_do_not_use(
    make_vault: MakeVault, tmp_path: Path, args: list[str]
) -> None:
    """Issue 12: start-up is paid on every command, so ``due`` does not load the dashboard's,
    the importers' or encryption's libraries (click imports a command's module when it runs)."""
    vault = make_vault(
        {
            "contacts/jane-doe.md": "---\nname: Jane Doe\ncompany: Acme\ncircle: inner\n---\n",
            "interactions/2026-01-01-x.md": "---\ndate: 2026-01-01\nwith: jane-doe\n---\nMet.\n",
        },
        config="circles:\n  inner: 3w\n",
    )
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    loaded = modules_imported_by("--vault", vault, *args, env=env)
    assert "netnotes.loader" in loaded or args == ["--version"]
    assert sorted(m for m in loaded if m.startswith(HEAVY)) == []


def test_a_build_that_keeps_the_calendar_does_not_import_icalendar(make_vault: MakeVault, tmp_path: Path) -> None:
    """The calendar file is made again only when its events change, so only then is the
    iCalendar library loaded (about 25 ms of every build otherwise)."""
    vault = make_vault(
        {
            "contacts/jane-doe.md": "---\nname: Jane Doe\nbirthday: 1990-04-01\n---\n",
            "interactions/2026-01-01-x.md": "---\ndate: 2026-01-01\nwith: jane-doe\n---\nMet.\n",
        }
    )
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    build = ("--vault", vault, "build", "--today", "2026-11-25", "--out", tmp_path / "site")
    assert "icalendar" in modules_imported_by(*build, env=env)
    (vault / "interactions/2026-01-01-x.md").write_text("---\ndate: 2026-01-01\nwith: jane-doe\n---\nMet twice.\n")
    again = modules_imported_by(*build, env=env)
    assert "netnotes.calendar" in again and "icalendar" not in again


def test_version_imports_none_of_the_library() -> None:
    loaded = modules_imported_by("--version", env=dict(os.environ))
    assert sorted(m for m in loaded if m.startswith("netnotes")) == ["netnotes", "netnotes.cli"]
    assert "yaml" not in loaded and "click" in loaded


def test_the_module_log_sees_a_heavy_import(tmp_path: Path) -> None:
    """The check above would pass on a log that caught nothing: this one must catch jinja2."""
    code = LOGGED_MODULES + "import jinja2"
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert "jinja2" in done.stderr.split()


def test_checks_name_problem_codes_and_no_module_reads_a_severity_off_a_number() -> None:
    # Code.UNKNOWN_CIRCLE, not "NN104": a misspelt name fails at import and under mypy. Only
    # problems.py, the table, writes the codes out.
    written = [
        f"{module_name(path)}:{node.lineno}: {node.value!r}"
        for path in modules().values()
        if path.name != "problems.py"
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and re.fullmatch(r"NN\d*", node.value)
    ]
    assert written == []
