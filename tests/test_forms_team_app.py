"""Drafts and presets of two members of a team studio, on the Generate page through AppTest (components/generate/).

Each member sees their own drafts and presets and the presets shared with the team, nothing else; a member's drafts
follow them to another browser; a viewer has no Generate page, so saves none; an admin sees every preset.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from streamlit.testing.v1 import AppTest

from tests.apptest import choose_model_in_browser, open_fold
from tests.conftest import REPO, Studio
from tests.test_forms_team import old_studio_files
from tests.test_presets_app import no_presets
from videostudio.history.store import JobStore
from videostudio.team.members import MemberStore
from videostudio.team.roles import Role
from videostudio.workflows.drafts import new_draft_id

pytestmark = pytest.mark.apptest

APP = REPO / "app.py"
PIXVERSE = "pixverse/v5/image-to-video"
KEY = "pixverse-v5-image-to-video"
PROMPT = f"{KEY}__prompt"
CHOICE = f"presets_choice__{KEY}"
ANA, BEN, VERA, BOSS = "ana@example.com", "ben@example.com", "vera@example.com", "boss@example.com"
AUTH = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "a-test-cookie-secret",
    "client_id": "video-studio",
    "client_secret": "a-test-client-secret",
    "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
}


@pytest.fixture
def team(studio: Studio, monkeypatch: pytest.MonkeyPatch) -> Iterator[Studio]:
    """The studio with sign-in configured and four members: two creators, a viewer and an admin."""
    monkeypatch.setenv("VIDEO_STUDIO_ADMINS", BOSS)
    store = JobStore(f"sqlite:///{studio.home / 'history.sqlite3'}")
    members = MemberStore(store)
    members.add(ANA, Role.CREATOR)
    members.add(BEN, Role.CREATOR)
    members.add(VERA, Role.VIEWER)
    yield studio
    store.close()


def open_as(email: str, browser: str | None = None) -> AppTest:
    """A session of ``email`` signed in, in the browser whose draft cookie holds ``browser``, on PixVerse."""
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.secrets["auth"] = AUTH
    at.user = {"is_logged_in": True, "email": email, "name": email.split("@")[0].title()}
    at.session_state["draft_id"] = browser or new_draft_id()
    at.run()
    choose_model_in_browser(at, PIXVERSE)
    assert not at.exception, [e.value for e in at.exception]
    return at


def save_preset(at: AppTest, name: str, *, shared: bool = False) -> None:
    open_fold(at, "presets_save_open")
    at.text_input(key="presets_name").input(name).run()
    if shared:
        at.checkbox(key="presets_share").check().run()
    at.button(key="presets_save").click().run()
    assert not at.exception, [e.value for e in at.exception]


def messages(at: AppTest) -> list[str]:
    return [re.sub(r"\\(.)", r"\1", m.value) for m in [*at.success, *at.error, *at.warning, *at.info]]


def test_each_member_sees_their_own_drafts_and_presets_and_the_shared_ones(team: Studio) -> None:
    ana = open_as(ANA)
    ana.text_area(key=PROMPT).input("Ana's lighthouse").run()
    save_preset(ana, "Mine")
    ana.text_area(key=PROMPT).input("For everyone").run()
    save_preset(ana, "Team look", shared=True)
    assert "Saved the preset “Team look” and shared it with the team." in messages(ana)
    assert ana.selectbox(key=CHOICE).options == ["Mine", "Team look"]

    ben = open_as(BEN)
    assert ben.text_area(key=PROMPT).value == ""  # Ana's draft is hers
    assert ben.selectbox(key=CHOICE).options == [f"Team look · shared by {ANA}"]
    ben.text_area(key=PROMPT).input("Ben's own").run()
    save_preset(ben, "Mine")  # the name Ana uses is free for Ben
    assert ben.selectbox(key=CHOICE).options == ["Mine", f"Team look · shared by {ANA}"]

    # Ben loads Ana's shared preset, but cannot rename, delete or stop sharing it.
    ben.selectbox(key=CHOICE).select(f"Team look · shared by {ANA}").run()
    ben.button(key="presets_load").click().run()
    assert ben.text_area(key=PROMPT).value == "For everyone"
    open_fold(ben, "presets_manage_open")
    assert not any(b.key in ("presets_rename", "presets_delete", "presets_share_toggle") for b in ben.button)
    assert any("only the person who saved it" in c.value for c in ben.caption)

    # Ana, in another browser, finds her draft and only her presets and the shared one.
    elsewhere = open_as(ANA)
    assert elsewhere.text_area(key=PROMPT).value == "For everyone"
    assert elsewhere.selectbox(key=CHOICE).options == ["Mine", "Team look"]
    elsewhere.selectbox(key=CHOICE).select("Mine").run()
    elsewhere.button(key="presets_load").click().run()
    assert elsewhere.text_area(key=PROMPT).value == "Ana's lighthouse"


def test_the_owner_stops_sharing_and_the_preset_leaves_the_others_list(team: Studio) -> None:
    ana = open_as(ANA)
    ana.text_area(key=PROMPT).input("For a while").run()
    save_preset(ana, "Briefly shared", shared=True)
    assert open_as(BEN).selectbox(key=CHOICE).options == [f"Briefly shared · shared by {ANA}"]

    open_fold(ana, "presets_manage_open")
    ana.button(key="presets_share_toggle").click().run()
    assert "The preset “Briefly shared” is no longer shared." in messages(ana)
    assert no_presets(open_as(BEN))
    boss = open_as(BOSS)  # an admin sees every preset, whose it is said
    assert boss.selectbox(key=CHOICE).options == [f"Briefly shared · {ANA}"]


def test_a_viewer_has_no_generate_page_so_saves_no_preset(team: Studio) -> None:
    ben = open_as(BEN)
    ben.text_area(key=PROMPT).input("Watch this").run()
    save_preset(ben, "To watch", shared=True)

    # A viewer watches what is shared: the navigation has no Generate page (components/shell/whose.py, app.py).
    vera = AppTest.from_file(str(APP), default_timeout=60)
    vera.secrets["auth"] = AUTH
    vera.user = {"is_logged_in": True, "email": VERA, "name": "Vera"}
    vera.run()
    assert not vera.exception, [e.value for e in vera.exception]
    assert vera.title[0].value == "History"
    assert not any(b.key == "presets_save" for b in vera.button)
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        vera.switch_page("pages/generate.py")


def test_an_upgraded_studio_opens_the_drafts_and_presets_its_files_held(studio: Studio) -> None:
    browser, _photo = old_studio_files(studio.home)  # as the studio before revision 0008 left them
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.session_state["draft_id"] = browser
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.session_state["model_choice"] == PIXVERSE  # the model this browser last had
    assert at.text_area(key=PROMPT).value == "Old draft"
    assert any("old.jpg" in c.value for c in at.caption)  # its upload, back from the old folder
    assert at.selectbox(key=CHOICE).options == ["Old look"]
