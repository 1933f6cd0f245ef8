"""Music for a film: the music models from their documents, what a piece costs, and making and keeping one.

Pure (no Streamlit). ``models``: ``music_models()``, ``MusicModel`` (length limits, lyrics), ``default_music_model()``
and ``music_estimate``. ``making``: ``start_music`` (never sent twice; a lost answer is found in the usage logs),
``music_state`` (one poll) and ``keep_music`` (download, check, keep in the media storage).
"""

from videostudio.music.making import (
    MusicError,
    MusicState,
    keep_music,
    music_payload,
    music_state,
    start_music,
)
from videostudio.music.models import (
    MusicModel,
    default_music_model,
    music_estimate,
    music_model,
    music_models,
)

__all__ = [
    "MusicError",
    "MusicModel",
    "MusicState",
    "default_music_model",
    "keep_music",
    "music_estimate",
    "music_model",
    "music_models",
    "music_payload",
    "music_state",
    "start_music",
]
