"""Boards in a team studio, through AppTest: a board is its owner's; its showcase link opens for the team's members
(viewers included) once its owner shares it, and only through its token; a viewer makes no boards."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import REPO, Studio
from tests.test_forms_team_app import ANA, AUTH, BEN, BOSS, VERA
from videostudio.boards.store import Board, BoardStore
from videostudio.history.store import Job, JobStore, utcnow
from videostudio.offline.render.video import RenderRequest, render_video
from videostudio.team.members import MemberStore
from videostudio.team.roles import Role

pytestmark = pytest.mark.apptest

APP = REPO / "app.py"


@pytest.fixture
def team(studio: Studio, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Studio, BoardStore, Board]]:
    """Sign-in configured, Ana and Ben creators, Vera a viewer, Boss an admin; Ana's board holds one of her takes."""
    monkeypatch.setenv("VIDEO_STUDIO_ADMINS", BOSS)
    store = JobStore(f"sqlite:///{studio.home / 'history.sqlite3'}")
    members = MemberStore(store)
    members.add(ANA, Role.CREATOR)
    members.add(BEN, Role.CREATOR)
    members.add(VERA, Role.VIEWER)
    video = studio.home / "take.mp4"
    render_video(RenderRequest(width=160, height=90, duration=1.0, scene="kite"), video)
    created = utcnow() - timedelta(minutes=5)
    job = store.add(
        Job(
            "video-01",
            "offline",
            status="completed",
            prompt="A red kite",
            created_at=created,
            owner=ANA,
            local_path=str(video),
            video_seconds=1.0,
        )
    )
    boards = BoardStore(store)
    board = boards.create("Ana's pitch", ANA)
    boards.add(board.id, job.id)
    yield studio, boards, board
    store.close()


def open_as(email: str, page: str, **query: str) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.secrets["auth"] = AUTH
    at.user = {"is_logged_in": True, "email": email, "name": email.split("@")[0].title()}
    for name, value in query.items():
        at.query_params[name] = value
    at.run()
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def words(at: AppTest) -> str:
    return "\n".join(e.value for e in [*at.markdown, *at.caption, *at.info, *at.title])


def test_the_showcase_link_opens_for_the_team_once_shared(team: tuple[Studio, BoardStore, Board]) -> None:
    _studio, boards, board = team
    assert "doesn't open a board" in words(open_as(VERA, "pages/showcase.py", board=board.share_token))
    assert "Ana's pitch" in words(open_as(BOSS, "pages/showcase.py", board=board.share_token))  # admins always
    boards.set_shared(board.id, True)
    for member in (VERA, BEN):
        shown = open_as(member, "pages/showcase.py", board=board.share_token)
        assert [t.value for t in shown.title] == ["Ana's pitch"]
    # Only through its link: the board's id (which its owner's page uses) opens nothing for others.
    assert "doesn't open a board" in words(open_as(BEN, "pages/showcase.py", board=board.id))


def test_the_board_page_is_its_owners_and_says_who_can_open_the_link(team: tuple[Studio, BoardStore, Board]) -> None:
    _studio, boards, board = team
    at = open_as(ANA, "pages/boards.py")
    assert "Only you and the admins can open this link until you share it with the team." in words(at)
    at.toggle(key=f"board-shared-{board.id}").set_value(True).run()
    assert boards.get(board.id).shared  # type: ignore[union-attr]
    assert "Members of the team, viewers included, can open this link after signing in." in words(at)
    assert "No boards yet" in words(open_as(BEN, "pages/boards.py"))  # Ana's board is not Ben's
    assert "Boards are made by creators and admins" in words(open_as(VERA, "pages/boards.py"))
    assert open_as(BOSS, "pages/boards.py").selectbox(key="boards_current").options == ["Ana's pitch"]  # an admin
