"""What every build pays whatever changed (issue 12): the walk of the vault makes each note file
the way its constructor does, and finds an edited note by its stamp; the wikilink targets of a
build's bodies are looked up one at a time, the 100,000 interactions' part made only when a
target is no contact's, with the same HTML as the whole table gives."""

from __future__ import annotations

import pickle

import pytest
from conftest import MakeVault
from site_html import TODAY, build, parse

from netnotes.discover import NoteFile, discover
from netnotes.loader import load_vault
from netnotes.markdown import NoteRenderer
from netnotes.refs import key
from netnotes.site import bodies
from netnotes.site.bodies import WikilinkTargets, wikilink_table
from netnotes.site.build import BuildOptions
from netnotes.site.pages import SiteModel

VAULT = {
    "contacts/jane-doe.md": "---\nname: Jane Doe\naliases: [JD]\n---\nFriend of [[sam-lee]].\n",
    "contacts/sam-lee.md": "---\nname: Sam Lee\n---\nMet [[JD|Jane]] at work.\n",
    "contacts/Zoë-Ångström.md": "---\nname: Zoë Ångström\n---\n",
    "interactions/2026/2026-01-01-x.md": "---\ndate: 2026-01-01\nwith: jane-doe\ntitle: Chess\n---\nWe met.\n",
    "interactions/2026/2026-02-01-y.md": "---\ndate: 2026-02-01\nwith: sam-lee\n---\nTennis at noon.\n",
    "asks/2026-03-01-intro.md": "---\ndate: 2026-03-01\nfrom: sam-lee\nkind: intro\n---\n",
}
LINK_TO_A_NOTE = "---\nname: Ana Ruiz\n---\nSee [[2026-01-01-x]] and [[nobody]].\n"


@pytest.fixture
def note_tables(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many times the interactions' and asks' part of the wikilink table is made."""
    made: list[int] = []
    real = bodies._note_targets

    def counting(*args: object) -> bodies.WikilinkTable:
        made.append(1)
        return real(*args)  # type: ignore[arg-type]  # passed on as given

    monkeypatch.setattr(bodies, "_note_targets", counting)
    return made


def test_the_walk_makes_each_note_file_as_its_constructor_does(make_vault: MakeVault) -> None:
    files, _ = discover(make_vault(VAULT))
    assert [f.path for f in files] == sorted(p for p in VAULT if p.endswith(".md"))
    for found in files:
        made = NoteFile(found.kind, found.path, found.abspath, found.stamp)
        assert (found, found.id, found.stamp, hash(found)) == (made, made.id, made.stamp, hash(made))
        assert repr(found) == repr(made) and pickle.loads(pickle.dumps(found)) == made


def test_an_edited_note_is_found_by_the_walk_with_its_new_stamp(make_vault: MakeVault) -> None:
    vault = make_vault(VAULT)
    before = {f.path: f.stamp for f in discover(vault)[0]}
    (vault / "interactions/2026/2026-01-01-x.md").write_text(VAULT["interactions/2026/2026-01-01-x.md"] + "More.\n")
    after = {f.path: f.stamp for f in discover(vault)[0]}
    assert {p for p in after if after[p] != before[p]} == {"interactions/2026/2026-01-01-x.md"}


def test_bodies_that_link_only_to_contacts_never_make_the_notes_part(
    make_vault: MakeVault, note_tables: list[int]
) -> None:
    vault = make_vault(VAULT)
    out, _ = build(vault, options=BuildOptions(jobs=1, cache=False))
    assert note_tables == []
    page = parse(out / "contacts/sam-lee.html")
    assert any(a.attrs.get("href") == "../contacts/jane-doe.html" and a.text == "Jane" for a in page.find("a"))


def test_a_link_to_an_interaction_makes_the_notes_part_once_and_links_as_the_whole_table(
    make_vault: MakeVault, note_tables: list[int]
) -> None:
    vault = make_vault({**VAULT, "contacts/ana-ruiz.md": LINK_TO_A_NOTE})
    result = load_vault(vault)
    model = SiteModel(result.vault, TODAY, result.problems, ())
    table = wikilink_table(result.vault, model.links)
    note_tables.clear()
    targets = WikilinkTargets(result.vault, model.links)
    for ref in ("sam-lee", "jd", "zoë ångström", "2026-01-01-x", "2026-03-01-intro", "nobody", "2026-02-01-y"):
        assert targets.get(key(ref)) == table.get(key(ref))
    assert note_tables == [1]
    body = LINK_TO_A_NOTE.split("---\n")[-1]
    assert NoteRenderer(lambda t: targets.get(key(t))).render(body, "c-ana") == NoteRenderer(
        lambda t: table.get(key(t))
    ).render(body, "c-ana")


def test_a_body_edited_between_builds_is_rendered_again(make_vault: MakeVault, monkeypatch: pytest.MonkeyPatch) -> None:
    vault = make_vault(VAULT)
    build(vault, options=BuildOptions(jobs=1))
    rendered: list[str] = []
    real = bodies._render

    def counting(table: object, work: list[bodies.Job]) -> list[str]:
        rendered.extend(path for path, _, _ in work)
        return real(table, work)  # type: ignore[arg-type]  # passed on as given

    monkeypatch.setattr(bodies, "_render", counting)
    note = vault / "contacts/sam-lee.md"
    note.write_text(note.read_text().replace("at work", "at chess club"))
    out, _ = build(vault, options=BuildOptions(jobs=1))
    assert rendered == ["contacts/sam-lee.md"]
    assert "chess club" in parse(out / "contacts/sam-lee.html").text
