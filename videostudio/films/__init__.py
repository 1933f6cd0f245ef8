"""Films: a few shots made one after another, assembled into one video with narration and music."""
