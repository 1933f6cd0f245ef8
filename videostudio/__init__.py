"""Video Studio core: everything but the Streamlit pages. Nothing here imports streamlit."""
