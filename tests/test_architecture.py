"""The shape of the package (issue 9, item 1; docs/architecture.md): every CLI module imports on
its own, and no module of ``netnotes`` imports, even from inside a function, one that imports it
back."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

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
