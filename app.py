"""Video Studio: the router. Everything drawn here appears on every page."""

from pathlib import Path

import streamlit as st

from components.jobs.poller import job_tray
from components.jobs.status_line import status_line
from components.shell import services
from components.shell.address import note_page
from components.shell.gate import admitted_person, draw_person_panel
from components.shell.identity import sign_in_configured
from components.shell.media_guard import install_media_guard
from components.shell.paid_answers import deliver_answers
from components.shell.sidebar import draw_backend_panel

# The tab icon is a file of the studio's own: a ":material/…" page icon is fetched from a font CDN, and is
# missing with no network.
ICON = Path(__file__).parent / "assets" / "icon.png"

st.set_page_config(page_title="Video Studio", page_icon=str(ICON), layout="wide")

studio_pages = [
    st.Page("pages/generate.py", title="Generate", icon=":material/movie:", default=True),
    st.Page("pages/history.py", title="History", icon=":material/history:"),
    st.Page("pages/models.py", title="Models", icon=":material/view_list:"),
    st.Page("pages/compare.py", title="Compare", icon=":material/compare:", url_path="compare"),
    st.Page("pages/boards.py", title="Boards", icon=":material/dashboard:", url_path="boards"),
    st.Page("pages/storyboard.py", title="Storyboard", icon=":material/movie_edit:", url_path="storyboard"),
    # Reached by a board's showcase link only: a page that only shows, without the studio around it.
    st.Page(
        "pages/showcase.py", title="Showcase", icon=":material/slideshow:", url_path="showcase", visibility="hidden"
    ),
]
team_page = st.Page("pages/team.py", title="Team", icon=":material/group:", url_path="team")
deliver_answers()  # a paid answer a stopped run could not write: before any page draws its widgets
services.start_background_work()  # the follower keeps jobs moving with no browser open
install_media_guard()  # with sign-in, a /media/ file goes only to the person it was shown to (once per process)
# With sign-in configured, nothing below runs for a browser that is not a signed-in member.
person = admitted_person([page.url_path for page in [*studio_pages, team_page]])
# The Team page is for those who manage the team, in a studio where people sign in (a laptop studio has no team).
manages_team = sign_in_configured() and person.sheet.manages_team
if not person.sheet.may_generate:
    # A viewer watches what is shared: no Generate page at all, and they land on History.
    studio_pages = [
        st.Page("pages/history.py", title="History", icon=":material/history:", default=True),
        *studio_pages[2:],
    ]
pages = st.navigation([*studio_pages, team_page] if manages_team else studio_pages)
note_page(pages.title)  # so an address brought from another page is followed (components/shell/address.py)
if pages.url_path != "showcase":  # the showcase shows a board and nothing else: no backend, balance or job tray
    draw_person_panel(person)
    draw_backend_panel()
    with st.sidebar:
        job_tray()
    status_line()
pages.run()
