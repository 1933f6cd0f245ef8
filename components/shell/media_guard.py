"""A guard on Streamlit's ``/media/<file>`` endpoint: with sign-in configured, a file goes only to the person it was
shown to.

Streamlit serves every file a page registered (``st.video``, ``st.image``, ``st.download_button``) at
``/media/<sha224>.<ext>`` to anyone who has the URL, signed in or not. With ``[auth]`` in secrets this guard refuses
(404, revealing nothing) a request whose browser is not signed in, and one whose signed-in email is not the email of a
session that registered the file. Without ``[auth]`` there is one person and nothing to guard: no guard is installed
(and the scan below, over half a second on a loaded machine, is not made), as before teams.

How, and which Streamlit 1.67 internals it leans on (``tests/test_media_guard.py`` fails loudly if one changes):

- Streamlit builds its Starlette routes when the server starts, before the first script run, and offers no hook to
  add a middleware then. So on the first run of app.py in a process, ``install_media_guard`` finds the media
  ``starlette.routing.Route`` objects (path ``.../media/{file_id:path}``) among the live objects and wraps their
  ``app``, the ASGI callable ``Route.handle`` calls for each request. Routes are looked up per request, so the
  wrapper serves every later request. No file is registered before that first run, so none is served unguarded.
  Without ``[auth]`` each run asks again (a cheap look at the secrets), so a studio whose secrets gain ``[auth]``
  while it runs is guarded from its next run on.
- The browser's identity is Streamlit's own signed ``_streamlit_user`` cookie, read the way its websocket handler
  reads it (``get_cookie_with_chunks`` + ``starlette_app_utils.decode_signed_value`` with the cookie secret, and the
  ``origin`` in it checked against the redirect URI's).
- Which sessions registered a file: ``MediaFileManager._files_by_session_and_coord`` (session id → element → file
  id). A download whose data is a callable (``data=path.read_bytes``) is made when pressed by
  ``MediaFileManager.execute_deferred``, which leaves the made file mapped to no session; the guard wraps that method
  to remember which session made it.
- A session's email: ``AppSession._user_info``, the user info its websocket connection was opened with.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from collections import OrderedDict
from collections.abc import Mapping
from typing import Any

from starlette.responses import PlainTextResponse
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send
from streamlit.auth_util import get_cookie_with_chunks, get_origin_from_redirect_uri, get_secrets_auth_section
from streamlit.runtime import Runtime
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.web.server.server_util import get_cookie_secret
from streamlit.web.server.starlette import starlette_app_utils
from streamlit.web.server.starlette.starlette_routes import BASE_ROUTE_MEDIA
from streamlit.web.server.starlette.starlette_server_config import USER_COOKIE_NAME

from components.shell.identity import sign_in_configured
from videostudio.team.people import normalise_email

log = logging.getLogger(__name__)

MEDIA_ROUTE_SUFFIX = f"{BASE_ROUTE_MEDIA}/{{file_id:path}}"
_KEPT_DOWNLOADS = 2000  # made downloads remembered per process (the newest), each a file id and a session id
_install_lock = threading.Lock()
_installed = False


def signed_in_email(cookies: Mapping[str, str]) -> str | None:
    """The email in this browser's signed ``_streamlit_user`` cookie, or None when it is missing, forged, signed with
    another secret (after ``cookie_secret`` rotation), for another origin, or not signed in."""
    secret = get_cookie_secret()

    def one_cookie(name: str) -> bytes | None:
        raw = cookies.get(name)
        # HTTP cookies are latin-1 (as Streamlit's websocket handler reads them).
        return None if raw is None else starlette_app_utils.decode_signed_value(secret, name, raw.encode("latin-1"))

    try:
        value = get_cookie_with_chunks(one_cookie, USER_COOKIE_NAME)
        payload = json.loads(value) if value else None
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(payload, dict) or not payload.get("is_logged_in"):
        return None
    if payload.get("origin") != get_origin_from_redirect_uri():
        return None
    return normalise_email(str(payload.get("email") or "")) or None


class _MadeDownloads:
    """Which session made each download whose data was a callable (Streamlit maps those files to no session)."""

    def __init__(self) -> None:
        self._sessions: OrderedDict[str, str] = OrderedDict()
        self._lock = threading.Lock()

    def wrap(self, manager: MediaFileManager) -> None:
        made = manager.execute_deferred

        def execute_deferred(file_id: str) -> str:
            with manager._lock:
                session_id = manager._deferred_callables.get(file_id, {}).get("session_id")
            url = made(file_id)
            if session_id:
                with self._lock:
                    self._sessions[_file_id(url)] = session_id
                    while len(self._sessions) > _KEPT_DOWNLOADS:
                        self._sessions.popitem(last=False)
            return url

        manager.execute_deferred = execute_deferred  # type: ignore[method-assign]

    def session_of(self, file_id: str) -> str | None:
        with self._lock:
            return self._sessions.get(file_id)


_made_downloads = _MadeDownloads()


def _file_id(path: str) -> str:
    """``/media/abc123.mp4`` or ``abc123.mp4`` → ``abc123``, as MemoryMediaFileStorage names its files."""
    return os.path.splitext(path.rsplit("/", 1)[-1])[0]


def emails_shown(file_id: str, runtime: Runtime) -> set[str]:
    """The emails of the sessions that registered (or made, for a download) the file ``file_id``."""
    manager = runtime.media_file_mgr
    with manager._lock:
        sessions = {sid for sid, files in manager._files_by_session_and_coord.items() if file_id in files.values()}
    made_by = _made_downloads.session_of(file_id)
    if made_by:
        sessions.add(made_by)
    emails = set()
    for session_id in sessions:
        info = runtime._session_mgr.get_session_info(session_id)
        user: Mapping[str, Any] = info.session._user_info if info is not None else {}
        if user.get("is_logged_in") and user.get("email"):
            emails.add(normalise_email(str(user["email"])))
    return emails


def may_fetch(cookies: Mapping[str, str], path: str, runtime: Runtime) -> bool:
    """True when the browser with ``cookies`` may fetch the media file at ``path``."""
    if not get_secrets_auth_section():
        return True  # no sign-in configured: one person's studio, as before teams
    email = signed_in_email(cookies)
    return email is not None and email in emails_shown(_file_id(path), runtime)


class _GuardedMedia:
    """The media route's ASGI app, behind ``may_fetch``."""

    def __init__(self, inner: ASGIApp) -> None:
        self.inner = inner

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope.get("method") != "OPTIONS":
            cookies = _cookies(scope)
            path = str(scope.get("path_params", {}).get("file_id") or scope.get("path", ""))
            if not may_fetch(cookies, path, Runtime.instance()):
                await PlainTextResponse("Not found", status_code=404)(scope, receive, send)
                return
        await self.inner(scope, receive, send)


def _cookies(scope: Scope) -> dict[str, str]:
    from starlette.requests import HTTPConnection

    return dict(HTTPConnection(scope).cookies)


def media_routes() -> list[Route]:
    """Streamlit's live media routes (GET/HEAD, and OPTIONS) in this process."""
    import gc

    return [
        obj
        for obj in gc.get_objects()
        if isinstance(obj, Route) and isinstance(obj.path, str) and obj.path.endswith(MEDIA_ROUTE_SUFFIX)
    ]


def install_media_guard() -> None:
    """Put the guard in front of the media endpoint, once per process (app.py calls it on every run; later calls
    return at once). Without sign-in, and under AppTest (whose Runtime is a stand-in), there is nothing to guard."""
    global _installed
    if _installed or not sign_in_configured():
        return
    with _install_lock:
        if _installed or not Runtime.exists() or type(Runtime.instance()) is not Runtime:
            return
        routes = media_routes()
        for route in routes:
            if not isinstance(route.app, _GuardedMedia):
                route.app = _GuardedMedia(route.app)
        _made_downloads.wrap(Runtime.instance().media_file_mgr)
        _installed = True
        if not routes:
            log.warning("The media guard found no /media route: media files are served to anyone with the URL.")
