"""The price of this run, shown next to Generate: dollars first, credits second, and how it was reached."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import streamlit as st

from components import services
from components.markdown_text import markdown_safe
from components.widgets import field_key
from videostudio.catalogue import Model
from videostudio.media import PreparedAudio
from videostudio.run_price import RunPrice, price_of_run, times


def price_tag(model: Model, payload: Mapping[str, Any], count: int = 1) -> RunPrice:
    """Draw what sending ``payload`` (the request as it would go out) to ``model`` will cost on this backend.

    ``count`` runs of it (a batch, videostudio/batches.py) cost ``count`` times the price of one.
    """
    backend = services.current_backend()
    heard = audio_seconds(model)
    price = price_of_run(model, payload, audio_seconds=heard, loading=services.prices_awaited())
    if price.kind == "after":
        # Only a price the catalogue can't give needs the history: most reruns skip this query.
        past = services.job_service().store.recent_costs(model.id, backend=backend.name)
        price = price_of_run(model, payload, audio_seconds=heard, past_usd=past)
    price = times(price, count)
    with st.container(key="price_tag"):
        if price.kind == "loading":
            # The page reruns by itself once the prices are in (components/poller.py).
            st.markdown(f":material/hourglass_top: **{price.text}** · {price.detail}")
        elif price.kind == "after":
            st.markdown(f":material/receipt_long: **{price.text}** · {price.detail}")
        else:
            label = "Estimated price" if price.kind == "estimate" else "Price of this run"
            label = label if count == 1 else f"{label.removesuffix(' of this run')} of these {count} runs"
            st.markdown(f":material/sell: {label}: **{markdown_safe(price.text)}**")
            st.caption(markdown_safe(price.detail))
        if not backend.bills:
            st.caption(f"Simulated: the {backend.label.lower()} charges nothing; the AI/ML API would charge this.")
    return price


def audio_seconds(model: Model) -> float | None:
    """The length of the recording uploaded for this model's form, where the studio could read it."""
    for path, kind in model.inputs().items():
        if kind != "audio":
            continue
        prepared = st.session_state.get(f"{field_key(model, path)}__prepared")
        if isinstance(prepared, PreparedAudio) and prepared.duration_seconds:
            return prepared.duration_seconds
    return None
