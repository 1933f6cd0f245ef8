"""The first screen's folded panels (components/shell/folds.py): shut, only their titles reach the browser; opened,
their insides are drawn; shut again, what was set inside stays set."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from components.form.schema_form import ADVANCED_OPEN
from components.form.widgets import model_key
from components.generate.batch_controls import HOW_MANY_KEY, HOW_MANY_OPEN
from components.shell.services import BACKEND_CHOICE
from components.shell.sidebar import DEVELOPER_ENDPOINTS, DEVELOPER_PANEL, KEY_FIELD, KEY_PANEL
from tests.apptest import open_fold
from tests.conftest import Studio
from tests.test_app import open_studio
from videostudio.catalogue import load_catalogue
from videostudio.catalogue.default_model import DEFAULT_MODEL

pytestmark = pytest.mark.apptest

# Each folded panel of the Generate page: its key, its title, and a widget key drawn only while it is open.
FOLDS = [
    (KEY_PANEL, "Backend and API key", KEY_FIELD),
    (KEY_PANEL, "Backend and API key", BACKEND_CHOICE),
    (HOW_MANY_OPEN, "How many: 1", HOW_MANY_KEY),
    (DEVELOPER_PANEL, "Developer options", DEVELOPER_ENDPOINTS),
    ("notify_panel", "Notifications", "notify_opt_in"),
    ("presets_save_open", "Save as preset", "presets_name"),
    ("presets_manage_open", "Manage", "presets_import_0"),
    (ADVANCED_OPEN, "Advanced", f"{model_key(load_catalogue().get(DEFAULT_MODEL))}__watermark"),
]


def drawn_keys(at: AppTest) -> set[str]:
    kinds = ("text_input", "toggle", "button", "file_uploader", "button_group")
    return {w.key for kind in kinds for w in at.get(kind) if w.key}


def test_a_fresh_generate_page_draws_the_panels_shut_with_nothing_inside(studio: Studio) -> None:
    at = open_studio()
    titles = {e.label for e in at.expander} | {p.proto.popover.label for p in at.get("popover")}
    drawn = drawn_keys(at)
    for key, title, inside in FOLDS:
        assert title in titles, title
        assert inside not in drawn and key in at.session_state and not at.session_state[key], key
    assert "Copy as code" in titles and not [c for c in at.code]
    # No select box, switch or row of buttons on a new studio's first screen: each kind's code is one more load for
    # the browser.
    assert not at.selectbox and not at.toggle and not at.button_group, [w.label for w in at.get("button_group")]


@pytest.mark.parametrize(("key", "title", "inside"), FOLDS, ids=[inside for _, _, inside in FOLDS])
def test_opening_a_panel_draws_its_inside(studio: Studio, key: str, title: str, inside: str) -> None:
    at = open_studio()
    open_fold(at, key)
    assert inside in drawn_keys(at), sorted(drawn_keys(at))


def test_a_switch_set_in_a_panel_stays_set_once_it_is_shut(studio: Studio) -> None:
    at = open_studio()
    open_fold(at, DEVELOPER_PANEL)
    at.toggle(key=DEVELOPER_ENDPOINTS).set_value(True).run()
    at.session_state[DEVELOPER_PANEL] = False
    at.run()
    assert DEVELOPER_ENDPOINTS not in drawn_keys(at)
    open_fold(at, DEVELOPER_PANEL)
    assert at.toggle(key=DEVELOPER_ENDPOINTS).value is True
