"""The backends a job can run on, as objects: the AI/ML API and the offline demo.

Each carries what the studio needs to know about it in one place: its name in the history, its label,
whether it bills, how to make a client for it, its polling schedule and how long a model typically
takes on it. The rest of the studio asks these objects instead of comparing backend names.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from videostudio.api.assist_client import AssistClient
from videostudio.catalogue import Catalogue, CatalogueError
from videostudio.config import Settings
from videostudio.history.store import Job
from videostudio.jobs.schedule import PollPolicy

AIMLAPI = "aimlapi"
OFFLINE = "offline"
# The offline backend accepts any key; this stands in for one so the client's auth path is the same.
OFFLINE_KEY = "offline-demo"
# The name the offline backend started in the studio's own process goes by (its address changes at every start).
IN_PROCESS_OFFLINE = "offline backend in the studio's process"


@dataclass(frozen=True)
class Backend:
    """One place jobs are sent to and asked about."""

    name: str  # as the history records it (Job.backend)
    label: str
    bills: bool  # real generations, charged per submit
    badge: str  # what the sidebar says while it is in use
    icon: str
    color: str
    policy: PollPolicy
    base_url: Callable[[], str]  # called when a client is made: the offline backend starts on first use
    fixed_key: str | None = None  # a backend that needs no key of the person's
    # The name its kept answers (the live model list) go by when its address changes at every start; None: the address.
    lasting_name: str | None = None
    # Served by a studio's own process (the offline demo): a follower on its own reaches it only at a given URL.
    served_by_the_studio: bool = False
    # Seconds a model typically takes here (by model id), None when unknown.
    typical: Callable[[str], float | None] = lambda model_id: None

    @property
    def needs_key(self) -> bool:
        return self.fixed_key is None

    def client(self, key: str | None = None) -> AssistClient | None:
        """A new client, or None when this backend needs a key and none is given."""
        key = self.fixed_key or key
        # The helper endpoints (speech, music: a film's sounds) share the key and address: one client speaks both.
        return AssistClient(self.base_url(), key) if key else None

    def source_name(self) -> str:
        """What names this backend's answers from one start to the next (asking it starts no backend)."""
        return self.lasting_name or self.base_url()

    def typical_seconds(self, job: Job) -> float | None:
        return self.typical(job.model_id)


class Backends:
    """The registry: every backend by name, the API first."""

    def __init__(self, backends: list[Backend]) -> None:
        self._by_name = {b.name: b for b in backends}

    def __iter__(self) -> Iterator[Backend]:
        return iter(self._by_name.values())

    def __contains__(self, name: object) -> bool:
        return name in self._by_name

    def get(self, name: str) -> Backend | None:
        return self._by_name.get(name)

    def names(self) -> list[str]:
        return list(self._by_name)

    def labels(self) -> dict[str, str]:
        return {b.name: b.label for b in self}

    def policies(self) -> dict[str, PollPolicy]:
        return {b.name: b.policy for b in self}

    def default(self, has_key: bool) -> Backend:
        """The backend a session starts on: the first one it can use (the API needs a key)."""
        return next(b for b in self if has_key or not b.needs_key)

    def typical_seconds(self, job: Job) -> float | None:
        backend = self.get(job.backend)
        return backend.typical_seconds(job) if backend else None


def studio_backends(settings: Settings, catalogue: Catalogue, offline_url: Callable[[], str]) -> Backends:
    """The AI/ML API and the offline demo as ``settings`` configure them."""
    return Backends([_aimlapi(settings, catalogue), _offline_demo(settings, catalogue, offline_url)])


def _aimlapi(settings: Settings, catalogue: Catalogue) -> Backend:
    """The AI/ML API: billed, polled on its documented schedule, a model's typical time from the catalogue."""

    def catalogue_seconds(model_id: str) -> float | None:
        try:
            return float(catalogue.get(model_id).typical_seconds)
        except CatalogueError:
            return None

    return Backend(
        name=AIMLAPI,
        label="AI/ML API",
        bills=True,
        badge="AI/ML API: real generations, billed",
        icon=":material/cloud:",
        color="green",
        policy=PollPolicy(
            interval=settings.poll_seconds,
            deadline=settings.job_deadline_seconds,
            sparse_interval=settings.poll_max_seconds,
            max_interval=settings.poll_max_seconds,
            overdue_interval=settings.poll_max_seconds,
        ),
        base_url=lambda: settings.base_url,
        typical=catalogue_seconds,
    )


def _offline_demo(settings: Settings, catalogue: Catalogue, offline_url: Callable[[], str]) -> Backend:
    """The offline demo the studio serves itself: free, any key, a model's typical time its demo plan's."""

    def demo_seconds(model_id: str) -> float | None:
        # The offline demo runs a model for a few seconds, scaled by its speed (offline.plan.demo_seconds).
        from videostudio.offline.plan import demo_seconds as seconds_at_speed_one

        try:
            model = catalogue.get(model_id)
        except CatalogueError:
            return None
        return seconds_at_speed_one(model) * settings.offline_speed

    return Backend(
        name=OFFLINE,
        label="Offline demo",
        bills=False,
        badge="Offline demo: videos are simulated",
        icon=":material/science:",
        color="orange",
        # The API's schedule, denser: demo jobs take seconds, so a late one is not waited for long. Its
        # typical time is the demo's own plan, and a demo job never ends before it (guess_share 1).
        policy=PollPolicy(
            interval=settings.offline_poll_seconds,
            deadline=settings.job_deadline_seconds,
            guess_share=1.0,
            max_interval=10.0,
            overdue_interval=5.0,
        ),
        base_url=offline_url,
        fixed_key=OFFLINE_KEY,
        # Started in the studio's process, it gets a new port each time: its list is still the same one.
        lasting_name=None if settings.offline_url else IN_PROCESS_OFFLINE,
        served_by_the_studio=True,
        typical=demo_seconds,
    )
