"""Make a picture: a start image drawn by an image model from the person's description, beside Upload and Web address.

The person describes the picture, picks an image model, sees the price, presses **Make the picture** and sees it;
it is then the field's value as an upload would be (prepared for the video model by ``videostudio.media``, with its
notes), and Generate sends it as it sends an upload. Making is ``videostudio.stills.make_still``: one call per press,
the file kept in the media storage.

One press, one call: the button's callback records the ask with the number of pictures made when the button was
drawn; the script body takes the ask (pops it) before sending. A press from a page drawn before the latest picture
(the rest of a double click) is dropped, and a rerun sends nothing. Session keys, under the field's key ``k``:
``k__still_prompt``, ``k__still_model``, ``k__still_ask``, ``k__still_made`` (how many were made), ``k__still`` (the
latest: a MadePicture), ``k__still_error``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import streamlit as st

from components.form.helper_spending import settle, start_helper_call
from components.form.media_input import MediaValue
from components.form.media_list_input import prepare_file
from components.shell import services
from components.shell.paid_answers import answer_box
from components.shell.whose import sees_prices
from videostudio.api.client import new_client_request_id
from videostudio.api.errors import StudioError
from videostudio.catalogue import Model
from videostudio.catalogue.assist import assist_model
from videostudio.catalogue.pricing import cost_text
from videostudio.form.fields import FieldSpec
from videostudio.media import MediaError, PreparedImage, thumbnail_data_uri
from videostudio.stills import DEFAULT_IMAGE_MODEL, image_models, make_still, still_price

log = logging.getLogger(__name__)

MAKE_A_PICTURE = "Make a picture"
SHOWN_WIDTH = 320


@dataclass(frozen=True)
class MadePicture:
    """The latest picture made for a field: prepared like an upload, and what it cost."""

    prepared: PreparedImage
    view: str | None  # a data URI of the picture at SHOWN_WIDTH, made once: the page never gets the full file
    name: str
    model_id: str
    usd: float | None


class MakePicture:
    """The "Make a picture" source of an image field (passed to ``media_input`` as one of its extra choices)."""

    label = MAKE_A_PICTURE

    def draw(self, spec: FieldSpec, model: Model, key: str) -> MediaValue:
        _take_ask(spec, model, key)
        prompt = st.text_area(
            "Describe the picture",
            key=f"{key}__still_prompt",
            placeholder="A red lighthouse on a cliff at dawn, seen from the sea",
            persist_state="session",
        )
        models = {m.id: m for m in image_models()}
        model_id = st.selectbox(
            "Image model",
            list(models),
            key=f"{key}__still_model",
            format_func=lambda i: f"{models[i].title} ({models[i].vendor})",
            persist_state="session",
        )
        made = st.session_state.get(f"{key}__still_made", 0)
        button, price = st.columns([1, 2], vertical_alignment="center")
        button.button(
            "Make the picture" if not made else "Make another picture",
            key=f"{key}__still_make",
            icon=":material/brush:",
            disabled=not (prompt or "").strip() or f"{key}__still_ask" in st.session_state,
            on_click=_asked,
            args=(key, made),
        )
        if sees_prices():
            usd = still_price(services.helper_pricing([model_id]).get(model_id))
            price.caption(f"Price: {cost_text(usd)} for one picture" if usd is not None else "Price unknown")
        error = st.session_state.get(f"{key}__still_error")
        if error:
            st.error(error, icon=":material/error:")
        picture: MadePicture | None = st.session_state.get(f"{key}__still")
        if picture is None:
            return MediaValue()
        _show(picture)
        return MediaValue(value=picture.prepared.data_uri, upload_name=picture.name)


def _asked(key: str, drawn_made: int) -> None:
    """The button's callback: record the ask, once; a press from a page drawn before the latest picture is dropped."""
    state = st.session_state
    if f"{key}__still_ask" not in state:
        state[f"{key}__still_ask"] = (new_client_request_id("still"), drawn_made)
    state.pop(f"{key}__still_error", None)


def _take_ask(spec: FieldSpec, model: Model, key: str) -> None:
    """Make the asked picture, if any: the ask is taken from the session first, so no rerun sends it again."""
    state = st.session_state
    ask = state.pop(f"{key}__still_ask", None)
    prompt = str(state.get(f"{key}__still_prompt") or "").strip()
    model_id = state.get(f"{key}__still_model") or DEFAULT_IMAGE_MODEL
    if ask is None or not prompt or assist_model("image", model_id) is None:
        return
    request_id, drawn_made = ask
    if drawn_made != state.get(f"{key}__still_made", 0):
        return  # pressed on a page drawn before the latest picture: the rest of a double click
    sending = services.assist_client()
    if isinstance(sending, str):
        state[f"{key}__still_error"] = sending
        return
    backend, client = sending
    estimate = still_price(services.helper_pricing([model_id]).get(model_id))
    started = start_helper_call(
        backend=backend, kind="image", model=model_id, client_request_id=request_id, estimate_usd=estimate
    )
    if started.refused is not None:
        state[f"{key}__still_error"] = started.refused  # over a spending limit: nothing was sent
        return
    box = answer_box()  # taken before the call: after it, the picture must reach the page without the session
    made_before = state.get(f"{key}__still_made", 0)
    try:
        with st.spinner(f"Making the picture with {model_id}…", show_time=True):
            still = make_still(
                client, services.media_storage(), model_id=model_id, prompt=prompt, client_request_id=request_id
            )
            settle(started, still.usd)
            # Counted at once: the picture is paid for, and a press drawn before it must not make another.
            box.put(f"{key}__still_made", made_before + 1)
            name = f"picture-{still.path.stem[:12]}{still.path.suffix}"
            data = still.path.read_bytes()
            prepared = prepare_file("image", model, name, data, spec.help)
            assert isinstance(prepared, PreparedImage)
            view = thumbnail_data_uri(data, SHOWN_WIDTH)
            box.put(f"{key}__still", MadePicture(prepared, view, name, still.model_id, still.usd))
    except StudioError as exc:
        log.info("make a picture (%s): %r", request_id, exc)
        box.put(f"{key}__still_error", str(exc))
    except MediaError as exc:
        box.put(f"{key}__still_error", f"The picture was made but can't be used here: {exc}")
    except OSError as exc:  # the kept file could not be read back: said in the studio's words, the detail logged
        log.warning("make a picture (%s): not readable: %s", request_id, exc)
        box.put(f"{key}__still_error", "The picture was made but could not be read back. Make it again.")
    box.deliver()


def _show(picture: MadePicture) -> None:
    st.image(picture.view or picture.prepared.thumbnail_data_uri)
    details = [f"**{picture.name}**", f"{picture.prepared.width}×{picture.prepared.height} px"]
    if sees_prices():
        spent = cost_text(picture.usd) if picture.usd is not None else "cost not reported"
        details.append(f"made by {picture.model_id}: {spent}")
    st.caption(" · ".join(details))
    for note in picture.prepared.notes:
        st.caption(f":material/auto_fix_high: {note}")


MAKE_PICTURE = MakePicture()
