"""A helper call's spending check on the page: before a billed call of a helper model (typed speech, Improve this
prompt, Describe my picture, Make a picture), the person's limits are checked and the call recorded
(``videostudio.team.helper_calls``); after its answer, it is settled at what it cost.

A refusal is in the words of a press ("... Nothing was sent. Ask your admin to raise your limit."): the caller shows
it where the person looks, and sends nothing.
"""

from __future__ import annotations

import logging

from components.shell import services
from components.shell.whose import NOT_A_MEMBER, current_person
from videostudio.team.helper_calls import HelperCallStart, record_helper_call, settle_helper_call

log = logging.getLogger(__name__)


def start_helper_call(
    *, backend: str, kind: str, model: str, client_request_id: str, estimate_usd: float | None
) -> HelperCallStart:
    """Check this session's person's limits for one helper call on ``backend`` and record it (or why not)."""
    person = current_person()
    if person is None:
        return HelperCallStart(refused=NOT_A_MEMBER)
    return record_helper_call(
        services.job_service().store,
        person,
        kind=kind,
        model=model,
        client_request_id=client_request_id,
        estimate_usd=estimate_usd,
        backend=backend,
    )


def settle(started: HelperCallStart, cost_usd: float | None) -> None:
    """After the answer: the call counts for ``cost_usd`` (None: its estimate). Never stops the page: a call not
    settled still counts, at its estimate."""
    if started.call_id is None:
        return
    try:
        settle_helper_call(services.job_service().store, started.call_id, cost_usd)
    except Exception:
        log.exception("helper call %s not settled; it counts at its estimate", started.call_id)
