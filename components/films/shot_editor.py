"""One shot of a storyboard, edited where it stands: its model, where its first picture comes from, the model's own
form (drawn from its schema as on Generate, under the shot's own keys), and its narration. Saved as it is edited.

Each shot's form lives under ``form_scope("shot-<id>")``: two shots of one model keep their own values. The stored
shot is put back into its form once per session (after a reload, in a new tab), then the form is the truth.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from typing import Any

import streamlit as st

from components.films.film_service import film_store, say
from components.form.reuse import restore_settings
from components.form.schema_form import draw_form, form_scope
from components.shell import services
from videostudio.catalogue import Model, start_image_path
from videostudio.catalogue.default_model import default_model
from videostudio.films.film import Film, FilmError, Narration, Shot, StartKind
from videostudio.films.seams import speech_choices
from videostudio.films.shots import ShotError, keep_picture, picture_bytes
from videostudio.form.payload import build_payload
from videostudio.media import MediaError, prepare_image
from videostudio.workflows.kept_forms import KeptForm, form_to_keep

PICTURE_TYPES = ["png", "jpg", "jpeg", "webp"]


def shot_editor(film: Film, shot: Shot, number: int) -> Film:
    """Draw ``shot`` (the ``number``-th) for editing; returns the film with the shot as edited (saved when changed)."""
    with st.container(border=True, key=f"shot-{shot.id}"):
        _shot_bar(film, shot, number)
        model = _pick_model(shot)
        start = _pick_start(shot, model)
        edited = replace(shot, model_id=model.id, start=start)
        edited = _picture(edited, model) if start == StartKind.PICTURE else replace(edited, picture=None)
        edited = _model_form(edited, shot, model)
        edited = replace(edited, narration=_narration(shot))
    if edited != shot:
        film = film.with_shot(edited)
        try:
            film_store().save(film)
        except FilmError as exc:
            st.error(str(exc), icon=":material/error:")
    return film


def _shot_bar(film: Film, shot: Shot, number: int) -> None:
    """ "Shot 2" and its Up, Down and Remove buttons (acting in their callbacks, before the script: never lost)."""
    columns = st.columns([6, 1, 1, 1], vertical_alignment="center")
    columns[0].markdown(f"**Shot {number}**")
    last = len(film.shots)
    columns[1].button(
        "",
        icon=":material/arrow_upward:",
        key=f"shot_up_{shot.id}",
        disabled=number == 1,
        help="Up",
        on_click=_change,
        args=(film.id, shot.id, -1),
    )
    columns[2].button(
        "",
        icon=":material/arrow_downward:",
        key=f"shot_down_{shot.id}",
        disabled=number == last,
        help="Down",
        on_click=_change,
        args=(film.id, shot.id, 1),
    )
    columns[3].button(
        "",
        icon=":material/delete:",
        key=f"shot_remove_{shot.id}",
        help="Remove this shot",
        on_click=_change,
        args=(film.id, shot.id, None),
    )


def _change(film_id: str, shot_id: str, places: int | None) -> None:
    """Move the shot ``places`` later (negative: earlier), or remove it (None), in the film as kept."""
    film = film_store().get(film_id)
    if film is not None:
        film_store().save(film.without_shot(shot_id) if places is None else film.moved(shot_id, places))


def _pick_model(shot: Shot) -> Model:
    catalogue = services.catalogue()
    models = {m.id: m for m in catalogue.visible() if m.offered}
    ids = list(models)
    current = shot.model_id if shot.model_id in models else default_model(catalogue).id
    chosen = st.selectbox(
        "Model",
        ids,
        index=ids.index(current) if current in ids else 0,
        format_func=lambda model_id: models[model_id].name,
        key=f"shot_model_{shot.id}",
        help="Any video model; its own settings appear below",
    )
    return models[chosen]


def _pick_start(shot: Shot, model: Model) -> StartKind:
    if start_image_path(model.schema, model.media) is None:
        st.caption(f":material/text_fields: {model.name} starts from the prompt: it takes no start picture.")
        return StartKind.NONE
    # The same three choices for every shot: a shot moved to the top keeps its choice (and is told it has no previous).
    options = list(StartKind)
    current = shot.start
    return st.radio(
        "Start from",
        options,
        index=options.index(current),
        format_func=lambda kind: kind.words,
        horizontal=True,
        key=f"shot_start_{shot.id}",
        help="The previous shot's last frame is taken once that shot is made, as Continue from here does",
    )


def _picture(shot: Shot, model: Model) -> Shot:
    """The start picture: the one kept, shown small, or a new upload (kept at once, by its content)."""
    storage = services.media_storage()
    upload = st.file_uploader(
        "Start picture" if shot.picture is None else "Another start picture",
        type=PICTURE_TYPES,
        key=f"shot_picture_{shot.id}",
    )
    if upload is not None:
        data = upload.getvalue()
        # The uploader keeps its file across reruns: it is kept once, when it is not the shot's picture already.
        if shot.picture is None or hashlib.sha256(data).hexdigest() != shot.picture.sha256:
            shot = replace(shot, picture=keep_picture(storage, data, upload.name, upload.type or "image/png"))
    if shot.picture is None:
        return shot
    try:
        data = picture_bytes(storage, shot.picture)
        prepared = prepare_image(data, shot.picture.name, model.image_rules, model_name=model.name)
    except (ShotError, MediaError) as exc:
        st.error(str(exc), icon=":material/error:")
        return shot
    st.image(prepared.thumbnail_data_uri, caption=shot.picture.name, width=160)
    for note in prepared.notes:
        st.caption(note)
    return shot


def _model_form(edited: Shot, stored: Shot, model: Model) -> Shot:
    """The model's form for this shot (without its start picture, chosen above), read back into the shot."""
    start = start_image_path(model.schema, model.media)
    leave_out = {start.split(".")[0]} if start else set()
    with form_scope(f"shot-{stored.id}"):
        _restore_once(stored, model)
        form = draw_form(model, leave_out=leave_out)
    payload = build_payload(model, form.values)
    body: dict[str, Any] = {k: v for k, v in payload.items() if k != "model"}
    prompt = str(body.pop("prompt", "") or "")
    kept = form_to_keep(body, form.upload_names, prefix="films")
    storage = services.media_storage()
    for key, blob in kept.blobs.items():
        if key not in {info.get("key") for info in stored.uploads.values()}:
            storage.put_bytes(key, blob)
    return replace(edited, prompt=prompt, settings=kept.params, media=kept.media, uploads=kept.uploads)


def _restore_once(shot: Shot, model: Model) -> None:
    """Put the stored shot back into its form, once per session and model (the form is the truth after that)."""
    marker = f"shot_restored__{shot.id}__{model.id}"
    if st.session_state.get(marker) or shot.model_id != model.id:
        st.session_state[marker] = True
        return
    params = {**shot.settings, "prompt": shot.prompt} if shot.prompt else dict(shot.settings)
    inputs = KeptForm(shot.settings, shot.media, shot.uploads, services.media_storage()).inputs()
    for note in restore_settings(model, params, shot.media, inputs):
        st.warning(note)
    st.session_state[marker] = True


def _narration(shot: Shot) -> Narration | None:
    """Optional words spoken over the shot: the text, the voice, and the speech model."""
    spoken = st.toggle(
        "Narration",
        value=shot.narration is not None,
        key=f"shot_narrated_{shot.id}",
        help="Words spoken over this shot, made with a speech model and mixed over its sound",
    )
    if not spoken:
        return None
    models = {m.id: m for m in speech_choices()}
    current = shot.narration or Narration("", "", next(iter(models)))
    text = st.text_area(
        "What is said",
        value=current.text,
        key=f"shot_narration_text_{shot.id}",
        placeholder="The sea never sleeps.",
    )
    columns = st.columns(2)
    ids = list(models)
    model_id = columns[0].selectbox(
        "Speech model",
        ids,
        index=ids.index(current.model_id) if current.model_id in ids else 0,
        format_func=lambda m: models[m].label,
        key=f"shot_narration_model_{shot.id}",
    )
    model = models[model_id]
    voices = list(model.voices)
    voice = current.voice if current.voice in voices else model.default_voice
    chosen = columns[1].selectbox(
        "Voice",
        voices,
        index=voices.index(voice) if voice in voices else 0,
        key=f"shot_narration_voice_{shot.id}_{model_id}",
    )
    if model.text_limit and len(text) > model.text_limit:
        st.caption(f":red[Too long: {len(text):,} characters, at most {model.text_limit:,}]")
    return Narration(text, chosen, model_id)


def add_shot(film_id: str) -> None:
    """Add a shot last (a button's callback): the last shot's model, else the studio's default."""
    film = film_store().get(film_id)
    if film is None:
        return
    model_id = film.shots[-1].model_id if film.shots else default_model(services.catalogue()).id
    try:
        film_store().save(film.with_shot(Shot(model_id=model_id)))
    except FilmError as exc:
        say("error", str(exc))
