"""Every helper endpoint the offline backend answers, one route each: ``ASSIST_ROUTES[(method, path)]``.

Each part adds its own module beside this one and one line here.
"""

from __future__ import annotations

from videostudio.offline.assist import AssistRoute
from videostudio.offline.assist.chat import chat_completion
from videostudio.offline.assist.images import image_generation
from videostudio.offline.assist.music import MUSIC_PATH, poll_music, post_music
from videostudio.offline.assist.speech import SPEECH_PATH, answer_speech

ASSIST_ROUTES: dict[tuple[str, str], AssistRoute] = {
    ("POST", "/v1/chat/completions"): chat_completion,
    ("POST", "/v1/images/generations"): image_generation,
    ("POST", MUSIC_PATH): post_music,
    ("GET", MUSIC_PATH): poll_music,
    ("POST", SPEECH_PATH): answer_speech,
}
