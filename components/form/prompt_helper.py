"""The prompt helper under a video model's prompt: **Improve this prompt** and **Describe my picture**.

Each press is one call to a chat model (``videostudio.prompting``); its proposal is shown beside the person's own
prompt, editable, with **Use this prompt** and **Keep mine**. Nothing in the form changes until Use this prompt is
pressed. The price is shown before the press (estimated from the words) and the cost after it, to those who see
prices; people who cannot generate (viewers) see no helper at all.

One press, one call: the button's callback only records the ask, and the script body takes it (pops it) before
sending, so a rerun never sends it again; a second press while an ask is waiting or a proposal is shown is dropped.
Session keys, under the model's key ``m``: ``m__helper_ask`` (kind, request id), ``m__helper_answer`` (a
HelperAnswer), ``m__helper_text`` (the proposal as edited), ``m__helper_mine`` (the person's prompt, shown beside
it), ``m__helper_error``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Literal

import streamlit as st

from components.form.helper_spending import settle, start_helper_call
from components.form.widgets import FormState, field_key, model_key
from components.form.widgets.text import PROMPT_FIELD
from components.shell import services
from components.shell.paid_answers import answer_box
from components.shell.whose import may_generate, sees_prices
from videostudio.api.client import new_client_request_id
from videostudio.api.errors import StudioError
from videostudio.catalogue import Model
from videostudio.catalogue.pricing import cost_text
from videostudio.jobs.batches import batch_image_field
from videostudio.prompting import (
    DEFAULT_CHAT_MODEL,
    HelperEstimate,
    describe_estimate,
    describe_picture,
    improve_estimate,
    improve_prompt,
)

log = logging.getLogger(__name__)

HelperKind = Literal["improve", "describe"]
IMPROVE: HelperKind = "improve"
DESCRIBE: HelperKind = "describe"
WORDS: dict[HelperKind, str] = {IMPROVE: "Improve this prompt", DESCRIBE: "Describe my picture"}


@dataclass(frozen=True)
class HelperAnswer:
    """A proposal on the page: what was asked, by which chat model, and what it cost."""

    kind: HelperKind
    text: str
    usd: float | None
    chat_model: str


def prompt_helper(model: Model, state: FormState) -> None:
    """Draw the helper in the slot the prompt left (``FormState.prompt_slot``); nothing without a prompt field."""
    if state.prompt_slot is None or not may_generate():
        return
    keys = model_key(model)
    prompt = str(state.values.get(PROMPT_FIELD) or "")
    image_field = batch_image_field(model)
    image = state.values.get(image_field) if image_field else None
    with state.prompt_slot:
        _take_ask(model, keys, prompt, image if isinstance(image, str) else None)
        answer: HelperAnswer | None = st.session_state.get(f"{keys}__helper_answer")
        if answer is not None:
            _proposal(model, keys, prompt, answer)
        else:
            _buttons(model, keys, prompt, image if isinstance(image, str) else None)
        error = st.session_state.get(f"{keys}__helper_error")
        if error:
            st.error(error, icon=":material/error:")


def _buttons(model: Model, keys: str, prompt: str, image: str | None) -> None:
    asking = f"{keys}__helper_ask" in st.session_state
    pricing = services.helper_pricing([DEFAULT_CHAT_MODEL]).get(DEFAULT_CHAT_MODEL) if prompt or image else None
    # One row, each button with its price beside it: the helper must not push Generate off the first screen.
    with st.container(horizontal=True, vertical_alignment="center", gap="small"):
        st.button(
            WORDS[IMPROVE],
            key=f"{keys}__helper_improve",
            icon=":material/auto_awesome:",
            disabled=asking or not prompt.strip(),
            on_click=_asked,
            args=(keys, IMPROVE),
            help=f"{DEFAULT_CHAT_MODEL} proposes a richer prompt for {model.name}. You see both and choose.",
        )
        if prompt.strip():
            _price_before(improve_estimate(model.name, prompt, pricing))
        if image:
            st.button(
                WORDS[DESCRIBE],
                key=f"{keys}__helper_describe",
                icon=":material/image_search:",
                disabled=asking,
                on_click=_asked,
                args=(keys, DESCRIBE),
                help=f"{DEFAULT_CHAT_MODEL} looks at your start picture and writes a prompt from it.",
            )
            _price_before(describe_estimate(pricing))


def _price_before(estimate: HelperEstimate) -> None:
    if not sees_prices():
        return
    tokens = f"about {estimate.input_tokens:,} tokens in and {estimate.output_tokens:,} out"
    price = f"About {cost_text(estimate.usd)}" if estimate.usd is not None else "Price unknown"
    st.caption(f"{price} ({tokens})", width="content")


def _asked(keys: str, kind: HelperKind) -> None:
    """The button's callback: record the ask, once. A second press before it is answered, or while a proposal is
    on the page, is the rest of a double click (or a stale page): dropped."""
    state = st.session_state
    if f"{keys}__helper_ask" in state or f"{keys}__helper_answer" in state:
        return
    state[f"{keys}__helper_ask"] = (kind, new_client_request_id("helper"))
    state.pop(f"{keys}__helper_error", None)


def _take_ask(model: Model, keys: str, prompt: str, image: str | None) -> None:
    """Send the recorded ask, if any: taken from the session first, so no rerun sends it again."""
    ask = st.session_state.pop(f"{keys}__helper_ask", None)
    if ask is None or f"{keys}__helper_answer" in st.session_state:
        return  # nothing asked, or asked from a page drawn before the proposal came: the rest of a double click
    kind, request_id = ask
    if (kind == IMPROVE and not prompt.strip()) or (kind == DESCRIBE and not image):
        st.session_state[f"{keys}__helper_error"] = (
            "Write a prompt first." if kind == IMPROVE else "Give a start picture first."
        )
        return
    sending = services.assist_client()
    if isinstance(sending, str):
        st.session_state[f"{keys}__helper_error"] = sending
        return
    backend, client = sending
    pricing = services.helper_pricing([DEFAULT_CHAT_MODEL]).get(DEFAULT_CHAT_MODEL)
    estimate = improve_estimate(model.name, prompt, pricing) if kind == IMPROVE else describe_estimate(pricing)
    started = start_helper_call(
        backend=backend, kind="chat", model=DEFAULT_CHAT_MODEL, client_request_id=request_id, estimate_usd=estimate.usd
    )
    if started.refused is not None:
        st.session_state[f"{keys}__helper_error"] = started.refused  # over a spending limit: nothing was sent
        return
    box = answer_box()  # taken before the call: after it, the proposal must reach the page without the session
    try:
        with st.spinner(f"Asking {DEFAULT_CHAT_MODEL}…", show_time=True):
            if kind == IMPROVE:
                proposal = improve_prompt(
                    client,
                    chat_model=DEFAULT_CHAT_MODEL,
                    video_model_title=model.name,
                    prompt=prompt,
                    client_request_id=request_id,
                )
            else:
                assert image is not None
                proposal = describe_picture(
                    client, chat_model=DEFAULT_CHAT_MODEL, image=image, client_request_id=request_id
                )
            settle(started, proposal.usd)
            box.put(f"{keys}__helper_text", proposal.text)
            box.put(f"{keys}__helper_answer", HelperAnswer(kind, proposal.text, proposal.usd, DEFAULT_CHAT_MODEL))
    except StudioError as exc:
        log.info("prompt helper %s (%s): %r", kind, request_id, exc)
        box.put(f"{keys}__helper_error", str(exc))
    box.deliver()


def _proposal(model: Model, keys: str, prompt: str, answer: HelperAnswer) -> None:
    st.markdown(f"**{WORDS[answer.kind]}**: a proposal. Edit it, then use it, or keep yours.")
    mine, proposed = st.columns(2)
    with mine:
        st.session_state[f"{keys}__helper_mine"] = prompt
        st.text_area("Your prompt", key=f"{keys}__helper_mine", disabled=True)
    with proposed:
        st.text_area("Proposed prompt", key=f"{keys}__helper_text")
    # A row that sizes to its buttons: fixed columns cut "Use this prompt" to "Use this pr…" beside a wide form.
    with st.container(horizontal=True, vertical_alignment="center"):
        st.button(
            "Use this prompt",
            key=f"{keys}__helper_use",
            type="primary",
            icon=":material/check:",
            on_click=_use,
            args=(keys, field_key(model, PROMPT_FIELD)),
        )
        st.button("Keep mine", key=f"{keys}__helper_keep", on_click=_dismiss, args=(keys,))
        if sees_prices():
            spent = cost_text(answer.usd) if answer.usd is not None else "cost not reported"
            st.caption(f"Written by {answer.chat_model}: {spent}")


def _use(keys: str, prompt_key: str) -> None:
    """Use this prompt: the proposal (as edited) becomes the prompt. A callback, so it runs before the prompt is
    drawn (a widget's value can't be set once it is on the page)."""
    text = str(st.session_state.get(f"{keys}__helper_text") or "").strip()
    if text:
        st.session_state[prompt_key] = text
    _dismiss(keys)


def _dismiss(keys: str) -> None:
    for suffix in ("answer", "text", "mine", "error"):
        st.session_state.pop(f"{keys}__helper_{suffix}", None)
