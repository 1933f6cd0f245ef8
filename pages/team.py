"""Team: the studio's members, their roles and limits, and the amount above which a press asks first."""

import streamlit as st

from components.shell.router import ensure_router

ensure_router()

st.title("Team", anchor=False)
