"""The wheel ships every subpackage and the default theme (a plain `pip install .` must work)."""

from __future__ import annotations

import tomllib
from importlib.resources import files
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_every_subpackage_of_netnotes_is_listed_in_pyproject() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    listed = set(config["tool"]["setuptools"]["packages"])
    on_disk = {
        ".".join(p.parent.relative_to(ROOT).parts)
        for p in (ROOT / "netnotes").rglob("__init__.py")
        if "__pycache__" not in p.parts
    }
    assert on_disk <= listed, f"add {sorted(on_disk - listed)} to [tool.setuptools] packages"
    assert "netnotes.themes" in listed


def test_the_default_theme_is_found_as_package_data() -> None:
    theme = files("netnotes.themes") / "default"
    assert (theme / "templates" / "base.html").is_file()
    assert (theme / "static" / "style.css").is_file()
