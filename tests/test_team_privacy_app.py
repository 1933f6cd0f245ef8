"""Whose work each person sees, through AppTest with sign-in configured: two creators and a viewer.

Ana and Ben are creators, Vic a viewer. Ana has a job of her own and one shared with the team; Ben has one of his.
Each signs in (``at.user``, ``at.secrets["auth"]``) and sees only what ``videostudio/team/access.py`` allows.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import Studio
from tests.media_samples import video_bytes
from tests.test_app import APP, PIXVERSE
from tests.test_history_page import GENERATE, HISTORY, add_job, prompts, rerun, select_row, store, text_of
from videostudio.history.store import Job, utcnow
from videostudio.library.videos import poster_frame
from videostudio.team.members import MemberStore
from videostudio.team.roles import Role

pytestmark = pytest.mark.apptest

ANA, BEN, VIC = "ana@example.com", "ben@example.com", "vic@example.com"
# What Streamlit's st.login reads; nothing here signs in for real (at.user stands for the provider's answer).
AUTH = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "not-a-real-secret-only-for-tests",
    "client_id": "video-studio",
    "client_secret": "not-a-real-client-secret",
    "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
}
PRIVATE, SHARED, BENS = "ana's private fox 7391", "ana's shared lighthouse 2204", "ben's whale 5518"


@pytest.fixture
def team(studio: Studio) -> Iterator[dict[str, Job]]:
    members = MemberStore(store())
    members.add(ANA, Role.CREATOR)
    members.add(BEN, Role.CREATOR)
    members.add(VIC, Role.VIEWER)
    yield {
        "private": add_job(PRIVATE, owner=ANA, credits=840_000.0, usd=0.42),
        "shared": add_job(SHARED, owner=ANA, shared=True, credits=1_260_000.0, usd=0.63),
        "bens": add_job(BENS, owner=BEN, credits=420_000.0, usd=0.21),
    }


def signed_in(email: str, page: str | None = HISTORY) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.secrets["auth"] = AUTH
    at.user = {"is_logged_in": True, "email": email, "name": email.split("@")[0]}
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    if page:
        at.switch_page(page)
        rerun(at)
    return at


def labels(at: AppTest) -> list[str]:
    return [b.label for b in at.button] + [b.label for b in at.get("download_button")]


def test_each_creator_lists_their_own_jobs_and_the_shared_ones(team: dict[str, Job]) -> None:
    assert sorted(prompts(signed_in(ANA))) == sorted([PRIVATE, SHARED])
    assert sorted(prompts(signed_in(BEN))) == sorted([SHARED, BENS])
    ben = signed_in(BEN, GENERATE)
    shown = text_of(ben)
    assert BENS in shown and SHARED in shown and PRIVATE not in shown  # Latest jobs


def test_a_link_to_a_job_not_shared_says_so_in_the_same_words_as_a_missing_one(team: dict[str, Job]) -> None:
    ben = signed_in(BEN, None)
    ben.switch_page(HISTORY)
    ben.query_params["job"] = team["private"].id
    rerun(ben)
    refused = [w.value for w in ben.warning]
    assert any("This job isn't shared with you" in w for w in refused), refused
    assert PRIVATE not in text_of(ben) and team["private"].id not in text_of(ben)
    missing = signed_in(BEN, None)
    missing.switch_page(HISTORY)
    missing.query_params["job"] = "0" * 32
    rerun(missing)
    assert [w.value for w in missing.warning] == refused


def test_a_shared_job_opens_for_viewing_only_and_its_owner_may_stop_sharing(team: dict[str, Job]) -> None:
    ben = signed_in(BEN)
    select_row(ben, prompts(ben).index(SHARED))
    offered = labels(ben)
    assert "Shared with the team" in text_of(ben)
    for action in ("Delete", "Run again", "Use these settings", "Stop sharing", "Share with the team"):
        assert action not in offered, action
    assert "Export" in offered

    ana = signed_in(ANA)
    select_row(ana, prompts(ana).index(PRIVATE))
    assert {"Delete", "Run again", "Use these settings", "Share with the team"} <= set(labels(ana))
    next(b for b in ana.button if b.label == "Share with the team").click()
    rerun(ana)
    assert store().get(team["private"].id).shared  # type: ignore[union-attr]
    assert PRIVATE in prompts(signed_in(BEN))


def test_a_viewer_sees_only_shared_work_no_generate_no_delete_and_no_price(team: dict[str, Job]) -> None:
    vic = signed_in(VIC, None)
    assert vic.title[0].value == "History"  # lands on History: there is no Generate page for a viewer
    assert prompts(vic) == [SHARED]
    assert "cost" not in vic.dataframe[0].value.columns
    assert "Spending" not in vic.get_by_key("history_view").options
    assert [e.label for e in vic.expander if e.label.startswith("Backend")] == ["Backend"]  # sends nothing: no key
    select_row(vic, 0)
    shown = text_of(vic)
    assert "$" not in shown and "credits" not in shown.lower()
    assert not [m for m in vic.metric if m.label in ("Cost", "Credits")]
    offered = labels(vic)
    for action in ("Delete", "Run again", "Use these settings", "Join clips", "Share with the team"):
        assert action not in offered, action
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        vic.switch_page(GENERATE)  # the navigation has no Generate page for a viewer


def test_a_creator_still_has_generate_and_the_spending_view(team: dict[str, Job]) -> None:
    ana = signed_in(ANA, GENERATE)
    assert ana.title[0].value == "Generate"
    assert [e for e in ana.expander if e.label == "Backend and API key"]
    ana.switch_page(HISTORY)
    rerun(ana)
    assert "Spending" in ana.get_by_key("history_view").options
    assert "cost" in ana.dataframe[0].value.columns


# --- the walk: every page as a second member ---------------------------------------------------------------------


def page_dump(at: AppTest) -> str:
    """Everything the page sends the browser, as text: every element's message (values, labels, URLs, tables)."""
    parts: list[str] = []

    def walk(node: object) -> None:
        proto = getattr(node, "proto", None)
        if proto is not None:
            parts.append(str(proto))
        if getattr(node, "type", None) == "dataframe":  # a table's cells travel as Arrow bytes
            parts.append(node.value.to_csv())
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    return "\n".join(parts)


def media_urls(text: str) -> set[str]:
    return set(re.findall(r"/media/[0-9a-f]{20,}\.\w+", text))


@pytest.fixture
def kept_team(studio: Studio) -> dict[str, Job]:
    """The team, each job with a video and poster kept (different clips, so different media URLs)."""
    members = MemberStore(store())
    members.add(ANA, Role.CREATOR)
    members.add(BEN, Role.CREATOR)
    media = studio.home / "media"
    (media / "posters").mkdir(parents=True, exist_ok=True)

    def kept(prompt: str, seconds: float, **fields: object) -> Job:
        video = media / f"{abs(hash(prompt))}.mp4"
        video.write_bytes(video_bytes(seconds=seconds))
        poster = poster_frame(video, media / "posters" / f"{video.stem}.jpg")
        created = utcnow() - timedelta(minutes=60 - seconds * 10)
        return add_job(
            prompt,
            model_id=PIXVERSE,
            local_path=str(video),
            poster_path=str(poster),
            video_seconds=seconds,
            created=created,
            **fields,
        )

    return {
        "private": kept(PRIVATE, 1.0, owner=ANA, credits=1_130_000.0, usd=0.57),
        "shared": kept(SHARED, 1.5, owner=ANA, shared=True, credits=1_260_000.0, usd=0.63),
        "bens": kept(BENS, 2.0, owner=BEN, credits=420_000.0, usd=0.21),
        "bens2": kept(BENS + " again", 2.5, owner=BEN, credits=420_000.0, usd=0.21),
    }


def ana_private_media(job: Job) -> set[str]:
    """The media URLs Ana's own browser gets for her private job (its video, in its opened dialog)."""
    ana = signed_in(ANA)
    select_row(ana, prompts(ana).index(PRIVATE))
    found = media_urls(page_dump(ana))
    assert found, "the opened job shows its video"
    return found


def test_no_page_shows_another_members_private_job_to_a_second_member(kept_team: dict[str, Job]) -> None:
    private = kept_team["private"]
    secrets = {PRIVATE, private.id, "$0.57", "1,130,000", *ana_private_media(private)}
    seen: list[tuple[str, str]] = []

    ben = signed_in(BEN, GENERATE)  # Latest jobs, the tray, Recently used models
    ben.button(key="model_browser_toggle").click().run()
    seen.append(("Generate", page_dump(ben)))
    ben.switch_page(HISTORY)
    rerun(ben)
    seen.append(("History table", page_dump(ben)))
    for index in range(len(prompts(ben))):  # every job Ben can open
        select_row(ben, index)
        seen.append((f"History, job {index} opened", page_dump(ben)))
    ben.get_by_key("history_view").set_value("Gallery").run()
    seen.append(("History gallery", page_dump(ben)))
    ben.get_by_key("history_view").set_value("Spending").run()
    seen.append(("History spending", page_dump(ben)))
    ben.get_by_key("history_view").set_value("Table").run()
    ben.button(key="join_toggle").click().run()
    seen.append(("Join clips", page_dump(ben)))
    ben.switch_page("pages/models.py")
    rerun(ben)
    seen.append(("Models", page_dump(ben)))

    links = [
        ("pages/compare.py", {"jobs": f"{private.id},{kept_team['shared'].id}"}),
        (HISTORY, {"job": private.id}),
        (GENERATE, {"continue": private.id}),
    ]
    for page, params in links:
        ben = signed_in(BEN, None)
        ben.switch_page(page)
        for name, value in params.items():
            ben.query_params[name] = value
        rerun(ben)
        seen.append((f"{page} ?{params}", page_dump(ben)))

    assert SHARED in seen[1][1] and BENS in seen[1][1]  # the walk sees what it should: a check that it looked
    leaks = [(where, secret) for where, text in seen for secret in secrets if secret in text]
    assert leaks == []
