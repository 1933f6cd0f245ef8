"""The studio's shared objects, made once per server process (or once per session where they hold a key)."""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Mapping
from typing import Any

import streamlit as st

from videostudio import library
from videostudio.catalogue import Catalogue, CatalogueError, Model, load_catalogue
from videostudio.client import VideoClient
from videostudio.config import Settings, api_key_from
from videostudio.jobs import JobService, PollPolicy
from videostudio.live_catalogue import LiveCatalogue, LiveCatalogueRefresher, find_model
from videostudio.store import Job, JobStore

log = logging.getLogger(__name__)

OFFLINE = "offline"
AIMLAPI = "aimlapi"
BACKEND_NAMES = {OFFLINE: "Offline demo", AIMLAPI: "AI/ML API"}
# The offline backend accepts any key; this stands in for one so the client's auth path is the same.
OFFLINE_KEY = "offline-demo"
# How often a page load may look for finished videos still without a local copy (per server process).
RETRY_MISSING_EVERY = 60.0


@st.cache_resource(show_spinner=False)
def settings() -> Settings:
    return Settings.from_env()


@st.cache_resource(show_spinner=False)
def bundled_catalogue() -> Catalogue:
    """The catalogue shipped with the studio (what the offline backend serves, and the fallback)."""
    return load_catalogue()


# How often a server process reads a backend's live model list again (the ETag makes a repeat cheap).
LIVE_CATALOGUE_EVERY = 6 * 3600.0


@st.cache_resource(show_spinner=False)
def _catalogue_refresher(backend_name: str, base_url: str) -> LiveCatalogueRefresher:
    # One per backend and address, for the whole process: it starts from the disk copy (or the bundle)
    # and swaps in the live list when its background read ends, so no page waits for the network.
    folder = settings().data_dir / "live-catalogue" / backend_name
    return LiveCatalogueRefresher(bundled_catalogue(), base_url, folder, every=LIVE_CATALOGUE_EVERY)


def live_catalogue() -> LiveCatalogue:
    """The catalogue of this session's backend as its live list sees it, and where that came from."""
    name = backend()
    base_url = offline_backend_url() if name == OFFLINE else settings().base_url
    refresher = _catalogue_refresher(name, base_url)
    refresher.maybe_start()
    return refresher.current


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
    """The process's job service; also, now and then, retries keeping videos whose download failed."""
    service = _job_service()
    _missing_video_retrier().maybe_start()
    return service


@st.cache_resource(show_spinner=False)
def _job_service() -> JobService:
    config = settings()
    store = JobStore(config.database_url)

    def keep_local_copy(job: Job) -> Job:
        # The API's video links expire within a day or two; a local copy keeps the history playable.
        if job.local_path:
            return job
        return library.keep_video(store, job, config.media_dir)

    def keep_uploads(job: Job, payload: Mapping[str, Any], upload_names: Mapping[str, str] | None) -> Job:
        return library.keep_job_inputs(store, job, payload, upload_names, config.media_dir)

    return JobService(store, on_complete=keep_local_copy, on_submit=keep_uploads)


@st.cache_resource(show_spinner=False)
def _missing_video_retrier() -> library.MissingVideoRetrier:
    return library.MissingVideoRetrier(_job_service().store, settings().media_dir, every=RETRY_MISSING_EVERY)


@st.cache_resource(show_spinner="Starting the offline demo backend…")
def offline_backend_url() -> str:
    """The offline backend's base URL: started in this process, once, unless one is configured."""
    config = settings()
    if config.offline_url:
        return config.offline_url
    from videostudio.offline.faults import FaultConfig
    from videostudio.offline.server import OfflineBackend

    backend = OfflineBackend(
        config.offline_dir,
        catalogue=bundled_catalogue(),
        speed=config.offline_speed,
        faults=FaultConfig.parse(config.offline_faults),
    )
    return backend.start()


def configured_api_key() -> str | None:
    """The key from the environment or secrets.toml (never from the sidebar)."""
    try:
        secrets = dict(st.secrets)
    except (FileNotFoundError, st.errors.StreamlitSecretNotFoundError):
        # No secrets.toml is the normal case; the environment is enough.
        secrets = {}
    return api_key_from(os.environ, secrets)


# Where a key typed in the sidebar is held: this session's memory, never a widget (see components/sidebar.py).
TYPED_KEY_STATE = "_typed_api_key"


def typed_api_key() -> str | None:
    return st.session_state.get(TYPED_KEY_STATE) or None


def session_api_key() -> str | None:
    """The key for this session: typed in the sidebar (this session only), else the configured one."""
    return typed_api_key() or configured_api_key()


def backend() -> str:
    """Which backend this session uses: the person's choice, else the API when a key is set."""
    chosen = st.session_state.get("backend_choice")
    if chosen in BACKEND_NAMES:
        return chosen
    return AIMLAPI if session_api_key() else OFFLINE


def client_for(name: str) -> VideoClient | None:
    """This session's client for a backend, or None when it cannot be used (the API without a key)."""
    if name == OFFLINE:
        base_url, key = offline_backend_url(), OFFLINE_KEY
    else:
        base_url, key = settings().base_url, session_api_key()
        if not key:
            return None
    # One client per session and backend (requests.Session is not documented as thread-safe), made anew
    # when the key changes; the fingerprint keeps the key itself out of the session's bookkeeping.
    fingerprint = hashlib.sha256(f"{base_url}|{key}".encode()).hexdigest()
    clients: dict[str, tuple[str, VideoClient]] = st.session_state.setdefault("_clients", {})
    held = clients.get(name)
    if held and held[0] == fingerprint:
        return held[1]
    if held:
        held[1].close()
    clients[name] = (fingerprint, VideoClient(base_url, key))
    return clients[name][1]


def poll_policies() -> dict[str, PollPolicy]:
    config = settings()
    deadline = config.job_deadline_seconds
    return {
        OFFLINE: PollPolicy(interval=config.offline_poll_seconds, deadline=deadline, overdue_interval=5.0),
        AIMLAPI: PollPolicy(interval=config.poll_seconds, deadline=deadline),
    }
