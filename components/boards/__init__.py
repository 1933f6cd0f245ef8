"""Demo day's UI: a take's star, rating and "Add to board…", the Boards page's pieces, and the showcase player."""
