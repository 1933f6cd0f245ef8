"""The media guard (components/shell/media_guard.py) and the Streamlit internals it leans on.

If Streamlit changes one of these, a test here fails and says which: the guard would otherwise stop guarding quietly.
The guard end to end (a signed-out browser and another member refused a member's video) is in
tests/browser/test_sign_in.py.
"""

from __future__ import annotations

import inspect
import json

import pytest
from starlette.routing import Route
from streamlit.runtime.app_session import AppSession
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.web.server.starlette import starlette_app_utils
from streamlit.web.server.starlette.starlette_routes import create_media_routes
from streamlit.web.server.starlette.starlette_server_config import USER_COOKIE_NAME

from components.shell import media_guard

SECRET = "a-cookie-secret-for-this-test-only"
ORIGIN = "http://127.0.0.1:8501"


@pytest.fixture
def auth(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(media_guard, "get_cookie_secret", lambda: SECRET)
    monkeypatch.setattr(media_guard, "get_origin_from_redirect_uri", lambda: ORIGIN)


class ServingRuntime:
    """Stands in for the server's Runtime (``install_media_guard`` leaves AppTest's stand-in alone): its media files."""

    def __init__(self) -> None:
        self.media_file_mgr = MediaFileManager(MemoryMediaFileStorage("/media"))

    @staticmethod
    def exists() -> bool:
        return True


@pytest.fixture
def serving(monkeypatch: pytest.MonkeyPatch) -> list[Route]:
    """A process that serves media as ``streamlit run`` does: live media routes, a runtime, no guard installed yet."""
    runtime = ServingRuntime()
    monkeypatch.setattr(media_guard, "Runtime", ServingRuntime)
    monkeypatch.setattr(ServingRuntime, "instance", staticmethod(lambda: runtime), raising=False)
    monkeypatch.setattr(media_guard, "_installed", False)
    routes = create_media_routes(MemoryMediaFileStorage("/media"), None)
    return [r for r in routes if isinstance(r, Route) and r.path.endswith(media_guard.MEDIA_ROUTE_SUFFIX)]


def user_cookie(payload: dict[str, object], secret: str = SECRET) -> dict[str, str]:
    """The cookie Streamlit's sign-in callback sets, signed the way it signs it."""
    signed = starlette_app_utils.create_signed_value(secret, USER_COOKIE_NAME, json.dumps(payload))
    return {USER_COOKIE_NAME: signed.decode("latin-1")}


def test_streamlit_serves_media_from_routes_whose_app_the_guard_can_wrap() -> None:
    routes = create_media_routes(MemoryMediaFileStorage("/media"), None)
    media = [r for r in routes if isinstance(r, Route) and r.path.endswith(media_guard.MEDIA_ROUTE_SUFFIX)]
    assert media, f"Streamlit's media route paths changed: {[getattr(r, 'path', r) for r in routes]}"
    assert all(callable(r.app) for r in media)
    assert "self.app(scope, receive, send)" in inspect.getsource(Route.handle), "Route.handle no longer calls .app"


def test_streamlit_keeps_who_registered_each_file_where_the_guard_reads_it() -> None:
    manager = MediaFileManager(MemoryMediaFileStorage("/media"))
    url = manager.add(b"\x00video", "video/mp4", "1.(2)")
    files = manager._files_by_session_and_coord
    assert media_guard._file_id(url) in {fid for coords in files.values() for fid in coords.values()}
    assert hasattr(manager, "_lock") and hasattr(manager, "_deferred_callables")
    assert "self._user_info = user_info" in inspect.getsource(AppSession.__init__), "AppSession._user_info moved"


def test_a_download_made_when_pressed_is_remembered_with_its_session() -> None:
    manager = MediaFileManager(MemoryMediaFileStorage("/media"))
    placeholder = manager.add_deferred(lambda: b"the video", "video/mp4", "1.(3)", "clip.mp4")
    session_id = manager._deferred_callables[placeholder]["session_id"]
    made = media_guard._MadeDownloads()
    made.wrap(manager)
    url = manager.execute_deferred(placeholder)
    assert made.session_of(media_guard._file_id(url)) == session_id


@pytest.mark.usefixtures("auth")
def test_the_signed_in_email_comes_only_from_a_cookie_streamlit_signed_for_this_studio() -> None:
    signed_in = {"email": "Ana@Example.com", "is_logged_in": True, "origin": ORIGIN, "provider": "default"}
    assert media_guard.signed_in_email(user_cookie(signed_in)) == "ana@example.com"
    assert media_guard.signed_in_email({}) is None
    assert media_guard.signed_in_email(user_cookie(signed_in, secret="another-secret-after-rotation")) is None
    assert media_guard.signed_in_email(user_cookie({**signed_in, "origin": "http://elsewhere:8501"})) is None
    assert media_guard.signed_in_email(user_cookie({**signed_in, "is_logged_in": False})) is None
    forged = {USER_COOKIE_NAME: json.dumps(signed_in)}
    assert media_guard.signed_in_email(forged) is None


def test_without_sign_in_no_guard_is_installed_and_no_objects_are_scanned(
    serving: list[Route], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(media_guard, "sign_in_configured", lambda: False)
    scans: list[None] = []
    monkeypatch.setattr(media_guard, "media_routes", lambda: scans.append(None) or [])
    media_guard.install_media_guard()
    assert scans == []
    assert not any(isinstance(r.app, media_guard._GuardedMedia) for r in serving)


def test_with_sign_in_the_media_routes_are_guarded_once(serving: list[Route], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(media_guard, "sign_in_configured", lambda: True)
    media_guard.install_media_guard()
    assert serving and all(isinstance(r.app, media_guard._GuardedMedia) for r in serving)
    media_guard.install_media_guard()
    assert not any(isinstance(r.app.inner, media_guard._GuardedMedia) for r in serving), "guarded twice"


def test_a_studio_whose_secrets_gain_sign_in_is_guarded_from_its_next_run(
    serving: list[Route], monkeypatch: pytest.MonkeyPatch
) -> None:
    configured = [False]
    monkeypatch.setattr(media_guard, "sign_in_configured", lambda: configured[0])
    media_guard.install_media_guard()
    configured[0] = True
    media_guard.install_media_guard()
    assert all(isinstance(r.app, media_guard._GuardedMedia) for r in serving)
