"""The studio's job service, wired once: what every process of a studio (a web server, a follower on its own)
does when a job is accepted and when it completes.

The composition root of the core: it ties the jobs (videostudio/jobs/service.py) to the library that keeps what they
make (videostudio/library/videos.py, kept_inputs.py), so neither imports the other. ``components/shell/services.py`` and
``python -m videostudio.follow`` both build their service here; the drafts and presets stores are built here too, with
the media storage their uploads go to.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any

from videostudio.api.assist_client import AssistClient
from videostudio.catalogue import Catalogue
from videostudio.config import Settings
from videostudio.films.making import FilmWorks, advance
from videostudio.films.seams import film_assembler, film_sounds
from videostudio.films.shots import model_finder
from videostudio.films.sounds import Sounds
from videostudio.films.store import FilmStore
from videostudio.history.store import Job, JobStore
from videostudio.jobs.backends import Backends
from videostudio.jobs.follower import Follower
from videostudio.jobs.outcomes import KeepOutcome
from videostudio.jobs.schedule import RunTimes
from videostudio.jobs.service import JobService
from videostudio.library import kept_inputs
from videostudio.library import videos as library
from videostudio.storage import MediaStorage, StorageError, storage_from
from videostudio.team.members import MemberStore, admins_from
from videostudio.team.people import LOCAL_PERSON, Person
from videostudio.workflows.drafts import DraftStore
from videostudio.workflows.old_forms import import_old_drafts, import_old_presets
from videostudio.workflows.presets import PresetStore

log = logging.getLogger(__name__)


def studio_job_service(
    settings: Settings, store: JobStore, backends: Backends, *, owner: str, storage: MediaStorage | None = None
) -> JobService:
    """The job service of one studio process: keeps each accepted job's uploads and each finished video in the media
    storage (``storage``, by default the one ``settings`` name)."""
    media = storage if storage is not None else storage_from(settings)

    def keep_video(job: Job) -> KeepOutcome:
        # The API's video links expire within a day or two; a local copy keeps the history playable. The service
        # records what the library hands back (JobService.record_kept).
        return None if job.local_path else library.keep_video(job, media)

    def keep_uploads(job: Job, payload: Mapping[str, Any], upload_names: Mapping[str, str] | None) -> Job:
        return kept_inputs.keep_job_inputs(store, job, payload, upload_names, media)

    return JobService(
        store,
        on_complete=keep_video,
        on_submit=keep_uploads,
        policies=backends.policies(),
        run_time=RunTimes(store, backends.typical_seconds).expected,
        owner=owner,
    )


def media_storage(settings: Settings) -> MediaStorage:
    """The studio's media storage (a local folder, or S3 with ``VIDEO_STUDIO_MEDIA_URL``): drafts' and presets'
    uploads go there, as the jobs' media do."""
    return storage_from(settings)


def studio_drafts(settings: Settings, store: JobStore) -> DraftStore:
    """The drafts, in the history's database; an older studio's draft files are imported the first time."""
    drafts = DraftStore(store, media_storage(settings))
    try:
        import_old_drafts(settings.data_dir / "drafts", drafts)
        drafts.clean()  # drafts untouched for 30 days, and the uploads only they used
    except (OSError, StorageError) as exc:  # the drafts work on; the old files or a stray upload wait for a restart
        log.warning("old drafts not imported or cleaned: %s", exc)
    return drafts


def studio_presets(settings: Settings, store: JobStore) -> PresetStore:
    """The presets, in the history's database; an older studio's presets file is imported the first time."""
    presets = PresetStore(store, media_storage(settings))
    try:
        import_old_presets(settings.data_dir / "presets", presets)
    except (OSError, StorageError) as exc:
        log.warning("old presets not imported: %s", exc)
    return presets


def studio_film_works(
    settings: Settings,
    service: JobService,
    catalogue: Catalogue,
    client: Callable[[str], AssistClient | None],
    *,
    storage: MediaStorage | None = None,
) -> FilmWorks:
    """What making a film needs in this process: its store, the job service, the media storage, the catalogue, a client
    per backend (``client``: the session's, or the follower's), the speech, music and assembly, and the team."""
    store = service.store
    members = MemberStore(store, admins_from())
    media = storage if storage is not None else storage_from(settings)

    def person_of(owner: str | None) -> Person | None:
        if owner is None:
            return LOCAL_PERSON  # a film made before sign-in, or in a studio without it
        member = members.get(owner)
        return member.as_person() if member is not None else None

    def sounds(name: str) -> Sounds | None:
        found = client(name)
        return film_sounds(found, media) if found is not None else None

    return FilmWorks(
        films=FilmStore(store),
        service=service,
        storage=media,
        find_model=model_finder(catalogue),
        video_client=client,
        sounds=sounds,
        assemble=film_assembler(),
        person_of=person_of,
    )


def follow_films(follower: Follower, works: FilmWorks) -> Follower:
    """Let ``follower`` move each film being made on after each round of polls: it finishes with no browser open."""

    def chore(_running: Follower) -> None:
        for film_id in works.films.being_made():
            advance(works, film_id)

    follower.chores.append(chore)
    return follower
