"""History's views are one registry (components/history_views.py): each complete, each offered, each drawn."""

from __future__ import annotations

import pytest

from components.history_views import BY_NAME, VIEWS
from tests.conftest import Studio
from tests.test_history_page import add_job, history


def test_every_view_is_complete_and_named_once() -> None:
    assert [view.name for view in VIEWS] == list(BY_NAME)
    assert len(BY_NAME) == len(VIEWS)
    for view in VIEWS:
        assert view.name and view.icon.startswith(":material/") and callable(view.draw)
    assert VIEWS[0].lists_jobs  # the page opens on a list a person can open jobs from


@pytest.mark.apptest
def test_the_page_offers_every_view_and_draws_each(studio: Studio) -> None:
    add_job("a lighthouse at dusk", status="completed")
    at = history()
    picker = at.get_by_key("history_view")
    assert list(picker.options) == [view.name for view in VIEWS]
    for view in VIEWS:
        picker.set_value(view.name).run()
        assert not at.exception, [e.value for e in at.exception]
        # A list of jobs says how many it shows; Spending does not list jobs.
        counted = any("1 job" in caption.value for caption in at.caption)
        assert counted == view.lists_jobs, view.name
