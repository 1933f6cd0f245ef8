"""The studio's shared objects, made once per server process (or once per session where they hold a key)."""

from __future__ import annotations

import hashlib
import logging
import os
import threading
from typing import Any, TypeVar

import streamlit as st

from videostudio.api.assist_client import AssistClient
from videostudio.api.client import VideoClient
from videostudio.catalogue import Catalogue, CatalogueError, Model, load_catalogue
from videostudio.catalogue.assist import assist_pricing
from videostudio.catalogue.live import LiveCatalogue, LiveCatalogueRefresher, find_model
from videostudio.config import Settings, api_key_from
from videostudio.history.store import JobStore
from videostudio.jobs.backends import Backend, Backends, studio_backends
from videostudio.jobs.follower import Follower, follower_name
from videostudio.jobs.service import JobService, PollPolicy
from videostudio.library import videos as library
from videostudio.storage import MediaStorage, storage_from
from videostudio.studio import follow_films, studio_film_works, studio_job_service

log = logging.getLogger(__name__)

_Client = TypeVar("_Client", bound=VideoClient)

# How often a page load may look for finished videos still without a local copy (per server process).
RETRY_MISSING_EVERY = 60.0


@st.cache_resource(show_spinner=False)
def settings() -> Settings:
    return Settings.from_env()


@st.cache_resource(show_spinner=False)
def media_storage() -> MediaStorage:
    """Where this studio's media lives (the local folder, or S3 with its cache on this machine), once per process.

    Pages play a video or show a poster from ``media_file(media_storage(), job.local_path)``: a file on this
    machine, which Streamlit's media endpoint streams to the signed-in browser with range requests.
    """
    return storage_from(settings())


@st.cache_resource(show_spinner=False)
def bundled_catalogue() -> Catalogue:
    """The catalogue shipped with the studio (what the offline backend serves, and the fallback)."""
    return load_catalogue()


# How often a server process reads a backend's live model list again (the ETag makes a repeat cheap).
LIVE_CATALOGUE_EVERY = 6 * 3600.0


@st.cache_resource(show_spinner=False)
def _catalogue_refresher(backend_name: str, source: str) -> LiveCatalogueRefresher:
    # One per backend and source (its address, or its lasting name), for the whole process: it starts from the disk
    # copy (or the bundle) and swaps in the live list when its background read ends, so no page waits for the network.
    # The read asks for the address itself, so an offline backend started in this process starts there, not in a page.
    folder = settings().data_dir / "live-catalogue" / backend_name
    address = _backend_named(backend_name).base_url
    return LiveCatalogueRefresher(bundled_catalogue(), address, folder, every=LIVE_CATALOGUE_EVERY, source=source)


def catalogue_refresher(backend_name: str) -> LiveCatalogueRefresher:
    """The process's refresher of a backend's live model list (tests wait on it)."""
    return _catalogue_refresher(backend_name, _backend_named(backend_name).source_name())


def _backend_named(name: str) -> Backend:
    found = backends().get(name)
    if found is None:
        raise KeyError(name)
    return found


# Set when a run drew the catalogue without its prices (the live list still on its way): the page's tick
# (components/jobs/poller.py) reruns the page once they are in.
PRICES_AWAITED = "_catalogue_prices_awaited"


def _session_refresher() -> LiveCatalogueRefresher:
    return catalogue_refresher(current_backend().name)


def live_catalogue() -> LiveCatalogue:
    """The catalogue of this session's backend as its live list sees it, and where that came from."""
    refresher = _session_refresher()
    refresher.maybe_start()
    current = refresher.current
    if current.source == "bundle" and refresher.reading():
        st.session_state[PRICES_AWAITED] = True
    return current


def prices_awaited() -> bool:
    """True when this session drew the catalogue before its prices came in, until the page is drawn again with them.

    What the page shows is what it was drawn with: a model taken from the bundle has no price yet, even if the
    live list lands a moment later in the same run.
    """
    return bool(st.session_state.get(PRICES_AWAITED))


def prices_loading() -> bool:
    """True while the session's catalogue is the bundle (which has no prices) and the live list is being read."""
    refresher = _session_refresher()
    return refresher.current.source == "bundle" and refresher.reading()


def prices_arrived() -> bool:
    """True once, when a run drew the catalogue without prices and the live list has come in since."""
    if not st.session_state.get(PRICES_AWAITED) or prices_loading():
        return False
    st.session_state.pop(PRICES_AWAITED, None)
    return True


def catalogue() -> Catalogue:
    """The models this session can choose from: the bundle, with the live list's prices and offers."""
    return live_catalogue().catalogue


def model_or_none(model_id: str) -> Model | None:
    """The catalogue's model (by id or alias), or None for one since removed: its old jobs still show."""
    models = catalogue()
    try:
        return models.get(model_id)
    except CatalogueError:
        return find_model(models, model_id)


def job_service() -> JobService:
    """The process's job service (the follower and the retries are started by ``start_background_work``)."""
    return _job_service()


def start_background_work() -> None:
    """Start what works with no browser open, once per process: the follower (unless it runs apart), and now
    and then a retry at keeping videos whose download failed. The router (app.py) calls it on every run."""
    _started_follower()
    _missing_video_retrier().maybe_start()


@st.cache_resource(show_spinner=False)
def backends() -> Backends:
    """Every backend of this studio (the AI/ML API, the offline demo), made once per process."""
    # Process-wide, so it reads the bundle: the live list belongs to a session's backend.
    return studio_backends(settings(), bundled_catalogue(), _offline_backend().url)


@st.cache_resource(show_spinner=False)
def _job_service() -> JobService:
    config = settings()
    return studio_job_service(
        config, JobStore(config.database_url), backends(), owner=follower_name(), storage=media_storage()
    )


def _stop_follower(running: Follower) -> None:
    running.stop(timeout=5)


@st.cache_resource(show_spinner=False, on_release=_stop_follower)
def follower() -> Follower:
    """The process's one follower: polls every running job, with or without a browser open (issue 9 §1).

    One per server process, whatever the number of sessions; with ``VIDEO_STUDIO_FOLLOWER=apart`` it is
    made but not started (``python -m videostudio.follow`` runs apart instead).
    """
    registry = backends()
    key = configured_api_key()
    running = Follower(_job_service(), registry, keys={b.name: key for b in registry if b.needs_key and key})
    # Films being made go on with no browser open, on the follower's own clients.
    works = studio_film_works(settings(), running.service, bundled_catalogue(), running.client, storage=media_storage())
    return follow_films(running, works)


@st.cache_resource(show_spinner=False)
def _started_follower() -> bool:
    """Start the follower once per process, unless ``VIDEO_STUDIO_FOLLOWER=apart`` runs it elsewhere."""
    if settings().follow_in_studio:
        follower().start()
    return True


@st.cache_resource(show_spinner=False)
def _missing_video_retrier() -> library.MissingVideoRetrier:
    return library.MissingVideoRetrier(_job_service(), media_storage(), every=RETRY_MISSING_EVERY)


class _OfflineBackend:
    """The offline backend's address: the configured one, else one started in this process on first use.

    Asked from sessions and from the follower's thread, so it starts under a lock and never twice.
    """

    def __init__(self, config: Settings, models: Catalogue) -> None:
        self.config, self.models = config, models
        self._lock = threading.Lock()
        self._server: Any = None
        self._url: str | None = None

    def url(self) -> str:
        if self.config.offline_url:
            return self.config.offline_url
        with self._lock:
            if self._url is None:
                from videostudio.offline.faults import FaultConfig
                from videostudio.offline.server import OfflineBackend

                self._server = OfflineBackend(
                    self.config.offline_dir,
                    catalogue=self.models,
                    speed=self.config.offline_speed,
                    faults=FaultConfig.parse(self.config.offline_faults),
                )
                self._url = self._server.start()
            return self._url


@st.cache_resource(show_spinner=False)
def _offline_backend() -> _OfflineBackend:
    return _OfflineBackend(settings(), bundled_catalogue())


def offline_backend_url() -> str:
    """The offline backend's base URL: started in this process, once, unless one is configured."""
    return _offline_backend().url()


def configured_api_key() -> str | None:
    """The key from the environment or secrets.toml (never from the sidebar)."""
    try:
        secrets = dict(st.secrets)
    except (FileNotFoundError, st.errors.StreamlitSecretNotFoundError):
        # No secrets.toml is the normal case; the environment is enough.
        secrets = {}
    return api_key_from(os.environ, secrets)


# Where a key typed in the sidebar is held: this session's memory, never a widget (see components/shell/sidebar.py).
TYPED_KEY_STATE = "_typed_api_key"


def typed_api_key() -> str | None:
    return st.session_state.get(TYPED_KEY_STATE) or None


def session_api_key() -> str | None:
    """The key for this session: typed in the sidebar (this session only), else the configured one."""
    return typed_api_key() or configured_api_key()


BACKEND_CHOICE = "backend_choice"  # the sidebar's backend switch (components/shell/sidebar.py)


def current_backend() -> Backend:
    """The backend this session uses: the person's choice, else the first one it can use."""
    registry = backends()
    chosen = registry.get(st.session_state.get(BACKEND_CHOICE) or "")
    return chosen or registry.default(has_key=session_api_key() is not None)


def backend() -> str:
    """The name of the backend this session uses (``current_backend().name``)."""
    return current_backend().name


# What a send with no usable key says (client_for gave None): nothing left the studio.
NO_KEY_TO_SEND = "Add your API key in the sidebar, or switch to the offline demo. Nothing was sent."


def sending_client() -> tuple[str, VideoClient] | str:
    """This session's backend and its client for a submit, or what to tell the person when it has none (no key)."""
    name = backend()
    client = client_for(name)
    return NO_KEY_TO_SEND if client is None else (name, client)


def client_for(name: str) -> VideoClient | None:
    """This session's client for a backend (its submits), or None when it cannot be used (no key)."""
    return _held_client(name, VideoClient, "_clients")


def assist_client() -> tuple[str, AssistClient] | str:
    """This session's backend and its client for the helper endpoints (speech, chat, music, pictures), or what to
    tell the person when it has none (no key). Same key and address as its video submits."""
    name = backend()
    client = _held_client(name, AssistClient, "_assist_clients")
    return NO_KEY_TO_SEND if client is None else (name, client)


def assist_client_for(name: str) -> AssistClient | None:
    """This session's client for the helper endpoints on backend ``name`` (a film's speech and music; being a
    ``VideoClient`` too, its shots), or None when it cannot be used (no key)."""
    return _held_client(name, AssistClient, "_assist_clients")


def helper_pricing(model_ids: list[str]) -> dict[str, Any]:
    """The live prices of helper models on this session's backend (kept a few minutes by ``assist_pricing``, an
    unanswered ask too); {} when unknown."""
    try:
        base_url = current_backend().base_url()
    except Exception:  # the offline backend could not start: no price, never a made-up one
        log.warning("no backend address for helper prices", exc_info=True)
        return {}
    return assist_pricing(base_url, model_ids)


def _held_client(name: str, kind: type[_Client], slot: str) -> _Client | None:
    found = backends().get(name)
    key = (found.fixed_key or session_api_key()) if found else None
    if found is None or not key:
        return None
    share_key_with_follower()
    base_url = found.base_url()
    # One client per session and backend (requests.Session is not documented as thread-safe), made anew
    # when the key changes; the fingerprint keeps the key itself out of the session's bookkeeping.
    fingerprint = hashlib.sha256(f"{base_url}|{key}".encode()).hexdigest()
    clients: dict[str, tuple[str, _Client]] = st.session_state.setdefault(slot, {})
    held = clients.get(name)
    if held and held[0] == fingerprint:
        return held[1]
    if held:
        held[1].close()
    clients[name] = (fingerprint, kind(base_url, key))
    return clients[name][1]


def share_key_with_follower() -> None:
    """Let the follower use a key typed in this session for the jobs it follows (in memory, never on disk)."""
    key = typed_api_key()
    if key:
        running = follower()
        for found in backends():
            if found.needs_key:
                running.use_key(found.name, key)


def poll_policies() -> dict[str, PollPolicy]:
    return backends().policies()
