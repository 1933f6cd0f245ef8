"""Reusing a past job: its settings put back into the Generate form, or its request rebuilt to send again.

Each field kind puts its own saved value back (components/form/widgets/: ``restore`` beside ``draw``), so the
keys written here are the ones the form reads.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import streamlit as st

from components.form.widgets import MISSING, Inputs, Saved, model_key, restore_field
from components.form.widgets.base import put
from components.shell import services
from videostudio.catalogue import Model
from videostudio.form.fields import form_fields
from videostudio.history.store import Job
from videostudio.library.kept_inputs import load_inputs, put_back_uploads

# --- Use these settings ---------------------------------------------------------------------------------------------


def prefill_generate_form(job: Job, model: Model) -> list[str]:
    """Set the Generate page's widget state to ``job``'s settings, uploads included; returns what could not be.

    Must run before the Generate page draws its widgets (i.e. on the History page, just before switching).
    Fields the job did not set are reset to their defaults, so the form sends what the job sent.
    """
    put("model_choice", model.id)
    return restore_settings(model, job.params, job.media, load_inputs(job.inputs_dir, services.media_storage()))


def restore_settings(model: Model, params: Mapping[str, Any], media: Mapping[str, Any], inputs: Inputs) -> list[str]:
    """Put ``params`` (as the history keeps them: uploads as ``media`` facts, their files in ``inputs``) back into
    ``model``'s form state; returns notes on what could not be put back.

    Fields ``params`` does not set are reset to their defaults. Used by "Use these settings", drafts and presets.
    """
    saved = Saved(media=media, inputs=inputs)
    for spec in form_fields(model):
        restore_field(spec, model, spec.path, params.get(spec.name, MISSING), saved)
    # A fresh form: missing-field messages wait for the next Generate press, as on a first visit.
    st.session_state.pop(f"{model_key(model)}__attempted", None)
    return saved.notes


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
