"""Sign-in through a real OIDC provider (tests/oidc.py): the door, the sidebar, sign-out, an expired session, a person
who is not a member, and media URLs asked for without signing in."""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Route, expect

from tests.browser.conftest import (
    VIDEO01,
    Studio,
    card_ids,
    keyed,
    new_card,
    pick_model,
    press_generate,
    type_text,
    wait_done,
    wait_idle,
)
from tests.oidc import ADMIN_EMAIL, SIGN_IN_BUTTON, OidcProvider, add_member, sign_in, sign_out

pytestmark = pytest.mark.browser

NOT_A_MEMBER = "but you are not a member of this studio. Ask your admin to add you."


def sidebar(page: Page):  # noqa: ANN201 - a Locator
    return page.locator("[data-testid='stSidebar']")


def expect_only_the_door(page: Page) -> None:
    """The sign-in page and nothing of the studio: no sidebar, no navigation, no page of the studio."""
    expect(page.get_by_role("button", name=SIGN_IN_BUTTON)).to_be_visible()
    expect(sidebar(page)).to_have_count(0)
    expect(page.locator("[data-testid='stSidebarNav']")).to_have_count(0)
    expect(page.get_by_role("button", name="Generate")).to_have_count(0)
    expect(page.locator("[data-testid='stVideo']")).to_have_count(0)


def test_sign_in_shows_name_and_role_then_sign_out_closes_the_door(page: Page, team_studio: Studio) -> None:
    sign_in(page, team_studio.url, ADMIN_EMAIL)
    expect(sidebar(page).get_by_text("Ada.Admin", exact=True)).to_be_visible()
    expect(sidebar(page).get_by_text(ADMIN_EMAIL, exact=True)).to_be_visible()
    expect(sidebar(page).get_by_text("Admin", exact=True)).to_be_visible()
    expect(page.locator("[data-testid='stSidebarNav']").get_by_text("Team", exact=True)).to_be_visible()
    expect(page.locator("h1").filter(has_text="Generate")).to_be_visible()
    sign_out(page)
    expect_only_the_door(page)
    page.reload()
    wait_idle(page)
    expect_only_the_door(page)


def test_a_person_who_is_not_a_member_is_asked_to_see_their_admin(
    page: Page, team_studio: Studio, oidc_provider: OidcProvider
) -> None:
    stranger = "sam.stranger@example.com"
    oidc_provider.add_user(stranger)
    sign_in(page, team_studio.url, stranger)
    expect(page.get_by_text(f"You are signed in as {stranger}, {NOT_A_MEMBER}")).to_be_visible()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    expect(sidebar(page)).to_have_count(0)
    # Typing a page's address gets the same answer, and nothing of the page.
    for path in ("", "history", "models", "compare", "team", f"?model={VIDEO01}"):
        page.goto(f"{team_studio.url}/{path}")
        wait_idle(page)
        expect(page.get_by_text(NOT_A_MEMBER)).to_be_visible()
        expect(keyed(page, "generate")).to_have_count(0)
        expect(page.locator("[data-testid='stSidebarNav']")).to_have_count(0)
        expect(page.locator("h1").filter(has_text="Generate")).to_have_count(0)
    sign_out(page)
    expect_only_the_door(page)


def test_an_expired_session_shows_only_the_door(page: Page, context: BrowserContext, team_studio: Studio) -> None:
    """Streamlit's sign-in lives in its signed ``_streamlit_user`` cookie (30 days); the browser drops it when it
    expires. Simulated here by giving the cookie an expiry in the past, as the browser sees an expired cookie."""
    sign_in(page, team_studio.url, ADMIN_EMAIL)
    expect(page.locator("h1").filter(has_text="Generate")).to_be_visible()
    user_cookie = next(c for c in context.cookies() if c["name"] == "_streamlit_user")
    context.add_cookies([{**user_cookie, "expires": 1}])  # 1970: expired
    assert "_streamlit_user" not in {c["name"] for c in context.cookies()}
    for path in ("", "history", f"?model={VIDEO01}"):
        page.goto(f"{team_studio.url}/{path}")
        wait_idle(page)
        expect_only_the_door(page)
        expect(page.locator("h1").filter(has_text="Generate")).to_have_count(0)


def test_media_go_only_to_the_member_they_were_shown_to(
    page: Page, browser: Browser, team_studio: Studio, oidc_provider: OidcProvider
) -> None:
    sign_in(page, team_studio.url, ADMIN_EMAIL)
    pick_model(page, "video-01")
    type_text(page, f"{VIDEO01}__prompt", f"A lighthouse in fog {uuid.uuid4().hex[:6]}")
    before = card_ids(page)
    press_generate(page)
    card = new_card(page, before)
    wait_done(card)
    video_src = card.locator("video").first.get_attribute("src")
    assert video_src and "/media/" in video_src, video_src
    media_url = video_src if video_src.startswith("http") else f"{team_studio.url}{video_src}"
    assert page.request.get(media_url).status == 200  # the member it was shown to

    signed_out = browser.new_context()
    try:
        response = signed_out.request.get(media_url)
        assert response.status == 404, response.status
        assert b"ftyp" not in response.body()
    finally:
        signed_out.close()

    # Another member, signed in, who was never shown the file. Their browser gets its sign-in cookie and stops
    # there (the studio's page after the sign-in is stubbed): until each person sees only their own jobs, a page of
    # theirs would show this job too, and the file with it.
    other = "olga.other@example.com"
    add_member(team_studio, other, "creator", provider=oidc_provider)
    other_context = browser.new_context()
    try:
        other_page = other_context.new_page()
        other_page.goto(team_studio.url)
        wait_idle(other_page)
        callbacks: list[str] = []

        def authorize_without_following(route: Route) -> None:
            response = route.fetch(max_redirects=0)  # the provider's answer: a redirect to the studio's callback
            callbacks.append(response.headers["location"])
            route.fulfill(status=200, body="authorized", content_type="text/plain")

        other_page.route("**/oauth2/authorize*", authorize_without_following)
        other_page.get_by_role("button", name=SIGN_IN_BUTTON).click()
        other_page.get_by_placeholder("sub").fill(other)
        other_page.get_by_role("button", name="Authorize").click()
        expect(other_page.get_by_text("authorized", exact=True)).to_be_visible()
        # The callback, with the browser's cookies: Streamlit sets its sign-in cookie; its redirect is not followed.
        assert other_context.request.get(callbacks[0], max_redirects=0).status in (302, 303, 307)
        assert "_streamlit_user" in {c["name"] for c in other_context.cookies()}
        assert other_context.request.get(media_url).status == 404
    finally:
        other_context.close()
    assert page.request.get(media_url).status == 200  # and still to the member it was shown to


def test_a_link_opened_signed_out_is_where_the_sign_in_lands(page: Page, team_studio: Studio) -> None:
    """Streamlit's sign-in ends on ``/``; the studio then goes on to the link that was opened."""
    sign_in(page, team_studio.url, ADMIN_EMAIL, path="models?q=veo")
    page.wait_for_url(f"{team_studio.url}/models?q=veo")
    expect(page.locator("h1").filter(has_text="Models")).to_be_visible()
    # The link is followed once: opening the first page afterwards does not jump back to it.
    page.goto(f"{team_studio.url}/")
    wait_idle(page)
    expect(page.locator("h1").filter(has_text="Generate")).to_be_visible()
    assert "/models" not in page.url


def test_every_address_opened_signed_out_shows_only_the_door(page: Page, team_studio: Studio) -> None:
    for path in ("", "history?job=0123456789abcdef", "compare?jobs=a,b", f"?model={VIDEO01}", "models", "team"):
        page.goto(f"{team_studio.url}/{path}")
        wait_idle(page)
        expect_only_the_door(page)
        expect(page.get_by_text("Page not found")).to_have_count(0)
        assert page.url.startswith(f"{team_studio.url}/{path.split('?')[0]}"), page.url  # the link is kept
