"""Models: every model, found with the browser's filters, each with what it takes, its limits and a way to try it."""

import streamlit as st

from components.models.model_browser import MODEL_CHOICE, URL_PARAM, model_entry, model_filters, paged, show_more
from components.models.model_sheet import model_sheet
from components.shell import services
from components.shell.job_link import GENERATE_PAGE
from components.shell.router import ensure_router
from components.shell.whose import may_generate, sees_prices
from videostudio.catalogue import Model

ensure_router()

PREFIX = "models"
TRYING = "models_trying"


def try_it(model: Model) -> None:
    if not may_generate():
        return  # a viewer watches: no Generate to try it on
    # A callback, not the button's True: that lasts one run, and the job tray reruns the app when prices arrive,
    # before this page is drawn; the flag waits for the next run (go_to_the_model_tried).
    st.button(
        "Try it",
        key=f"models_try__{model.id}",
        type="primary",
        icon=":material/movie:",
        on_click=_tried,
        args=(model.id,),
    )


def _tried(model_id: str) -> None:
    st.session_state[TRYING] = model_id


def go_to_the_model_tried() -> None:
    """After Try it: Generate, with the model tried."""
    tried = st.session_state.pop(TRYING, None)
    if tried:
        st.session_state[MODEL_CHOICE] = tried
        st.switch_page(GENERATE_PAGE, query_params={URL_PARAM: tried})


def details(model: Model) -> None:
    with st.expander("What it takes, its limits and settings"):
        model_sheet(model)


def describe(problem: object) -> str:
    # The catalogue lists each unreadable file as (file, reason).
    if isinstance(problem, tuple) and len(problem) == 2:
        return f"`{problem[0]}`: {problem[1]}"
    return str(problem)


go_to_the_model_tried()
st.title("Models")
live = services.live_catalogue()
catalogue = live.catalogue
about_prices = " Prices come from the live model list of the backend in use (simulated in the offline demo)."
st.caption(
    f"{len(catalogue)} models. Each model's form follows the model's own official description."
    + (about_prices if sees_prices() else "")
)
matching = model_filters(catalogue, PREFIX)
for model in paged(matching, PREFIX):
    model_entry(model, try_it, details)
show_more(matching, PREFIX)

problems = getattr(catalogue, "problems", None)
if live.note or live.skipped or problems:
    st.divider()
    st.markdown("**About this list**")
    if live.note:
        st.caption(live.note + " The studio shows the models it ships with.")
    if live.skipped:
        st.caption("Models the live list names that the studio could not read, left out:")
        st.markdown("\n".join(f"- {note}" for note in live.skipped))
    if problems:
        st.caption("Model files the studio could not read, left out:")
        st.markdown("\n".join(f"- {describe(problem)}" for problem in problems))
