"""`netnotes build` (contract section 6): output path on stdout, a one-line summary of the vault's
problems on stderr; exit 0, 1 when the vault has errors (the site is still built), 2 on refusal."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import MakeVault, RunCli
from site_html import parse

from netnotes.site.output import MARKER

CONTACT = "---\nname: Jane Doe\n---\n"


def test_builds_into_the_vaults_site_folder(make_vault: MakeVault, run_cli: RunCli) -> None:
    vault = make_vault({"contacts/jane-doe.md": CONTACT})
    result = run_cli("--vault", vault, "build", "--today", "2026-11-25")
    assert result.exit_code == 0, result.output
    assert result.stdout == f"{vault / '_site'}\n"
    assert result.stderr.startswith("built ") and "1 contacts" in result.stderr and "0 errors" in result.stderr
    assert (vault / "_site" / MARKER).is_file()


def test_output_from_netnotes_yaml(make_vault: MakeVault, run_cli: RunCli) -> None:
    vault = make_vault({"contacts/jane-doe.md": CONTACT}, config="output: public/site\n")
    assert run_cli("--vault", vault, "build", "--today", "2026-11-25").exit_code == 0
    assert (vault / "public/site/index.html").is_file()


def test_out_is_relative_to_the_current_folder(
    make_vault: MakeVault,
    run_cli: RunCli,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    vault = make_vault({"contacts/jane-doe.md": CONTACT})
    monkeypatch.chdir(tmp_path)
    result = run_cli("--vault", vault, "build", "--out", "dashboard", "--today", "2026-11-25")
    assert result.exit_code == 0
    assert (tmp_path / "dashboard/index.html").is_file()


def test_a_vault_with_errors_builds_and_exits_1(make_vault: MakeVault, run_cli: RunCli) -> None:
    vault = make_vault(
        {
            "contacts/jane-doe.md": CONTACT,
            "contacts/broken.md": "---\nname: [unclosed\n---\n",
            "interactions/x.md": "---\ndate: 2026-02-30\nwith: jane-doe\n---\n",
        }
    )
    result = run_cli("--vault", vault, "build", "--today", "2026-11-25")
    assert result.exit_code == 1
    assert result.stderr.startswith("2 problems (2 errors) in the vault: run netnotes check\n")
    problems = parse(vault / "_site/problems.html")
    assert {c.text.split(":")[0] for c in problems.find("td", class_="source")} == {
        "contacts/broken.md",
        "interactions/x.md",
    }
    assert (vault / "_site/contacts/jane-doe.html").is_file()


def test_clean_drops_the_cache_and_dead_staging(make_vault: MakeVault, run_cli: RunCli) -> None:
    vault = make_vault({"contacts/jane-doe.md": CONTACT})
    cache = vault / ".netnotes" / "cache"
    cache.mkdir(parents=True)
    (cache / "old").write_text("x")
    assert run_cli("--vault", vault, "build", "--today", "2026-11-25", "--clean").exit_code == 0
    assert not (cache / "old").exists()  # dropped; what is there now is this build's own
    assert (vault / "_site/index.html").is_file()


def test_missing_vault_exits_2(tmp_path: Path, run_cli: RunCli) -> None:
    result = run_cli("--vault", tmp_path / "nope", "build")
    assert result.exit_code == 2
    assert result.stderr == f"Error: vault folder '{tmp_path / 'nope'}' does not exist\n"
    assert not (tmp_path / "nope").exists()


def test_bad_today_is_a_usage_error(make_vault: MakeVault, run_cli: RunCli) -> None:
    vault = make_vault({"contacts/jane-doe.md": CONTACT})
    result = run_cli("--vault", vault, "build", "--today", "2026-13-01")
    assert result.exit_code == 2
    assert result.stderr.endswith("Error: Invalid value for '--today': '2026-13-01' is not a date as YYYY-MM-DD\n")
    assert not (vault / "_site").exists()


def test_help_mentions_clean(run_cli: RunCli) -> None:
    result = run_cli("build", "--help")
    assert result.exit_code == 0 and "--clean" in result.stdout and "--out" in result.stdout


@pytest.mark.parametrize(
    "template, message",
    [
        ("{% extends 'base.html' %}{% block main %}{% if %}{% endblock %}", "contact.html:1"),
        (
            "{% extends 'base.html' %}{% block main %}{{ no_such_thing.x }}{% endblock %}",
            "'no_such_thing' is undefined",
        ),
        ("{% include 'missing.html' %}", "template 'missing.html' not found"),
    ],
    ids=["syntax", "undefined", "missing"],
)
def test_a_broken_theme_template_exits_2_and_keeps_the_old_site(
    make_vault: MakeVault,
    run_cli: RunCli,
    template: str,
    message: str,
) -> None:
    vault = make_vault({"contacts/jane-doe.md": CONTACT})
    assert run_cli("--vault", vault, "build", "--today", "2026-11-25").exit_code == 0
    old = (vault / "_site/contacts/jane-doe.html").read_bytes()
    (vault / "theme/templates").mkdir(parents=True)
    (vault / "theme/templates/contact.html").write_text(template)
    result = run_cli("--vault", vault, "build", "--today", "2026-11-25")
    assert result.exit_code == 2
    assert "theme template" in result.stderr and message in result.stderr
    assert "Traceback" not in result.stderr
    assert (vault / "_site/contacts/jane-doe.html").read_bytes() == old


def test_a_theme_template_cannot_reach_python(make_vault: MakeVault, run_cli: RunCli, tmp_path: Path) -> None:
    """A vault may come from someone else (a cloned repository): its theme renders in Jinja2's
    sandbox, so a template cannot run commands or read files."""
    proof = tmp_path / "pwned"
    vault = make_vault({"contacts/jane-doe.md": CONTACT})
    (vault / "theme/templates").mkdir(parents=True)
    (vault / "theme/templates/contact.html").write_text(
        "{% extends 'base.html' %}{% block main %}"
        f"{{{{ cycler.__init__.__globals__.os.popen('touch {proof}').read() }}}}{{% endblock %}}"
    )
    result = run_cli("--vault", vault, "build", "--today", "2026-11-25")
    assert result.exit_code == 2
    assert "theme template" in result.stderr and "unsafe" in result.stderr
    assert not proof.exists()
