"""Running the studio under Streamlit's AppTest as a real server runs it (shared by the tests and bench/)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def entrypoint_on_every_run() -> Iterator[None]:
    """Make every AppTest run start in app.py, as every run after the first does in a real server.

    A real server leaves legacy ``pages/`` mode for good once app.py's ``st.navigation`` has run
    (components/router.py covers the very first request). AppTest resets that flag before each run
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
