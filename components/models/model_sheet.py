"""A model described for a person: what it is good for, what it takes, its limits, price and time, and its
settings in plain words (never a table of ``image_url`` rows)."""

from __future__ import annotations

import streamlit as st

from components.form.widgets import describe_field
from components.form.widgets.base import option_label
from components.shell.whose import sees_prices
from videostudio.catalogue import Model
from videostudio.catalogue.pricing import price_line
from videostudio.form.fields import FieldSpec, Widget, form_fields
from videostudio.media.kinds import a_noun


def model_sheet(model: Model) -> None:
    with st.container(border=True):
        st.subheader(model.name)
        st.caption(f"{model.vendor} · typically {model.typical_run_time()}" + _price(model))
        if model.summary:
            st.write(model.summary)
        if model.tasks:
            st.markdown("**Good for:** " + ", ".join(sorted(task.value for task in model.tasks)).capitalize())
        specs = form_fields(model)
        inputs = input_lines(specs)
        if inputs:
            st.markdown("**What you give it:**\n" + "\n".join(f"- {line}" for line in inputs))
        limits = model.image_rules.describe() if model.image_rules else []
        if model.audio_rules and model.audio_rules.max_seconds:
            limits.append(f"Audio under {model.audio_rules.max_seconds:g} s")
        limits += [rule.message for rule in model.rules]
        if limits:
            st.markdown("**Limits:**\n" + "\n".join(f"- {line}" for line in limits))
        st.markdown("**Settings:**\n" + "\n".join(f"- {line}" for line in settings_lines(specs)))
        st.caption(f"Model id for developers: `{model.id}`")


def _price(model: Model) -> str:
    price = price_line(model.pricing) if sees_prices() else None  # never to a viewer
    return f" · {price}" if price else ""


def input_lines(specs: list[FieldSpec]) -> list[str]:
    """The media and the prompt a model takes, by their labels: "Start image: an image (needed)"."""
    lines = []
    for spec in specs:
        if spec.widget in (Widget.MEDIA, Widget.MEDIA_LIST):
            what = a_noun(spec.media_kind)
            if spec.widget is Widget.MEDIA_LIST:
                what = f"several ({what.split(' ', 1)[1]}s)"
        elif spec.name == "prompt":
            what = "words describing the video"
        else:
            continue
        lines.append(f"{spec.label}: {what} ({'needed' if spec.required else 'optional'})")
    return lines


def settings_lines(specs: list[FieldSpec] | tuple[FieldSpec, ...], within: str = "") -> list[str]:
    """Every field in plain words, nested ones spelled out: "Camera movement › Zoom: -10 to 10"."""
    lines = []
    for spec in specs:
        name = f"{within} › {spec.label}" if within else spec.label
        mark = "" if spec.required else ", optional"
        default = "" if spec.default is None else f", usually {_value_words(spec)}"
        lines.append(f"{name}: {describe_field(spec)}{mark}{default}")
        if spec.children:
            lines += settings_lines(spec.children, within=name)
    return lines


def _value_words(spec: FieldSpec) -> str:
    if isinstance(spec.default, bool):
        return "on" if spec.default else "off"
    return option_label(spec, spec.default)
