"""Running the studio under Streamlit's AppTest as a real server runs it (shared by the tests and bench/)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


@contextmanager
def entrypoint_on_every_run() -> Iterator[None]:
    """Make every AppTest run start in app.py, as every run after the first does in a real server.

    A real server leaves legacy ``pages/`` mode for good once app.py's ``st.navigation`` has run
    (components/shell/router.py covers the very first request). AppTest resets that flag before each run
    (streamlit/streamlit#14217), so every run would start as a legacy page run and be rerouted by
    ``ensure_router``, dropping the button clicks the run was made for.
    """
    from streamlit.runtime.pages_manager import PagesManager

    original_init = PagesManager.__init__

    def init(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        original_init(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    PagesManager.__init__ = init  # type: ignore[method-assign]
    try:
        yield
    finally:
        PagesManager.__init__ = original_init  # type: ignore[method-assign]


def choose_model_in_browser(at: Any, model_id: str) -> None:
    """Choose ``model_id`` on the Generate page as a person does: open the model browser, search, press Choose."""
    if "model_choice" in at.session_state and at.session_state["model_choice"] == model_id:
        return
    choose_key = f"model_browser_choose__{model_id}"
    if not any(b.key == choose_key for b in at.button):
        if at.button(key="model_browser_toggle").label == "Change":
            at.button(key="model_browser_toggle").click().run()
        at.text_input(key="browser_search").input(model_id).run()
    at.button(key=choose_key).click().run()
    assert not at.exception, [e.value for e in at.exception]


def open_fold(at: Any, key: str) -> None:
    """Open the folded panel ``key`` (components/shell/folds.py) as a person's click does: its inside is drawn on
    the next run."""
    at.session_state[key] = True
    at.run()
    assert not at.exception, [e.value for e in at.exception]
