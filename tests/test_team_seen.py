"""Whose work each person sees: the history's reads filtered in the query (SQLite and PostgreSQL), agreeing with
``can_view`` job by job, and sharing a job (no Streamlit)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from tests.test_store import BACKENDS, T0, database
from videostudio.history.store import Job, JobStore
from videostudio.team.access import can_view, may_run_again, visible_where
from videostudio.team.people import LOCAL_PERSON, Person
from videostudio.team.roles import Role
from videostudio.team.seen import SeenJobs

ANA = Person("ana@example.com", Role.CREATOR)
BEN = Person("ben@example.com", Role.CREATOR)
VIC = Person("vic@example.com", Role.VIEWER)
ADA = Person("ada@example.com", Role.ADMIN)
PEOPLE = [ANA, BEN, VIC, ADA, LOCAL_PERSON]


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[JobStore]:
    with database(request.param, tmp_path) as url:
        store = JobStore(url)
        yield store
        store.close()


def _job(n: int, owner: str | None, *, shared: bool = False, status: str = "completed", **more: object) -> Job:
    return Job(
        "m/one" if n % 2 else "m/two",
        "offline",
        id=f"job{n:02d}",
        prompt=f"prompt of job {n}",
        status=status,
        owner=owner,
        shared=shared,
        created_at=T0 + timedelta(minutes=n),
        credits=2000.0,
        press_key="press",
        batch_id="batch",
        parent_id="job00" if n else None,
        **more,  # type: ignore[arg-type]
    )


@pytest.fixture
def jobs(store: JobStore) -> list[Job]:
    made = [
        _job(0, "ana@example.com"),
        _job(1, "ana@example.com", shared=True),
        _job(2, "ben@example.com"),
        _job(3, "ben@example.com", status="generating"),
        _job(4, None),  # made before the studio had sign-in
        _job(5, "ana@example.com", status="queued"),
    ]
    store.add_many(made)
    return made


def _ids(jobs: list[Job]) -> set[str]:
    return {job.id for job in jobs}


@pytest.mark.parametrize("person", PEOPLE, ids=lambda p: p.email or "local")
def test_every_read_holds_exactly_the_jobs_can_view_allows(store: JobStore, jobs: list[Job], person: Person) -> None:
    seen = SeenJobs(store, person)
    allowed = {job.id for job in jobs if can_view(person, job)}
    assert _ids(seen.search()) == allowed
    assert seen.count() == seen.count_matching() == len(allowed)
    assert _ids(seen.list(limit=50)) == allowed
    assert _ids(seen.active()) == {job.id for job in jobs if job.is_active and job.id in allowed}
    assert _ids(seen.batch_members({"batch"})["batch"]) == allowed
    assert _ids(seen.pressed("press")) == allowed
    assert _ids(seen.children_of("job00")) == allowed - {"job00"}
    assert {job.id for job in jobs if seen.get(job.id) is not None} == allowed
    spent = {j.id for j in jobs if j.id in allowed and (seen.everyones or j.owner == person.owner)}
    assert sum(n for _model, _credits, _usd, n in seen.cost_by_model()) == len(spent)
    assert sum(credits for _day, credits, _usd in seen.cost_by_day()) == 2000.0 * len(spent)


def test_a_creator_sees_their_own_and_the_shared_a_viewer_only_the_shared(store: JobStore, jobs: list[Job]) -> None:
    assert _ids(SeenJobs(store, ANA).search()) == {"job00", "job01", "job05"}
    assert _ids(SeenJobs(store, BEN).search()) == {"job01", "job02", "job03"}
    assert _ids(SeenJobs(store, VIC).search()) == {"job01"}
    assert _ids(SeenJobs(store, None).search()) == set()


def test_an_admin_and_a_studio_without_sign_in_see_everything_unfiltered(store: JobStore, jobs: list[Job]) -> None:
    assert visible_where(LOCAL_PERSON) is None and visible_where(ADA) is None
    assert SeenJobs(store, LOCAL_PERSON).everyones
    assert _ids(SeenJobs(store, LOCAL_PERSON).search(order_by="credits", limit=3, offset=1)) == _ids(
        store.search(order_by="credits", limit=3, offset=1)
    )


def test_spending_counts_only_a_persons_own_jobs_not_those_shared_with_them(store: JobStore, jobs: list[Job]) -> None:
    assert sum(n for *_, n in SeenJobs(store, BEN).cost_by_model()) == 2  # job02, job03; not Ana's shared job01
    assert SeenJobs(store, VIC).cost_by_model() == []
    assert sum(n for *_, n in SeenJobs(store, ADA).cost_by_model()) == 6


def test_filters_and_pages_apply_within_what_a_person_sees(store: JobStore, jobs: list[Job]) -> None:
    ana = SeenJobs(store, ANA)
    assert [j.id for j in ana.search(limit=2)] == ["job05", "job01"]
    assert [j.id for j in ana.search(limit=2, offset=2)] == ["job00"]
    assert ana.count_matching(text="job 2") == 0 and ana.count_matching(text="job 1") == 1
    assert ana.count_matching(model_ids=["m/two"]) == 1


def test_a_job_link_of_another_persons_job_reads_as_no_job(store: JobStore, jobs: list[Job]) -> None:
    ben = SeenJobs(store, BEN)
    assert ben.get("job00") is None and ben.get("no-such-job") is None
    assert ben.get("job01") is not None  # shared with the team


def test_sharing_is_the_owners_and_grants_viewing_only(store: JobStore, jobs: list[Job]) -> None:
    ana, ben = SeenJobs(store, ANA), SeenJobs(store, BEN)
    assert ben.share(jobs[0], True) is None and not store.get("job00").shared  # type: ignore[union-attr]
    shared = ana.share(jobs[0], True)
    assert shared is not None and shared.shared
    assert ben.get("job00") is not None and not ben.may_change(shared)
    assert not may_run_again(BEN, shared) and may_run_again(ANA, shared)
    ana.share(shared, False)
    assert ben.get("job00") is None


def test_a_viewer_may_not_run_again_even_their_own() -> None:
    job = Job("m", "offline", owner=VIC.email)
    assert not may_run_again(VIC, job)
    assert may_run_again(LOCAL_PERSON, Job("m", "offline"))
