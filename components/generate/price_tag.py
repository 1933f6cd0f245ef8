"""The price of this run, shown next to Generate: dollars first, credits second, and how it was reached."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import streamlit as st

from components.form.widgets import field_key
from components.shell import services
from components.shell.markdown_text import markdown_safe
from videostudio.catalogue import Model
from videostudio.catalogue.pricing import money
from videostudio.form.run_price import RunPrice, price_of_run, times
from videostudio.media import PreparedAudio


def run_price(
    model: Model, payload: Mapping[str, Any], *, audio_seconds: float | None, loading: bool | None = None
) -> RunPrice:
    """The price of one run of ``payload`` on this session's backend, as the studio shows it: a quote, else the
    estimate from past runs. The spending limits check a press with this price (videostudio/team/limits.py).

    ``loading``: whether the prices are still on their way (default: this run drew the catalogue without them).
    """
    loading = services.prices_awaited() if loading is None else loading
    price = price_of_run(model, payload, audio_seconds=audio_seconds, loading=loading)
    if price.kind == "after":
        # Only a price the catalogue can't give needs the history: most reruns skip this query.
        past = services.job_service().store.recent_costs(model.id, backend=services.backend())
        price = price_of_run(model, payload, audio_seconds=audio_seconds, past_usd=past)
    return price


def price_tag(
    model: Model, payload: Mapping[str, Any], count: int = 1, spent: Mapping[str, float] | None = None
) -> RunPrice:
    """Draw what sending ``payload`` (the request as it would go out) to ``model`` will cost on this backend, and
    return the price of one run of it (what a press records as each job's estimate).

    ``count`` runs of it (a batch, videostudio/jobs/batches.py) cost ``count`` times the price of one. ``spent``:
    what making the form's values already cost (a typed speech, by field), shown beside it, never added to it.
    """
    backend = services.current_backend()
    each = run_price(model, payload, audio_seconds=audio_seconds(model))
    price = times(each, count)
    with st.container(key="price_tag"):
        if price.kind == "loading":
            # The page reruns by itself once the prices are in (components/jobs/poller.py).
            st.markdown(f":material/hourglass_top: **{price.text}** · {price.detail}")
        elif price.kind == "after":
            st.markdown(f":material/receipt_long: **{price.text}** · {price.detail}")
        else:
            label = "Estimated price" if price.kind == "estimate" else "Price of this run"
            label = label if count == 1 else f"{label.removesuffix(' of this run')} of these {count} runs"
            st.markdown(f":material/sell: {label}: **{markdown_safe(price.text)}**")
            st.caption(markdown_safe(price.detail))
        if spent:
            st.caption(
                f":material/record_voice_over: Plus {money(sum(spent.values()))} already spent making the speech "
                "for this form (not part of the price above)."
            )
        if not backend.bills:
            st.caption(f"Simulated: the {backend.label.lower()} charges nothing; the AI/ML API would charge this.")
    return each


def audio_seconds(model: Model) -> float | None:
    """The length of the recording uploaded for this model's form, where the studio could read it."""
    for path, kind in model.inputs().items():
        if kind != "audio":
            continue
        prepared = st.session_state.get(f"{field_key(model, path)}__prepared")
        if isinstance(prepared, PreparedAudio) and prepared.duration_seconds:
            return prepared.duration_seconds
    return None
