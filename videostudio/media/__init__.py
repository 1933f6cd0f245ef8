"""Prepare uploaded images, audio and video for the video API: check them, fix what can be fixed, and embed them
as data URIs.

Pure package (no Streamlit): every problem is a ``MediaError`` whose message a non-programmer can act on, and
every change made to a file is reported back as a plain-words note. Split along its seams:
``data_uri`` (the wire form), ``images`` and ``image_codec`` (Pillow), ``audio`` and ``video`` (PyAV),
``video_rules`` (limits read from a field's prose), ``video_convert`` (remux / re-encode to MP4),
``uploads`` (file endings, and the one dispatcher the UI calls), ``kinds`` (one sheet per media kind: its words,
file endings and preview).
"""

from videostudio.media.audio import PreparedAudio, prepare_audio
from videostudio.media.common import MediaError
from videostudio.media.data_uri import data_uri_mime, decode_data_uri, file_extension, is_data_uri, to_data_uri
from videostudio.media.image_codec import MAX_PIXELS
from videostudio.media.images import THUMBNAIL_SIDE, PreparedImage, prepare_image, thumbnail_data_uri
from videostudio.media.uploads import Prepared, prepare_upload, upload_extensions
from videostudio.media.video import PreparedVideo, VideoProbe, prepare_video, probe_video
from videostudio.media.video_rules import VideoRules, video_rules_from_text

__all__ = [
    "MAX_PIXELS",
    "THUMBNAIL_SIDE",
    "MediaError",
    "Prepared",
    "PreparedAudio",
    "PreparedImage",
    "PreparedVideo",
    "VideoProbe",
    "VideoRules",
    "data_uri_mime",
    "decode_data_uri",
    "file_extension",
    "is_data_uri",
    "prepare_audio",
    "prepare_image",
    "prepare_upload",
    "prepare_video",
    "probe_video",
    "thumbnail_data_uri",
    "to_data_uri",
    "upload_extensions",
    "video_rules_from_text",
]
