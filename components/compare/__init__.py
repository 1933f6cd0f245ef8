"""The Compare page's parts: the view and the synced player."""
