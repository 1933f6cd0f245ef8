"""Reusing a past job: its settings put back into the Generate form, or its request rebuilt to send again.

Each field kind puts its own saved value back (components/widgets/: ``restore`` beside ``draw``), so the
keys written here are the ones the form reads.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from components.widgets import MISSING, Inputs, Saved, model_key, restore_field
from components.widgets.base import put
from videostudio.catalogue import Model
from videostudio.form import form_fields
from videostudio.kept_inputs import load_inputs, put_back_uploads
from videostudio.store import Job

# --- Use these settings ---------------------------------------------------------------------------------------------


def prefill_generate_form(job: Job, model: Model) -> list[str]:
    """Set the Generate page's widget state to ``job``'s settings, uploads included; returns what could not be.

    Must run before the Generate page draws its widgets (i.e. on the History page, just before switching).
    Fields the job did not set are reset to their defaults, so the form sends what the job sent.
    """
    saved = Saved(media=job.media, inputs=load_inputs(job.inputs_dir))
    put("model_choice", model.id)
    restore_settings(model, job.params, saved)
    return saved.notes


def restore_settings(model: Model, params: dict[str, Any], saved: Saved) -> None:
    """Put ``params`` (as the history keeps them: uploads in ``saved``) back into ``model``'s form state.

    Fields ``params`` does not set are reset to their defaults. Used by "Use these settings" and by drafts.
    """
    for spec in form_fields(model):
        restore_field(spec, model, spec.path, params.get(spec.name, MISSING), saved)
    # A fresh form: missing-field messages wait for the next Generate press, as on a first visit.
    st.session_state.pop(f"{model_key(model)}__attempted", None)


# --- Run again ------------------------------------------------------------------------------------------------------


def rebuild_payload(job: Job, model: Model, inputs: Inputs) -> tuple[dict[str, Any], dict[str, str], list[str]]:
    """The request ``job`` sent, with its uploads put back from the kept inputs and a fresh seed.

    Returns (payload, upload names by path, paths of uploads that were not kept). The seed is left out where
    the model has one: the API then picks a new one, so "again" gives a new take, not the same video.
    """
    params, names, missing = put_back_uploads(job.params, job.media, inputs)
    payload = {"model": job.model_id, **params}
    if "seed" in model.properties:
        payload.pop("seed", None)
    return payload, names, missing
