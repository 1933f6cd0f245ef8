"""Storyboard: a film from a script. A title and shots in order, each with its model, start and narration; a music
bed; the price; Make the film; each shot's progress; and the finished film with its parts."""

import streamlit as st

from components.films.film_list import film_header, new_film, pick_film
from components.films.film_service import film_store, may_edit, show_message
from components.films.make_panel import film_progress, finished_film, make_controls, progress_view
from components.films.music_editor import music_editor
from components.films.shot_editor import add_shot, shot_editor
from components.films.shot_view import shot_summary
from components.shell.router import ensure_router
from components.shell.whose import current_person

ensure_router()

st.title("Storyboard")
person = current_person()
if person is None:
    st.stop()
show_message()
films = film_store().films(person)
new_film(expanded=not films)
film = pick_film(person, films)
if film is None:
    st.info("No films yet. Give one a title above, or import a film file.", icon=":material/movie_edit:")
    st.stop()
film_header(film)
editing = may_edit(film)
for number, shot in enumerate(film.shots, 1):
    film = shot_editor(film, shot, number) if editing else shot_summary(film, shot, number)
if editing:
    st.button("Add a shot", icon=":material/add:", key="film_add_shot", on_click=add_shot, args=(film.id,))
film = music_editor(film) if editing else film
progress = film_progress(film)
make_controls(film, progress)
progress_view(film, progress)
finished_film(progress)
