"""A build after an edit shapes only the tag, company and list pages the edit can have touched
(issue 12): like a contact page, each of them is recorded with the notes it holds and its
*frame* (the contacts it lists, the asks for an introduction to the company), and a page whose
notes and frame did not change is taken from the site in place without its context being made.
Whatever it shows of its members (last touch, next due, strength, ways in) comes from notes
that name them, so an edit that changes it shapes the page again, and the site is still the one
a cold build makes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import MakeVault
from site_html import TODAY, build, tree

from netnotes.site import build as build_module
from netnotes.site import pages as site_pages
from netnotes.site.build import BuildOptions

WARM = BuildOptions(jobs=1)
COLD = BuildOptions(jobs=1, cache=False)
VAULT = {
    "netnotes.yaml": "title: Net\ncircles:\n  inner: 3w\n",
    "contacts/ann.md": "---\nname: Ann\ncircle: inner\ntags: [python]\ncompany: Acme\nemail: ann@a.example\n---\n",
    "contacts/bob.md": "---\nname: Bob\ncircle: inner\ntags: [python, golf]\ncompany: Acme\n---\n",
    "contacts/cy.md": "---\nname: Cy\ncircle: inner\ncompany: Globex\nemail: cy@g.example\n---\n",
    "contacts/dee.md": "---\nname: Dee\ntags: [golf]\n---\n",
    "contacts/eve.md": "---\nname: Eve\ncompany: Initech\nmet_through: dee\n---\n",
    "interactions/i1.md": "---\ndate: 2026-10-01\nwith: ann\ntitle: Coffee\n---\nFirst.\n",
    "interactions/i2.md": "---\ndate: 2026-10-02\nwith: [bob, cy]\ntitle: Lunch\n---\nSecond.\n",
    "interactions/i3.md": "---\ndate: 2026-10-03\nwith: dee\n---\nThird.\n",
    "asks/a1.md": "---\ndate: 2026-10-04\nwith: cy\ndirection: out\nkind: introduction\nintro_to: Globex\n---\n",
}
LISTS = {"contacts.html", "tags.html", "companies.html", "asks.html", "problems.html", "search.html"}
TAGS = {"tags/python.html", "tags/golf.html"}
COMPANIES = {"companies/acme.html", "companies/globex.html", "companies/initech.html"}


@pytest.fixture
def shaped(monkeypatch: pytest.MonkeyPatch) -> set[str]:
    """The path of every page whose context is made (and digested) from now on."""
    paths: set[str] = set()
    real = build_module._page_reused

    def spy(reused: Callable[..., bool], digester: object, page: site_pages.Page, *args: object) -> object:
        paths.add(page.path)
        return real(reused, digester, page, *args)  # type: ignore[arg-type]  # passed on as given

    monkeypatch.setattr(build_module, "_page_reused", spy)
    return paths


@pytest.fixture
def groups_made(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The name of every tag and company whose page context is made from now on."""
    names: list[str] = []
    group_page, company_page = site_pages.group_page, site_pages.company_page

    def group_spy(model: site_pages.SiteModel, kind: str, section: str, name: str, *args: object) -> site_pages.Page:
        names.append(name)
        return group_page(model, kind, section, name, *args)  # type: ignore[arg-type]  # passed on as given

    def company_spy(model: site_pages.SiteModel, company: object, *args: object) -> site_pages.Page:
        names.append(company.name)  # type: ignore[attr-defined]  # a Company
        return company_page(model, company, *args)  # type: ignore[arg-type]  # passed on as given

    monkeypatch.setattr(site_pages, "group_page", group_spy)
    monkeypatch.setattr(site_pages, "company_page", company_spy)
    return names


def edit(vault: Path, relpath: str, old: str, new: str) -> None:
    path = vault / relpath
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def warm_equals_cold(vault: Path, tmp_path: Path, shaped: set[str]) -> tuple[set[str], set[str]]:
    """Build warm and check it against a cold build: the pages the warm build shaped, and
    those it rendered."""
    shaped.clear()
    out, report = build(vault, options=WARM)
    warm = set(shaped)
    cold, _ = build(vault, tmp_path / "cold", TODAY, COLD)
    assert tree(out) == tree(cold)
    return warm, set(report.rendered)


def test_an_edit_of_one_interaction_shapes_only_the_pages_of_its_contact(
    make_vault: MakeVault, tmp_path: Path, shaped: set[str], groups_made: list[str]
) -> None:
    vault = make_vault(VAULT)
    build(vault, options=WARM)
    groups_made.clear()
    shaped.clear()
    edit(vault, "interactions/i3.md", "Third.", "Third, and more.")
    _, report = build(vault, options=WARM)
    made, rendered, groups = set(shaped), set(report.rendered), list(groups_made)
    warm_equals_cold(vault, tmp_path, shaped)
    # Dee's last touch is that interaction: her row on the golf page and the contacts list
    # changed; Eve met me through Dee, so Dee's strength ranks the ways in to Initech
    assert made == {
        "index.html",
        "contacts.html",
        "contacts/dee.html",
        "contacts/eve.html",  # Dee ranks first among who can introduce me to Eve
        "tags/golf.html",
        "companies/initech.html",
    }
    assert groups == ["golf", "Initech"]  # not python, Acme or Globex, nor the lists
    assert {"contacts/dee.html", "tags/golf.html"} <= rendered


def test_a_nothing_changed_build_after_a_one_edit_build_shapes_nothing_but_the_dashboard(
    make_vault: MakeVault, tmp_path: Path, shaped: set[str]
) -> None:
    vault = make_vault(VAULT)
    build(vault, options=WARM)
    edit(vault, "interactions/i1.md", "First.", "First, edited.")
    build(vault, options=WARM)
    (vault / "_site" / "tags/python.html").unlink()  # the site is not intact: pages are looked at
    made, rendered = warm_equals_cold(vault, tmp_path, shaped)
    assert made == {"index.html", "tags/python.html"}  # its file is gone: shaped and made again
    assert rendered == {"tags/python.html"}


def test_a_new_interaction_changes_a_members_last_touch_on_their_tag_and_company_pages(
    make_vault: MakeVault, tmp_path: Path, shaped: set[str]
) -> None:
    vault = make_vault(VAULT)
    out, _ = build(vault, options=WARM)
    assert "2026-10-01" in (out / "tags/python.html").read_text(encoding="utf-8")
    edit(vault, "interactions/i1.md", "date: 2026-10-01", "date: 2026-09-15")  # still the first
    made, rendered = warm_equals_cold(vault, tmp_path, shaped)
    assert {"tags/python.html", "companies/acme.html"} <= rendered
    assert "tags/golf.html" not in made and "companies/globex.html" not in made
    assert "2026-09-15" in (out / "tags/python.html").read_text(encoding="utf-8")


def test_a_contact_who_gains_a_tag_or_a_company_joins_its_page(
    make_vault: MakeVault, tmp_path: Path, shaped: set[str]
) -> None:
    vault = make_vault(VAULT)
    build(vault, options=WARM)
    # (no tag or company is new: the pages' names and links, which every page shares, stay)
    edit(vault, "contacts/dee.md", "tags: [golf]", "tags: [golf, python]\ncompany: Acme")
    made, rendered = warm_equals_cold(vault, tmp_path, shaped)
    assert {"tags/python.html", "companies/acme.html", "tags.html", "companies.html"} <= rendered
    assert "companies/globex.html" not in made
    edit(vault, "contacts/dee.md", "company: Acme", "past_companies: [Globex]")
    made, rendered = warm_equals_cold(vault, tmp_path, shaped)
    assert {"companies/acme.html", "companies/globex.html", "companies.html"} <= rendered  # formerly


def test_an_ask_for_an_introduction_to_a_company_reaches_its_page(
    make_vault: MakeVault, tmp_path: Path, shaped: set[str]
) -> None:
    vault = make_vault(VAULT)
    out, _ = build(vault, options=WARM)
    edit(vault, "asks/a1.md", "intro_to: Globex", "intro_to: Initech")
    made, rendered = warm_equals_cold(vault, tmp_path, shaped)
    assert {"companies/initech.html", "companies/globex.html", "asks.html"} <= rendered
    assert "tags/python.html" not in made and "tags/golf.html" not in made


def test_the_problems_page_is_shaped_after_a_contact_edit_only(
    make_vault: MakeVault, tmp_path: Path, shaped: set[str]
) -> None:
    """Its likely duplicates are found among every contact: any contact's edit can change them."""
    vault = make_vault(VAULT)
    out, _ = build(vault, options=WARM)
    edit(vault, "interactions/i2.md", "Second.", "Second, edited.")
    made, _ = warm_equals_cold(vault, tmp_path, shaped)
    assert "problems.html" not in made and "asks.html" not in made
    edit(vault, "contacts/cy.md", "cy@g.example", "ann@a.example")  # looks like Ann now
    made, rendered = warm_equals_cold(vault, tmp_path, shaped)
    assert "problems.html" in rendered
    assert "ann@a.example" in (out / "problems.html").read_text(encoding="utf-8")


def test_an_edit_of_a_shared_interaction_shapes_the_pages_of_both_contacts(
    make_vault: MakeVault, tmp_path: Path, shaped: set[str]
) -> None:
    vault = make_vault(VAULT)
    build(vault, options=WARM)
    edit(vault, "interactions/i2.md", "Second.", "Second, edited.")
    made, _ = warm_equals_cold(vault, tmp_path, shaped)
    assert made - {"index.html", "contacts.html"} == {
        "contacts/bob.html",
        "contacts/cy.html",
        "tags/python.html",  # Bob
        "tags/golf.html",  # Bob
        "companies/acme.html",  # Bob
        "companies/globex.html",  # Cy
    }


def test_an_introducer_who_is_not_shown_yet_still_ranks_the_ways_in_to_a_company(
    make_vault: MakeVault, tmp_path: Path, shaped: set[str]
) -> None:
    """Six people met me through Eve, who is at Initech and whom I barely know: each may
    introduce me to her, ranked by their strength, and the company's page shows five."""
    files = dict(VAULT)
    for n in range(1, 7):
        files[f"contacts/f{n}.md"] = f"---\nname: F{n}\nmet_through: eve\n---\n"
        kind = "call" if n < 6 else "email"  # F6 is the weakest: not shown
        files[f"interactions/j{n}.md"] = f"---\ndate: 2026-09-0{n}\nwith: f{n}\nkind: {kind}\n---\n"
    vault = make_vault(files)
    out, _ = build(vault, options=WARM)
    assert "F6" not in (out / "companies/initech.html").read_text(encoding="utf-8")
    edit(vault, "interactions/j6.md", "kind: email", "kind: meeting")  # now the strongest
    made, rendered = warm_equals_cold(vault, tmp_path, shaped)
    assert "companies/initech.html" in rendered
    assert "F6" in (out / "companies/initech.html").read_text(encoding="utf-8")
    assert "tags/python.html" not in made


def test_a_later_touch_of_someone_else_closes_a_members_follow_up_on_her_tag_page(
    make_vault: MakeVault, tmp_path: Path, shaped: set[str]
) -> None:
    """A follow-up is open until a later touch of anyone it was with: what a list shows as a
    contact's next due can change with a note that does not name her."""
    vault = make_vault(
        {
            "netnotes.yaml": "title: Net\n",
            "contacts/ann.md": "---\nname: Ann\ntags: [python]\n---\n",
            "contacts/bob.md": "---\nname: Bob\n---\n",
            "contacts/cy.md": "---\nname: Cy\n---\n",
            "interactions/i1.md": "---\ndate: 2026-10-02\nwith: [ann, bob]\nfollow_up: 2026-12-01\n---\n",
            "contacts/dee.md": "---\nname: Dee\n---\n",
            "interactions/i2.md": "---\ndate: 2026-10-10\nwith: [dee, cy]\n---\n",
            # the same day: Ann's last touch, which does not close the follow-up (not later)
            "interactions/i9.md": "---\ndate: 2026-10-02\nwith: ann\n---\n",
        }
    )
    out, _ = build(vault, options=WARM)
    assert "2026-12-01" in (out / "tags/python.html").read_text(encoding="utf-8")
    # (Dee stays first: the interaction's link, which every page shares, stays)
    edit(vault, "interactions/i2.md", "cy]", "bob]")  # Bob, later: the follow-up is closed
    _, rendered = warm_equals_cold(vault, tmp_path, shaped)
    assert "tags/python.html" in rendered
    assert "2026-12-01" not in (out / "tags/python.html").read_text(encoding="utf-8")
    edit(vault, "interactions/i2.md", "bob]", "cy]")  # and open again
    _, rendered = warm_equals_cold(vault, tmp_path, shaped)
    assert "2026-12-01" in (out / "tags/python.html").read_text(encoding="utf-8")


def test_which_of_two_duplicates_to_keep_follows_the_notes_naming_them(
    make_vault: MakeVault, tmp_path: Path, shaped: set[str]
) -> None:
    """The problems page suggests keeping the contact more notes refer to: an interaction that
    names one of the pair instead of the other changes it, without a contact's note changing."""
    vault = make_vault(
        {
            "netnotes.yaml": "title: Net\n",
            "contacts/ann.md": "---\nname: Ann Lee\nemail: ann@a.example\n---\n",
            "contacts/annie.md": "---\nname: Annie\nemail: ann@a.example\n---\n",
            "contacts/bob.md": "---\nname: Bob\n---\n",
            "interactions/i1.md": "---\ndate: 2026-10-02\nwith: [bob, ann]\n---\n",
        }
    )
    out, _ = build(vault, options=WARM)
    assert "netnotes merge ann annie" in (out / "problems.html").read_text(encoding="utf-8")
    edit(vault, "interactions/i1.md", "ann]", "annie]")  # (Bob stays first: its link stays)
    _, rendered = warm_equals_cold(vault, tmp_path, shaped)
    assert "problems.html" in rendered
    assert "netnotes merge annie ann" in (out / "problems.html").read_text(encoding="utf-8")


def test_an_ask_for_an_introduction_counts_for_the_duplicate_it_names(
    make_vault: MakeVault, tmp_path: Path, shaped: set[str]
) -> None:
    """An ask for an introduction to Ann refers to her, and Ann (well known) does not show it
    on her page: when it asks for Cy instead, Annie is the one to keep."""
    vault = make_vault(
        {
            "netnotes.yaml": "title: Net\n",
            "contacts/ann.md": "---\nname: Ann Lee\nemail: ann@a.example\n---\n",
            "contacts/annie.md": "---\nname: Annie\nemail: ann@a.example\n---\n",
            "contacts/bob.md": "---\nname: Bob\n---\n",
            "interactions/i1.md": "---\ndate: 2026-11-20\nwith: [ann]\nkind: meeting\n---\n",
            "interactions/i2.md": "---\ndate: 2026-11-21\nwith: [ann]\nkind: meeting\n---\n",
            "interactions/i3.md": "---\ndate: 2026-11-21\nwith: [annie]\nkind: meeting\n---\n",
            "interactions/i4.md": "---\ndate: 2026-11-22\nwith: [annie]\nkind: meeting\n---\n",
            "interactions/i5.md": "---\ndate: 2026-11-23\nwith: [annie]\nkind: meeting\n---\n",
            "contacts/cy.md": "---\nname: Cy\n---\n",
            "asks/a1.md": "---\ndate: 2026-10-04\nwith: bob\ndirection: out\nkind: introduction\nintro_to: ann\n---\n",
        }
    )
    out, _ = build(vault, options=WARM)
    assert "netnotes merge ann annie" in (out / "problems.html").read_text(encoding="utf-8")  # 3 to 3
    edit(vault, "asks/a1.md", "intro_to: ann", "intro_to: cy")  # 2 to 3
    _, rendered = warm_equals_cold(vault, tmp_path, shaped)
    assert "problems.html" in rendered
    assert "netnotes merge annie ann" in (out / "problems.html").read_text(encoding="utf-8")


def test_a_new_interaction_renders_only_the_pages_that_show_it(make_vault: MakeVault, tmp_path: Path) -> None:
    """Adding a note (what `netnotes log` does every day) adds a link to it; no other page
    links to it, so no other page is rendered again, and the site is a cold build's."""
    vault = make_vault(VAULT)
    build(vault, options=WARM)
    (vault / "interactions/i4.md").write_text("---\ndate: 2026-10-05\nwith: ann\ntitle: Call\n---\nFourth.\n")
    out, report = build(vault, options=WARM)
    assert "contacts/ann.html" in report.rendered
    assert not {"contacts/bob.html", "contacts/cy.html", "contacts/dee.html", "contacts/eve.html"} & set(
        report.rendered
    )
    assert tree(out) == tree(build(vault, tmp_path / "cold", TODAY, COLD)[0])
    edit(vault, "interactions/i4.md", "2026-10-05", "2026-09-05")  # moved before the others
    out, report = build(vault, options=WARM)
    assert not {"contacts/bob.html", "contacts/cy.html", "contacts/dee.html"} & set(report.rendered)
    assert tree(out) == tree(build(vault, tmp_path / "cold2", TODAY, COLD)[0])


def test_a_cited_notes_link_follows_its_first_contact(make_vault: MakeVault, tmp_path: Path) -> None:
    """A due item links to the note it comes from, on the page of that note's first contact.
    Putting someone else first moves the link on the dashboard, though the item there reads
    the same."""
    vault = make_vault(
        {
            **VAULT,
            "interactions/i2.md": (
                "---\ndate: 2026-10-02\nwith: [bob, cy]\ntitle: Lunch\n"
                "follow_up: 2026-10-20\nnext: send the deck\n---\n"
            ),
        }
    )
    out, _ = build(vault, options=WARM)
    dashboard = (out / "index.html").read_text(encoding="utf-8")
    assert 'href="contacts/bob.html#i-i2">send the deck' in dashboard
    edit(vault, "interactions/i2.md", "with: [bob, cy]", "with: [cy, bob]")
    out, _ = build(vault, options=WARM)
    assert tree(out) == tree(build(vault, tmp_path / "cold", TODAY, COLD)[0])
    for page in ("index.html", "contacts/cy.html"):  # listed under the first contact
        assert 'contacts/cy.html#i-i2">send the deck' in (out / page).read_text(encoding="utf-8"), page


def test_a_theme_that_shows_the_counts_everywhere_has_every_page_follow_them(
    make_vault: MakeVault, tmp_path: Path
) -> None:
    """A page's key covers the counts its templates read: a theme whose footer shows how many
    interactions there are on every page has every page rendered again when one is added,
    and a page that reads only the count of problems is kept while that count is."""
    vault = make_vault(VAULT)
    base = (Path(site_pages.__file__).parents[2] / "themes/default/templates/base.html").read_text(encoding="utf-8")
    (vault / "theme/templates").mkdir(parents=True)
    (vault / "theme/templates/base.html").write_text(
        base.replace("<footer", '<p class="tally">{{ site.interactions }} interactions</p>\n<footer'),
        encoding="utf-8",
    )
    build(vault, options=WARM)
    (vault / "interactions/i4.md").write_text("---\ndate: 2026-10-05\nwith: ann\ntitle: Call\n---\nFourth.\n")
    out, report = build(vault, options=WARM)
    assert {"contacts/dee.html", "tags/golf.html", "companies/globex.html"} <= set(report.rendered)
    assert "4 interactions" in (out / "contacts/dee.html").read_text(encoding="utf-8")
    assert tree(out) == tree(build(vault, tmp_path / "cold", TODAY, COLD)[0])
    (vault / "theme/templates/base.html").write_text(base, encoding="utf-8")  # the default again: all rendered
    build(vault, options=WARM)
    (vault / "interactions/i5.md").write_text("---\ndate: 2026-10-06\nwith: ann\ntitle: Call\n---\nFifth.\n")
    out, report = build(vault, options=WARM)
    assert "contacts/dee.html" not in report.rendered
    assert tree(out) == tree(build(vault, tmp_path / "cold2", TODAY, COLD)[0])
