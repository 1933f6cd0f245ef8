"""Speech from typed text: the text-to-speech models, what a speech will take and cost, and making and keeping one.

- ``models``: ``SpeechModel`` (its voices, default voice, text limit and where the voice goes in the request), read
  from the official documents (``catalogue.assist_models("speech")``); ``speech_models``, ``default_speech_model``;
- ``fitting``: ``audio_limit``, the most seconds of audio a video model's field takes, as the studio knows it;
- ``making``: ``speech_estimate`` (seconds and dollars before anything is sent) and ``make_speech`` (one call to
  ``POST /v1/tts``, never retried; the audio downloaded, checked, kept in the media storage and measured).

Pure: no Streamlit. The form's "Type what they say" (components/form/typed_speech.py) and the storyboard's narration
use it.
"""

from videostudio.voices.fitting import audio_limit
from videostudio.voices.making import (
    Speech,
    SpeechError,
    SpeechEstimate,
    make_speech,
    speech_estimate,
    speech_problem,
    spoken_seconds,
)
from videostudio.voices.models import SpeechModel, default_speech_model, speech_model, speech_models

__all__ = [
    "audio_limit",
    "Speech",
    "SpeechError",
    "SpeechEstimate",
    "SpeechModel",
    "default_speech_model",
    "make_speech",
    "speech_estimate",
    "speech_model",
    "speech_models",
    "speech_problem",
    "spoken_seconds",
]
