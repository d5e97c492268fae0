"""Ctrl-C (issue 8, item 11): `serve` runs until Ctrl-C, so it stops quietly and exits 0; any
other command exits 130, as a shell reports an interrupted command. Never click's "Aborted!",
never a traceback. Handled once, where the `netnotes` group invokes its commands."""

from __future__ import annotations

import selectors
import signal
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import NoReturn

import pytest
from conftest import MakeVault, RunCli

VAULT = {
    "netnotes.yaml": "title: Mine\n",
    "contacts/jane-doe.md": "---\nname: Jane Doe\ncadence: 3w\n---\n",
}


def _interrupt(*args: object, **kwargs: object) -> NoReturn:
    raise KeyboardInterrupt


@pytest.mark.parametrize(
    ("command", "where"),
    [
        (["due"], "netnotes.followup.due_items"),
        (["build"], "netnotes.site.build.build_site"),
        (["check"], "netnotes.cli.common.load_vault"),
    ],
    ids=["due", "build", "check"],
)
def test_ctrl_c_in_a_command_exits_130_without_aborted(
    make_vault: MakeVault,
    run_cli: RunCli,
    monkeypatch: pytest.MonkeyPatch,
    command: list[str],
    where: str,
) -> None:
    vault = make_vault(VAULT)
    monkeypatch.setattr(where, _interrupt)
    result = run_cli("--vault", vault, *command)
    assert result.exit_code == 130
    assert "Aborted" not in result.output and "Traceback" not in result.output
    assert result.stderr == ""


def test_ctrl_c_in_serve_stops_it_and_exits_0(
    make_vault: MakeVault, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    vault = make_vault(VAULT)
    monkeypatch.setattr("netnotes.serve.serve_vault", _interrupt)
    result = run_cli("--vault", vault, "serve", "--port", "0")
    assert result.exit_code == 0
    assert result.stderr == "Stopped.\n"


def _line(proc: subprocess.Popen[str], stream: str, seconds: float = 30.0) -> str:
    """The next line the process writes on ``stream``, waiting at most ``seconds``."""
    pipe = getattr(proc, stream)
    with selectors.DefaultSelector() as sel:
        sel.register(pipe, selectors.EVENT_READ)
        if not sel.select(timeout=seconds):
            proc.kill()
            pytest.fail(f"no line on {stream} within {seconds}s")
    return pipe.readline()


def _stop(proc: subprocess.Popen[str]) -> tuple[str, str]:
    proc.send_signal(signal.SIGINT)
    try:
        out, err = proc.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        raise
    return out, err


def test_ctrl_c_really_sent_to_serve(make_vault: MakeVault) -> None:
    vault = make_vault(VAULT)
    proc = subprocess.Popen(
        [sys.executable, "-m", "netnotes", "--vault", str(vault), "serve", "--port", "0", "--today", "2026-03-10"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert _line(proc, "stdout").startswith("Serving http://127.0.0.1:")
    out, err = _stop(proc)
    assert proc.returncode == 0, err
    assert err.endswith("Stopped.\n") and "Aborted" not in err and "Traceback" not in err


WAITING_DUE = textwrap.dedent("""
    import sys, time
    import netnotes.followup
    def slow(*args, **kwargs):
        print("waiting", file=sys.stderr, flush=True)
        time.sleep(60)
    netnotes.followup.due_items = slow
    from netnotes.cli import main
    main(["--vault", sys.argv[1], "due"], prog_name="netnotes")
""")


def test_ctrl_c_really_sent_to_another_command(make_vault: MakeVault) -> None:
    vault: Path = make_vault(VAULT)
    proc = subprocess.Popen(
        [sys.executable, "-c", WAITING_DUE, str(vault)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    assert _line(proc, "stderr") == "waiting\n"
    out, err = _stop(proc)
    assert proc.returncode == 130
    assert out == "" and err == ""
