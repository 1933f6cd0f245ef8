"""The film's music bed: described in words, its length, how loud under the shots, and the music model. Saved as
it is edited."""

from __future__ import annotations

import streamlit as st

from components.films.film_service import film_store
from videostudio.films.film import DEFAULT_MUSIC_LEVEL, Film, FilmError, MusicBed
from videostudio.films.seams import music_choices

DEFAULT_SECONDS = 30


def music_editor(film: Film) -> Film:
    """The music bed's fields (under a toggle); returns the film with the music as edited (saved when changed)."""
    with st.container(border=True, key="film_music"):
        on = st.toggle(
            "Music bed",
            value=film.music is not None,
            key=f"film_music_on_{film.id}",
            help="Music under the whole film, made from a few words, looped or cut to the film's length",
        )
        music = _music(film) if on else None
    if music != film.music:
        film = film.with_music(music)
        try:
            film_store().save(film)
        except FilmError as exc:
            st.error(str(exc), icon=":material/error:")
    return film


def _music(film: Film) -> MusicBed:
    models = {m.id: m for m in music_choices()}
    ids = list(models)
    current = film.music or MusicBed("", DEFAULT_SECONDS, DEFAULT_MUSIC_LEVEL, ids[0])
    prompt = st.text_area(
        "What the music is like",
        value=current.prompt,
        key=f"film_music_prompt_{film.id}",
        placeholder="slow strings, hopeful, a distant piano",
    )
    columns = st.columns(3)
    model_id = columns[0].selectbox(
        "Music model",
        ids,
        index=ids.index(current.model_id) if current.model_id in ids else 0,
        format_func=lambda m: models[m].title,
        key=f"film_music_model_{film.id}",
    )
    model = models[model_id]
    shortest, longest = int(model.min_seconds), int(model.max_seconds)
    if shortest < longest:
        seconds = columns[1].slider(
            "Length (s)",
            shortest,
            longest,
            value=min(max(int(current.seconds), shortest), longest),
            key=f"film_music_seconds_{film.id}_{model_id}",
            help="Looped or cut to the film's length, and faded out at its end",
        )
    else:  # a model that picks its own length
        seconds = int(model.default_seconds)
        columns[1].caption(f"{model.title} picks its own length (priced as {seconds} s).")
    level = columns[2].slider(
        "Level (%)",
        0,
        100,
        value=round(current.level * 100),
        key=f"film_music_level_{film.id}",
        help="How loud the music is under the shots' own sound and the narration",
    )
    return MusicBed(prompt, float(seconds), level / 100, model_id)
