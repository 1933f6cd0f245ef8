"""The motion brush: a mask painted on the start image, and a path drawn on it as a line.

Both draw on a canvas (streamlit-drawable-canvas) showing the form's start image, prepared by its media
input under ``{key}__prepared``; videostudio.form.masks turns the strokes into what the API takes. Until a start
image is given there is nothing to paint on: a mask can still be uploaded, a path typed as a table.

Session keys under a field's widget key ``k``: ``k__how`` (Paint / Upload a mask), ``k__brush`` (brush
size), ``canvas-…`` (the canvas, see canvas_key); an uploaded mask uses media_input's keys under ``k`` itself.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from components.form.widgets.base import (
    NOT_HELD,
    FormState,
    Saved,
    field_key,
    given,
    help_text,
    label,
    payload_path,
    put,
)
from components.form.widgets.groups import Table
from components.form.widgets.media import Media
from videostudio.catalogue import Model
from videostudio.form.fields import FieldSpec, Widget
from videostudio.form.masks import Stroke, backdrop, canvas_size, mask_data_uri, strokes_from_drawing, trajectory
from videostudio.media import PreparedImage

PAINT = "Paint on the start image"
UPLOAD_MASK = "Upload a mask"
NO_START_IMAGE = "Upload the start image first to paint on it."
PAINTED_NAME = "painted mask.png"  # the name a painted mask is kept under in the history
CANVAS_WIDTH = 440  # wide enough to paint precisely, narrow enough for the form's column at 1440 px
MASK_COLOUR = "rgba(255, 64, 129, 0.55)"  # a see-through pink: the image stays visible under the paint
PATH_COLOUR = "#ffd400"
PATH_WIDTH = 4


class Mask:
    def draw(self, spec: FieldSpec, model: Model, path: str, state: FormState) -> str | None:
        key = field_key(model, path)
        start = _start_image(spec, model)
        if start is None:
            st.caption(f":material/brush: {spec.label}: {NO_START_IMAGE} Or upload a ready-made mask.")
            return Media().draw(spec, model, path, state)
        how = st.segmented_control(
            label(spec),
            [PAINT, UPLOAD_MASK],
            default=PAINT,
            required=True,
            key=f"{key}__how",
            help=help_text(spec),
            persist_state="session",
        )
        if how == UPLOAD_MASK:
            return Media().draw(spec, model, path, state)
        brush = st.slider("Brush size", 5, 120, 40, step=5, key=f"{key}__brush", persist_state="session")
        st.caption("Paint over the area. White in the mask sent is where you painted.")
        strokes, shown = _canvas(start, key, colour=MASK_COLOUR, width=brush)
        value = mask_data_uri(strokes, shown, (start.width, start.height))
        if value:
            state.upload_names[payload_path(path)] = PAINTED_NAME
        return value

    def held(self, spec: FieldSpec, model: Model, path: str) -> Any:
        return NOT_HELD  # painted on a canvas, or uploaded: it lives in its widget alone

    def restore(self, spec: FieldSpec, model: Model, path: str, value: Any, saved: Saved) -> None:
        # A painted mask was kept as an image: it comes back as an uploaded mask (the strokes are not kept).
        Media().restore(spec, model, path, value, saved)
        painted = saved.media.get(payload_path(path), {}).get("name") == PAINTED_NAME or (
            saved.inputs.get(payload_path(path), ("",))[0] == PAINTED_NAME
        )
        put(f"{field_key(model, path)}__how", UPLOAD_MASK if given(value) else PAINT)
        if painted:
            saved.notes.append(f"{spec.label}: the painted mask is back as an image; choose Paint to paint it again.")

    def describe(self, spec: FieldSpec) -> str:
        return "an area painted on the start image, or an uploaded black-and-white mask"


class Path:
    def draw(self, spec: FieldSpec, model: Model, path: str, state: FormState) -> list[dict[str, int]]:
        start = _start_image(spec, model)
        if start is None:
            st.caption(f":material/timeline: {spec.label}: {NO_START_IMAGE} Or type the points below.")
            return Table().draw(spec, model, path, state)
        st.markdown(label(spec), help=help_text(spec))
        st.caption(f"Draw the path the area moves along, from where it starts. {_limits(spec).capitalize()} are sent.")
        strokes, shown = _canvas(start, field_key(model, path), colour=PATH_COLOUR, width=PATH_WIDTH)
        return trajectory(
            strokes, shown, (start.width, start.height), min_points=spec.min_items, max_points=spec.max_items
        )

    def held(self, spec: FieldSpec, model: Model, path: str) -> Any:
        return NOT_HELD  # painted on a canvas, or uploaded: it lives in its widget alone

    def restore(self, spec: FieldSpec, model: Model, path: str, value: Any, saved: Saved) -> None:
        if given(value) and value:
            # A drawing cannot be put back on the canvas from code, nor rows into an editable table.
            used = "1 point was" if len(value) == 1 else f"{len(value)} points were"
            saved.notes.append(f"{spec.label}: draw the path again ({used} used).")

    def describe(self, spec: FieldSpec) -> str:
        return f"a line drawn on the start image ({_limits(spec)})"


def _limits(spec: FieldSpec) -> str:
    fewest = max(spec.min_items, 2)
    return f"{fewest} to {spec.max_items} points" if spec.max_items else f"at least {fewest} points"


def canvas_key(key: str) -> str:
    """The canvas's widget key for the field keyed ``key``: a component's key may not contain ``__``."""
    return "canvas-" + key.replace("__", "--")


def _start_image(spec: FieldSpec, model: Model) -> PreparedImage | None:
    prepared = st.session_state.get(f"{field_key(model, spec.canvas_of)}__prepared")
    return prepared if isinstance(prepared, PreparedImage) else None


def _canvas(start: PreparedImage, key: str, *, colour: str, width: int) -> tuple[list[Stroke], tuple[int, int]]:
    """Draw a canvas over ``start``; the strokes on it, in canvas pixels, and the canvas's size."""
    # Imported here: the component registers itself with the running Streamlit server on import.
    from streamlit_drawable_canvas import st_canvas

    shown = canvas_size((start.width, start.height), CANVAS_WIDTH)
    result = st_canvas(
        background_image=_backdrop(start.sha256, start.data_uri, shown),
        width=shown[0],
        height=shown[1],
        drawing_mode="freedraw",
        stroke_color=colour,
        stroke_width=width,
        key=canvas_key(key),
    )
    return strokes_from_drawing(result.json_data), shown


@st.cache_resource(max_entries=8, show_spinner=False)
def _backdrop(sha256: str, _data_uri: str, size: tuple[int, int]) -> str:
    """The start image at the canvas's size, once per image: the full upload is not pushed to the page each run."""
    return backdrop(_data_uri, size)


WIDGETS = {Widget.MASK: Mask(), Widget.PATH: Path()}
