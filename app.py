"""Video Studio: the router. Everything drawn here appears on every page."""

from pathlib import Path

import streamlit as st

from components.jobs.poller import job_tray
from components.jobs.status_line import status_line
from components.shell import services
from components.shell.sidebar import draw_backend_panel
from components.shell.whose import may_generate

# The tab icon is a file of the studio's own: a ":material/…" page icon is fetched from a font CDN, and is
# missing with no network.
ICON = Path(__file__).parent / "assets" / "icon.png"

st.set_page_config(page_title="Video Studio", page_icon=str(ICON), layout="wide")

# A viewer watches what is shared: no Generate page at all, and they land on History.
generates = may_generate()
pages = st.navigation(
    [
        *([st.Page("pages/generate.py", title="Generate", icon=":material/movie:", default=True)] if generates else []),
        st.Page("pages/history.py", title="History", icon=":material/history:", default=not generates),
        st.Page("pages/models.py", title="Models", icon=":material/view_list:"),
        st.Page("pages/compare.py", title="Compare", icon=":material/compare:", url_path="compare"),
    ]
)
services.start_background_work()  # the follower keeps jobs moving with no browser open
draw_backend_panel()
with st.sidebar:
    job_tray()
status_line()
pages.run()
