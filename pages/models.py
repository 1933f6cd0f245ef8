"""Models: what each model takes, its limits and its typical run time."""

import streamlit as st

from components import services
from components.model_sheet import model_sheet
from components.router import ensure_router

ensure_router()

st.title("Models")
st.caption("Each model's form is built from its official parameter schema. Add a model by adding a schema file.")
for model in services.catalogue():
    model_sheet(model)
