"""The Generate page's parts: the button and its batch, the price, presets, drafts, and what follows a press."""
