"""What CI runs once it has installed everything (``.ci/check``, called by ``.ci/run``): lint,
format and types before the tests, each failing the run. The venv's tools are stand-ins here
that log how they were called and fail when told to."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHECK = ROOT / ".ci" / "check"
TOOL = """#!/bin/sh
call="${0##*/}${*:+ $*}"
echo "$call" >> "$CI_TEST_LOG"
case "$call" in
    "$CI_TEST_FAIL"*) exit 1 ;;
    "python -m pytest"*) exit "$CI_TEST_PYTEST_STATUS" ;;
esac
"""
CALLS = ["ruff check .", "ruff format --check .", "mypy", "python -m pytest -q -p no:cacheprovider"]


def run_check(tmp_path: Path, fail: str = "nothing", pytest_status: int = 0) -> tuple[int, list[str], str]:
    """Run ``.ci/check`` with a venv of stand-ins: its exit code, the tools' calls, its stderr."""
    bin_dir = tmp_path / "venv" / "bin"
    bin_dir.mkdir(parents=True)
    for name in ("ruff", "mypy", "python"):
        (bin_dir / name).write_text(TOOL, encoding="utf-8")
        (bin_dir / name).chmod(0o755)
    log = tmp_path / "calls.log"
    log.touch()
    env = {
        **os.environ,
        "CI_TEST_LOG": str(log),
        "CI_TEST_FAIL": fail,
        "CI_TEST_PYTEST_STATUS": str(pytest_status),
    }
    done = subprocess.run(["bash", str(CHECK), str(tmp_path / "venv")], capture_output=True, text=True, env=env)
    return done.returncode, log.read_text(encoding="utf-8").splitlines(), done.stderr


def test_ci_runs_ruff_ruff_format_and_mypy_before_the_tests(tmp_path: Path) -> None:
    code, calls, _ = run_check(tmp_path)
    assert (code, calls) == (0, CALLS)


@pytest.mark.parametrize("failing", ["ruff check", "ruff format", "mypy"])
def test_a_failing_lint_format_or_type_check_fails_the_run_before_any_test(tmp_path: Path, failing: str) -> None:
    code, calls, stderr = run_check(tmp_path, fail=failing)
    assert code == 1
    assert calls == CALLS[: [c.startswith(failing) for c in CALLS].index(True) + 1]
    assert f"CI: failed: {tmp_path / 'venv' / 'bin' / failing}" in stderr


@pytest.mark.parametrize(("pytest_status", "code"), [(1, 1), (5, 1)], ids=["a-test-fails", "no-test-collected"])
def test_failing_tests_and_no_tests_at_all_fail_the_run(tmp_path: Path, pytest_status: int, code: int) -> None:
    assert run_check(tmp_path, pytest_status=pytest_status)[:2] == (code, CALLS)
