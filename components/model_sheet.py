"""A model described for a person: what it takes, its limits and how long it runs."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components.widgets import describe_field
from videostudio.catalogue import Model
from videostudio.form import FieldSpec, form_fields


def model_sheet(model: Model) -> None:
    with st.container(border=True):
        st.subheader(model.name)
        st.caption(f"{model.vendor} · `{model.id}` · typically {model.typical_run_time()}")
        st.write(model.summary)
        inputs = model.inputs()
        if inputs:
            st.markdown("**Inputs:** " + ", ".join(f"{kind} ({model.label(name)})" for name, kind in inputs.items()))
        limits = model.image_rules.describe() if model.image_rules else []
        if model.audio_rules and model.audio_rules.max_seconds:
            limits.append(f"Audio under {model.audio_rules.max_seconds:g} s")
        limits += [rule.message for rule in model.rules]
        if limits:
            st.markdown("**Limits:**\n" + "\n".join(f"- {line}" for line in limits))
        st.dataframe(parameter_frame(form_fields(model)), hide_index=True)


def parameter_frame(specs: list[FieldSpec], prefix: str = "") -> pd.DataFrame:
    rows = []
    for spec in specs:
        rows.append(
            {
                "parameter": prefix + spec.name,
                "required": "yes" if spec.required else "",
                "default": "" if spec.default is None else str(spec.default),
                "values": describe_field(spec),
                "description": spec.help.split("\n")[0],
            }
        )
        if spec.children:
            rows += parameter_frame(list(spec.children), prefix=f"{prefix}{spec.name}.").to_dict("records")
    return pd.DataFrame(rows, columns=["parameter", "required", "default", "values", "description"])
