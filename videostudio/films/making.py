"""Make the film: one press makes every part not made yet, and one step function moves a film on until it is done.

Pure module (no Streamlit). ``make_film`` is the press: it checks the film, the person's spending limits for the whole
price, and records what the press confirmed (the parts it priced), then takes the first step. ``advance`` is a step:
it sends the shots that are ready (as one batch, ``sending.py``), makes the narrations, starts or follows the music
(``sounds.py``), and once every part is made assembles the film and keeps it as a History item (``keeping.py``).
The page's tick and the follower (``videostudio/studio.py`` wires it) both call ``advance``, so a film finishes with
the browser closed, and every part is claimed in the store before it is made, so nothing is made twice.

A step makes only what the press confirmed: a shot edited while the film is being made waits for the next press.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from videostudio.films.film import Film, film_problems
from videostudio.films.keeping import assemble_and_keep
from videostudio.films.plan import FilmPlan, Stage, confirmation, is_confirmed, plan_film, to_press
from videostudio.films.sending import ready_shots, send_shots
from videostudio.films.shots import FindModel, shot_problems
from videostudio.films.sounds import Assembler, SoundError, Sounds, follow_music, make_narrations
from videostudio.films.store import FILM_PART, FilmStore, Making, PartStatus
from videostudio.history.record import Job, utcnow
from videostudio.jobs.service import Client, JobService
from videostudio.storage.base import MediaStorage
from videostudio.team.helper_calls import HelperSpending
from videostudio.team.limits import PressCost
from videostudio.team.people import Person
from videostudio.team.spending import press_refusal

log = logging.getLogger(__name__)

# An assembly claimed this long ago and not finished was cut off (a restart): another step may take it over.
ASSEMBLY_LEASE = timedelta(minutes=10)
NO_BACKEND = "The backend this film is made on can't be reached now; the studio goes on when it can."
NO_SOUNDS = "Speech and music can't be made on this backend now; the studio goes on when they can."
NOT_A_MEMBER = "The film's owner is no longer a member of the team, so the rest of it was not made."
NOTHING_TO_MAKE = "Every part is made already, and so is the film."


@dataclass
class FilmWorks:
    """What making a film needs, wired by the page (components/films) or the follower (videostudio/studio.py)."""

    films: FilmStore
    service: JobService
    storage: MediaStorage
    find_model: FindModel
    video_client: Callable[[str], Client | None]  # by backend name; None: not reachable now
    sounds: Callable[[str], Sounds | None]  # by backend name
    assemble: Assembler
    person_of: Callable[[str | None], Person | None]  # a film's owner as a person (limits, role); None: not a member


@dataclass(frozen=True)
class FilmProgress:
    """Where a film stands after a step: its plan, whether it is being made, what went wrong, and the finished film."""

    plan: FilmPlan
    making: Making | None
    messages: tuple[str, ...] = ()
    film_job: Job | None = None  # the assembled film's History item, once made for these settings

    @property
    def finished(self) -> bool:
        return self.plan.film_made


@dataclass(frozen=True)
class PressOutcome:
    """What a press of Make the film did: refused (why, in words; nothing sent), or started (its first step)."""

    refused: str | None = None
    progress: FilmProgress | None = None
    problems: tuple[str, ...] = field(default=())


def current_plan(works: FilmWorks, film: Film) -> FilmPlan:
    """Where every part of ``film`` stands now."""
    records = works.films.parts(film.id)
    jobs: dict[str, Job] = {}
    for record in records.values():
        if record.job_id:
            job = works.service.store.get(record.job_id)
            if job is not None:
                jobs[job.id] = job
    return plan_film(film, records, jobs)


def film_job(plan: FilmPlan) -> Job | None:
    """The film's History item, once assembled for these settings."""
    return plan.assembled.job if plan.film_made and plan.assembled is not None else None


def problems_of(works: FilmWorks, film: Film) -> list[str]:
    """What keeps ``film`` from being made, in words: the film's own, then each shot's."""
    problems = film_problems(film)
    for number, shot in enumerate(film.shots, 1):
        if shot.model_id:
            model = works.find_model(shot.model_id)
            problems += [f"Shot {number}: {p}" for p in shot_problems(shot, model, works.storage)]
    return problems


def make_film(works: FilmWorks, film: Film, person: Person, backend: str, cost: PressCost) -> PressOutcome:
    """The press of Make the film for ``person`` on ``backend``, at the price shown (``pricing.quote_film``).

    Parts that failed are made again (a press is a new intention); every part it makes was priced by that quote.
    """
    film = works.films.get(film.id) or film  # as kept: what the follower will read too
    problems = problems_of(works, film)
    if problems:
        return PressOutcome(refused="The film can't be made yet:", problems=tuple(problems))
    plan = current_plan(works, film)
    if not to_press(plan) and plan.film_made:
        return PressOutcome(refused=NOTHING_TO_MAKE)
    refused = works.service.store.write(lambda conn: press_refusal(conn, person, cost, backend=backend))
    if refused is not None:
        return PressOutcome(refused=refused)
    for part in plan.parts():
        if part.stage == Stage.FAILED and part.fingerprint is not None:
            works.films.forget_part(film.id, part.part, part.fingerprint)
    plan = current_plan(works, film)
    works.films.start_making(film.id, backend, confirmation(plan))
    return PressOutcome(progress=advance(works, film.id, person=person))


def advance(works: FilmWorks, film_id: str, *, person: Person | None = None) -> FilmProgress | None:
    """One step of making ``film_id`` (None: it was deleted). Safe to call from several places at once."""
    film = works.films.get(film_id)
    if film is None:
        return None
    making = works.films.making(film_id)
    plan = current_plan(works, film)
    if making is None:
        return FilmProgress(plan, None, film_job=film_job(plan))
    messages: list[str] = []
    person = person or works.person_of(film.owner)
    if person is None:
        works.films.stop_making(film_id)
        return FilmProgress(plan, None, (NOT_A_MEMBER,))
    ready = ready_shots(plan, making.confirmed)
    if ready:
        client = works.video_client(making.backend)
        if client is None:
            messages.append(NO_BACKEND)
        else:
            sent = send_shots(
                films=works.films,
                service=works.service,
                client=client,
                storage=works.storage,
                find_model=works.find_model,
                film=film,
                plan=plan,
                shots=ready,
                backend=making.backend,
                person=person,
            )
            if sent.refused is not None:
                works.films.stop_making(film_id)
                return FilmProgress(current_plan(works, film), None, (sent.refused,))
    if _has_sounds(plan):
        sounds = works.sounds(making.backend)
        if sounds is None:
            messages.append(NO_SOUNDS)
        else:
            spending = HelperSpending(works.service.store, person, making.backend)
            make_narrations(works.films, film, plan, making.confirmed, sounds, spending)
            follow_music(works.films, film, plan, making.confirmed, sounds, spending)
    plan = current_plan(works, film)
    if plan.everything_made:
        plan = _assemble(works, film, plan)
    if plan.film_made or not _can_go_on(plan, making):
        works.films.stop_making(film_id)
        making = None
    return FilmProgress(plan, making, tuple(messages), film_job=film_job(plan))


def _has_sounds(plan: FilmPlan) -> bool:
    return plan.music is not None or any(s.narration is not None for s in plan.shots)


def _assemble(works: FilmWorks, film: Film, plan: FilmPlan) -> FilmPlan:
    """Assemble the film once for these parts (claimed first; a claim cut off long ago is taken over)."""
    part = plan.assembled
    if part is None or part.fingerprint is None or part.stage in (Stage.MADE, Stage.FAILED):
        return plan
    record = part.record
    if record is not None:
        if record.updated_at is None or utcnow() - record.updated_at < ASSEMBLY_LEASE:
            return plan  # another step is assembling it
        works.films.forget_part(film.id, FILM_PART, part.fingerprint)
    if not works.films.claim(film.id, FILM_PART, part.fingerprint):
        return plan
    try:
        item = assemble_and_keep(works.service.store, works.storage, plan, works.assemble, owner=film.owner)
    except SoundError as exc:
        works.films.update_part(film.id, FILM_PART, part.fingerprint, status=PartStatus.FAILED, error=str(exc))
    except Exception:  # the assembly's own errors: logged, told in words
        log.exception("film %s could not be assembled", film.id)
        error = "The film could not be assembled. Check that each shot plays in History, then press Make the film."
        works.films.update_part(film.id, FILM_PART, part.fingerprint, status=PartStatus.FAILED, error=error)
    else:
        works.films.update_part(
            film.id, FILM_PART, part.fingerprint, status=PartStatus.DONE, job_id=item.id, seconds=item.video_seconds
        )
    return current_plan(works, film)


def _can_go_on(plan: FilmPlan, making: Making) -> bool:
    """Whether a later step can still move the film on without another press: a part is being made, or a confirmed
    one is still to make (a shot waiting for the previous one goes on with it)."""
    if any(part.stage == Stage.MAKING for part in plan.parts()):
        return True
    for part, shot in to_press(plan):
        if part.stage == Stage.TO_MAKE and is_confirmed(part, making.confirmed, shot):
            return True
    return plan.everything_made and plan.assembled is not None and plan.assembled.stage == Stage.TO_MAKE
