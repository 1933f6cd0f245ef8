"""The model picker, and the Generate button: one intention, one job.

A press on a form whose settings equal those of a job this browser sent, still running or ended a few minutes
ago, is the same intention as that submit: the button then shows that job, and sending the settings again takes
a deliberate, labelled press of "Generate another". Changing any setting makes Generate a plain Generate again.
The decision is made from the history (``videostudio.jobs.intent.sent_press``), so it holds after a reload, in a
second tab and after a restart; the browser is the one of the drafts cookie (``components.generate.drafts.draft_id``).

A press above the team's amount (``MemberStore.confirm_above_usd``, $5 unless the Team page set another) asks once,
"Send 24 runs for $48.96?", and only **Send** sends it, as long as the form is still what was asked about. The core
then checks the person's spending limits as it records the jobs (``videostudio.team.spending.record_press``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import streamlit as st

from components.form import api_refusal
from components.form.schema_form import FormState, model_key
from components.generate.batch_controls import batch_look, batch_notes, how_many, press_message
from components.generate.drafts import draft_id
from components.generate.price_tag import price_tag
from components.jobs.continue_from import continuation, continued_from
from components.jobs.copy_as_code import form_code
from components.jobs.poller import watch_started
from components.models.model_browser import NOT_OFFERED, model_browser
from components.shell import services
from components.shell.identity import current_person, member_store
from components.shell.markdown_text import markdown_safe
from components.shell.sidebar import endpoint_choice_on
from components.shell.started import remember_started, started_job_id
from components.shell.whose import NOT_A_MEMBER, seen_jobs
from videostudio.catalogue import Model
from videostudio.catalogue.pricing import money
from videostudio.form.payload import Problem, validate_payload
from videostudio.form.run_price import RunPrice
from videostudio.history.store import Job, JobStatus, utcnow
from videostudio.jobs import press as press_core
from videostudio.jobs.batches import intent_payload
from videostudio.jobs.intent import fingerprint, press_id, press_key, sent_press
from videostudio.jobs.press import Images, Press, jobs_in_press
from videostudio.team.limits import PressCost, confirmation_question, needs_confirmation

# When this session chose a fresh start ("Use these settings", a preset): presses sent before it are not repeated.
FRESH_START_KEY = "generate_fresh_start"
# What the callback of a press asks the script body to do: (model key, None) for Generate, or
# (model key, press id) for "Generate another" drawn under that press (intent.press_id).
REQUEST_KEY = "generate_requested"
# A costly press waiting for Send or Cancel (a PendingPress), and the press key Send confirmed (read with REQUEST_KEY).
QUESTION_KEY = "generate_question"
CONFIRMED_KEY = "generate_confirmed"
# A person who is not (or no longer) a member of the team: their press sends nothing.
CHANGED_SINCE_ASKED = (
    "The settings changed after you were asked, so nothing was sent. Press Generate again to send them as they are now."
)


@dataclass(frozen=True)
class PendingPress:
    """A press above the team's amount, asked about once: Send sends exactly these settings, or nothing."""

    form_key: str
    another_of: str | None  # as REQUEST_KEY's: the press "Generate another" was drawn under, if it was that button
    pressed_as: str  # the press key of the form when asked (settings, count and images, this browser)
    question: str


def pick_model() -> Model:
    """The model browser (components/models/model_browser.py): the chosen model, also in ``?model=``."""
    return model_browser()


def claim_send() -> bool:
    """Call first in a send button's callback (which runs once per press): False means drop this press.

    A press that arrives while another is being sent is the rest of a double click: the API charges per
    submit, so one press is one job. The claimer sets ``submitting`` back to False when done. Presses that
    come after the send are told apart by what they would send (see ``generate_controls``), not by time.
    """
    state = st.session_state
    if state.get("submitting"):
        return False
    state["submitting"] = True
    return True


def _release_stale_claim() -> None:
    """Give back a claim that no send holds any more, so the button is never left greyed out for good.

    A send happens inside one script run (the run a button's press asked for) or one callback, and a session's run
    starts only when the one before it has ended (``runner.fastReruns = false``, .streamlit/config.toml). So a run
    that begins holding the claim with no request waiting for it follows a run stopped before its ``finally`` gave
    the claim back: a rerun asked for mid-run can stop a run at its next call into Streamlit, the ``finally`` included.
    The press that run carried was already taken (REQUEST_KEY is popped before anything is sent), so nothing is sent
    twice.
    """
    state = st.session_state
    if state.get("submitting") and REQUEST_KEY not in state:
        state["submitting"] = False


def send_press(press: Press) -> tuple[tuple[str, str] | None, Job | None]:
    """Send one press on this session's backend (the core decides: one job or a batch), once.

    Returns what to tell the person (None when every job went) and the job to show under the button: a batch's
    first, a single job only when it was sent.
    """
    person = current_person()
    if person is None:
        return ("error", NOT_A_MEMBER), None
    sending = services.sending_client()
    if isinstance(sending, str):
        return ("error", sending), None  # nothing was sent or paid
    backend, client = sending
    result = press_core.send_press(services.job_service(), client, press, backend=backend, person=person)
    if result.refused is not None:
        return ("error", result.refused), None  # over a spending limit: nothing was sent or recorded
    message = press_message(press.model, result)
    if message is not None and not result.is_batch:
        return message, None  # a single job the API refused, or whose answer was lost: told, not shown running
    watch_started(result.sent.jobs)
    return message, result.first


def send(
    model: Model,
    payload: dict[str, Any],
    *,
    legacy: bool = False,
    upload_names: Mapping[str, str] | None = None,
    parent_id: str | None = None,
    price: RunPrice | None = None,
    press_key: str | None = None,
) -> Job | str:
    """Submit one job once on this session's backend: the new job, or what to tell the person.

    ``price``: what it will cost, as the studio would show it (``price_tag.run_price``), checked against the limits.
    ``press_key``: what the history records of the press (``videostudio.jobs.intent``), if anything.
    """
    press = Press(
        model, payload, legacy=legacy, upload_names=upload_names, parent_id=parent_id, price=price, press_key=press_key
    )
    message, job = send_press(press)
    if message is not None:
        return message[1]
    assert job is not None  # a single job that went is the one shown
    return job


def forget_sent_settings() -> None:
    """Let Generate send the form as it is, even if it equals settings just sent (e.g. "Use these settings")."""
    st.session_state[FRESH_START_KEY] = utcnow()


def _request_generate(key: str, another_of: str | None = None) -> None:
    # Runs before the script; the form is read and sent in the script body, with this run's values.
    if claim_send():
        st.session_state[REQUEST_KEY] = (key, another_of)
        st.session_state[f"{key}__attempted"] = True


def _sent_job(pressed_as: str) -> Job | None:
    """The first job of the press a press of ``pressed_as`` would repeat (this browser, these settings), if any."""
    jobs = seen_jobs().pressed(pressed_as)
    return sent_press(jobs, now=utcnow(), since=st.session_state.get(FRESH_START_KEY))


def _press_of(
    model: Model, payload: dict[str, Any], legacy: bool, count: int, images: Images
) -> tuple[str, Job | None]:
    """This browser's press key for the form as it is, and the first job of the earlier press a press would repeat.

    One press, one batch: the count and the images are part of what is identified.
    """
    settings = fingerprint(services.backend(), model.id, intent_payload(payload, count, images), legacy=legacy)
    pressed_as = press_key(draft_id(), settings)
    sent = _sent_job(pressed_as)
    if sent is not None and started_job_id() is None and batch_look(sent).is_active:
        remember_started(sent.id)  # after a reload, or in a second tab: the running job under the button again
    return pressed_as, sent


def _sent_label(job: Job) -> str:
    started = job.created_at.astimezone().strftime("%H:%M")
    if job.is_active:
        return f"Generating… (started {started})"
    if job.status == JobStatus.COMPLETED:
        return f"Done (sent at {started})"
    return f"Failed (sent at {started})"


def generate_controls(model: Model, form: FormState, payload: dict[str, Any]) -> None:
    """Validate the form, show its problems, and send it once when Generate is pressed and it is valid.

    ``payload``: the request the form makes this run (``build_payload``, built once per run by the page).
    """
    _release_stale_claim()
    key = model_key(model)
    problems = validate_payload(model, payload)
    refused = api_refusal.refused_field(model, payload)  # shown under its field; it does not block a new try
    form.show(
        problems + ([refused] if refused else []), include_missing=st.session_state.get(f"{key}__attempted", False)
    )
    legacy = _legacy_endpoint_chosen(model, key)

    price_slot = st.container()
    # Generate, then How many beside it; the count is read first.
    with st.container(horizontal=True, vertical_alignment="bottom"):
        button_slot = st.container(width="content")  # the button alone: the row stays one line
        going_on = continuation()
        # A count is the form's: another model, or a job continued, starts again at 1.
        count = how_many(f"{key}|{going_on.job_id}" if going_on else key)
    images = form.batch_images
    pressed_as, sent = _press_of(model, payload, legacy, count, images)
    submitting = st.session_state.get("submitting", False)
    with price_slot:
        each = price_tag(model, payload, count=jobs_in_press(count, images), spent=form.spent)
    shown = batch_look(sent) if sent is not None else None  # a batch's button tells of the whole batch
    with button_slot:
        _generate_button(key, shown, disabled=submitting or not model.offered)
    if sent is not None and shown is not None:
        _sent_note(key, sent, running=shown.is_active, disabled=submitting or not model.offered)
    _question(key, pressed_as, disabled=submitting)
    batch_notes(model, count, images)
    form_code(model, payload, form, problems, legacy)
    if not model.offered:
        st.caption(f"This model is {NOT_OFFERED}, so it cannot be sent. Choose another model above.")
    st.caption(f"Runs on: {services.current_backend().label}")

    request = st.session_state.pop(REQUEST_KEY, None)
    confirmed = st.session_state.pop(CONFIRMED_KEY, None)
    if request is not None:
        # The request is gone before anything is sent, so a rerun can never send it again.
        try:
            requested_key, another_of = request
            cost = PressCost.of(each, jobs_in_press(count, images))
            if requested_key == key and _is_new_intention(sent, another_of):
                if confirmed is None and not (problems or form.input_errors) and _asks_first(cost):
                    st.session_state[QUESTION_KEY] = PendingPress(
                        key, another_of, pressed_as, confirmation_question(cost)
                    )
                elif confirmed is not None and confirmed != pressed_as:
                    st.session_state["submit_message"] = ("error", CHANGED_SINCE_ASKED)
                else:
                    # The jobs are in the history, with this press key, before a request leaves: from then on
                    # a press on these settings in any tab of this browser shows them instead of sending.
                    message = _submit(
                        model, payload, problems, form, legacy, count, images, pressed_as=pressed_as, price=each
                    )
                    if message is not None:
                        st.session_state["submit_message"] = message
        finally:
            st.session_state["submitting"] = False
        st.rerun()
    _show_submit_message()


def _legacy_endpoint_chosen(model: Model, key: str) -> bool:
    """Under Developer options' endpoint choice: whether this model's request goes to its legacy vendor path."""
    if not (model.legacy_endpoint and endpoint_choice_on()):
        return False
    with st.expander("Endpoint", icon=":material/lan:"):
        return st.toggle(
            f"Send to the legacy vendor endpoint ({model.legacy_endpoint})",
            key=f"{key}__legacy",
            persist_state="session",
            help="Older integrations used per-vendor URLs. The universal endpoint is recommended.",
        )


def _generate_button(key: str, shown: Job | None, *, disabled: bool) -> None:
    """Generate, or, for settings this browser already sent (``shown``: that job, as ``batch_look`` gives it), a
    button that tells what became of them."""
    if shown is None:
        st.button(
            "Generate",
            type="primary",
            icon=":material/movie:",
            key="generate",
            on_click=_request_generate,
            args=(key,),
            disabled=disabled,
        )
    else:
        _sent_button(shown)


def _show_submit_message() -> None:
    message = st.session_state.pop("submit_message", None)
    if message:
        kind, text = message
        (st.success if kind == "ok" else st.error)(text)


def _asks_first(cost: PressCost) -> bool:
    return needs_confirmation(cost, member_store().confirm_above_usd())


def _question(key: str, pressed_as: str, *, disabled: bool) -> None:
    """Under the button, a costly press asked about: "Send 24 runs for $48.96?", with Send and Cancel.

    A question about other settings than the form's now (changed since) is dropped: it would send something else.
    """
    pending: PendingPress | None = st.session_state.get(QUESTION_KEY)
    if pending is None:
        return
    if pending.form_key != key or pending.pressed_as != pressed_as:
        st.session_state.pop(QUESTION_KEY, None)
        return
    with st.container(border=True, key="press_question"):
        st.markdown(f":material/payments: **{markdown_safe(pending.question)}**")
        amount = money(member_store().confirm_above_usd())
        st.caption(markdown_safe(f"A press above {amount} asks first. Each job is billed."))
        with st.container(horizontal=True):
            st.button("Send", type="primary", key="press_question_send", on_click=_send_asked, disabled=disabled)
            st.button("Cancel", key="press_question_cancel", on_click=_cancel_asked)


def _send_asked() -> None:
    # The question is taken before the request is made: a second press on Send finds nothing to send.
    state = st.session_state
    if state.get(QUESTION_KEY) is None or not claim_send():
        return
    pending: PendingPress = state.pop(QUESTION_KEY)
    state[REQUEST_KEY] = (pending.form_key, pending.another_of)
    state[CONFIRMED_KEY] = pending.pressed_as


def _cancel_asked() -> None:
    if st.session_state.pop(QUESTION_KEY, None) is not None:
        st.session_state["submit_message"] = ("ok", "Cancelled: nothing was sent.")


def _sent_button(shown: Job) -> None:
    """The Generate button of a form already sent as it is: it points at that job (``_sent_note`` goes under it).

    ``shown``: the job as ``batch_look`` gives it (a batch's, running while any job of it runs).
    """
    st.button(
        _sent_label(shown),
        type="primary",
        icon=":material/hourglass_top:" if shown.is_active else ":material/check:",
        key="generate",
        disabled=True,
        help="These settings were just sent. Change any setting to generate something new.",
    )


def _sent_note(key: str, job: Job, *, running: bool, disabled: bool) -> None:
    """Under the row of a sent form's button: what became of it, and Generate another (a second, billed job)."""
    st.caption(
        (
            "These settings are being generated: see the job just below. "
            if running
            else "These settings were just sent: the result is in Latest jobs. "
        )
        + "Change any setting to generate something new, or send the same settings again as a new job."
    )
    st.button(
        "Generate another",
        icon=":material/add:",
        key="generate_another",
        on_click=_request_generate,
        args=(key, press_id(job)),
        disabled=disabled,
        help="Send these same settings again: a second job, billed again",
    )


def _is_new_intention(sent: Job | None, another_of: str | None) -> bool:
    """Whether a press asks for a job not sent yet (False: it is the rest of a press already acted on)."""
    if another_of is None:
        return sent is None  # Generate on a form already sent as it is: the job is running, shown on the button
    # "Generate another" counts once: a second press was drawn under the press the first one replaced.
    return sent is not None and press_id(sent) == another_of


def _submit(
    model: Model,
    payload: dict[str, Any],
    problems: list[Problem],
    form: FormState,
    legacy: bool,
    count: int,
    images: Images,
    *,
    pressed_as: str,
    price: RunPrice,
) -> tuple[str, str] | None:
    """Send the press: what to tell the person (None when the started job itself says it)."""
    if problems or form.input_errors:
        return ("error", "Some settings need attention (marked above). Nothing was sent.")
    press = Press(
        model,
        payload,
        count,
        tuple(images),
        legacy=legacy,
        upload_names=form.upload_names,
        parent_id=continued_from(model, payload),  # the job whose last frame this sends, if it does
        press_key=pressed_as,
        price=price,
    )
    message, shown = send_press(press)
    if shown is not None:
        # The confirmation is drawn with the job itself, right under the button, until it ends
        # (components/generate/followup.py).
        remember_started(shown.id)
    return message
