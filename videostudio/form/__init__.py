"""A model's form without Streamlit: which widget each schema field gets, the payload it builds, masks, and the price
of a run.
"""
