"""Sign-in through a real OIDC provider (tests/oidc.py): the door, the sidebar, sign-out, an expired session, a person
who is not a member, and media URLs asked for without signing in."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import Studio, wait_idle
from tests.oidc import ADMIN_EMAIL, SIGN_IN_BUTTON, sign_in, sign_out

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
