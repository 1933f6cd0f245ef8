"""Demo day: a take's star and rating, boards of takes in a chosen order with a note each, who may see and change a
board, and a board taken away as one ZIP that plays offline.

The showcase page and the Boards page (``pages/``) draw what this package decides; no Streamlit here.
"""
