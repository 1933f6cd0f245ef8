"""One sound track made anew for joined pictures: any sound read as float samples, encoded once as AAC.

Pure module (no Streamlit), on PyAV. Shared by ``clip_join`` (each clip's own sound, end to end) and
``videostudio.films.assembly`` (each shot's sound with its narration and the film's music mixed in): both hand
``clip_join.write_joined`` a ``SoundPlan`` that gives the samples of each clip's span in turn.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:  # PyAV and numpy take about a second to load: they are imported where a join needs them
    import av
    import numpy as np

SOUND_RATE = 48_000
AAC_FRAME = 1024  # samples the AAC encoder takes per frame
_SOUND_BITRATE = {1: 128_000, 2: 192_000}
# FFmpeg's "fast" AAC coder takes half the CPU of its default "twoloop" (30 s of stereo: 0.47 s against 1.01 s), and the
# sound is most of a copied join's work (bench/film_assembly.py). FFmpeg's manual: "better and much faster at higher
# bitrates" (these are 128 and 192 kbit/s); the offline renderer uses it too.
_AAC_OPTIONS = {"aac_coder": "fast"}
LAYOUTS = {1: "mono", 2: "stereo"}


class SoundPlan(Protocol):
    """What the joined sound track holds: ``channels`` (1 or 2), and the samples of each clip's span in turn."""

    channels: int

    def samples(self, index: int, begin: int, length: int) -> np.ndarray:
        """The sound of clip ``index`` (from 0), which starts ``begin`` samples into the track: exactly ``length``
        samples at ``SOUND_RATE``, ``channels`` rows of float32."""
        ...


def sound_channels(path: Path) -> int:
    """How many channels the first sound of the file at ``path`` has (0 without sound); PyAV's errors pass through."""
    import av

    with av.open(str(path)) as container:
        return container.streams.audio[0].codec_context.channels if container.streams.audio else 0


def decoded_sound(path: Path, channels: int, start: float | None = None, limit: int | None = None) -> np.ndarray:
    """The first sound of the file at ``path`` as float32 samples at ``SOUND_RATE`` with ``channels`` channels.

    With ``start`` (the file's first timestamp, seconds), a sound that starts later is preceded by silence; without it
    the sound starts at once. Decoding stops once ``limit`` samples are there (the caller cuts the rest). A damaged
    packet is skipped (a moment of silence); a file that cannot be opened raises PyAV's error.
    """
    import av
    import numpy as np

    pieces: list[np.ndarray] = []
    have = 0
    lead: int | None = None  # silence before the sound starts
    resampler = av.AudioResampler(format="fltp", layout=LAYOUTS[channels], rate=SOUND_RATE)
    with av.open(str(path)) as container:
        stream = container.streams.audio[0]
        for packet in container.demux(stream):
            try:
                frames = packet.decode()
            except av.FFmpegError:
                continue  # a damaged packet: a moment of silence rather than no join
            for frame in frames:
                if lead is None and frame.time is not None:
                    lead = max(0, round((frame.time - start) * SOUND_RATE)) if start is not None else 0
                for piece in resampler.resample(frame):
                    pieces.append(piece.to_ndarray())
                    have += piece.samples
            if limit is not None and (lead or 0) + have >= limit:
                break  # no need to decode a long sound past where it is cut
        else:
            pieces += [f.to_ndarray() for f in resampler.resample(None)]
    samples = np.concatenate(pieces, axis=1) if pieces else np.zeros((channels, 0), np.float32)
    return np.pad(samples, ((0, 0), (lead or 0, 0))).astype(np.float32, copy=False)


def fitted_length(samples: np.ndarray, length: int) -> np.ndarray:
    """``samples`` cut or followed by silence to exactly ``length`` (contiguous float32)."""
    import numpy as np

    samples = np.pad(samples[:, :length], ((0, 0), (0, max(0, length - samples.shape[1]))))
    return np.ascontiguousarray(samples, dtype=np.float32)


class SoundTrack:
    """The joined sound track: each clip's samples appended in turn, encoded as AAC as far as the picture has got."""

    def __init__(self, out: av.container.OutputContainer, channels: int) -> None:
        import numpy as np

        self.channels = channels
        self.stream = out.add_stream("aac", rate=SOUND_RATE, layout=LAYOUTS[channels], options=dict(_AAC_OPTIONS))
        self.stream.codec_context.bit_rate = _SOUND_BITRATE[channels]
        self.samples = np.zeros((channels, 0), np.float32)
        self.sent = 0  # samples given to the encoder so far

    def add(self, samples: np.ndarray) -> None:
        import numpy as np

        self.samples = np.concatenate([self.samples, samples], axis=1)

    def until(self, out: av.container.OutputContainer, seconds: float) -> None:
        """Encode the whole AAC frames that start before ``seconds``: the muxer interleaves them with the picture."""
        while self.samples.shape[1] >= AAC_FRAME and self.sent < seconds * SOUND_RATE:
            self._encode(out, AAC_FRAME)

    def close(self, out: av.container.OutputContainer) -> None:
        while self.samples.shape[1]:
            self._encode(out, min(AAC_FRAME, self.samples.shape[1]))
        for packet in self.stream.encode(None):
            out.mux(packet)

    def _encode(self, out: av.container.OutputContainer, count: int) -> None:
        import av
        import numpy as np

        chunk, self.samples = np.ascontiguousarray(self.samples[:, :count]), self.samples[:, count:]
        frame = av.AudioFrame.from_ndarray(chunk, format="fltp", layout=LAYOUTS[self.channels])
        frame.sample_rate, frame.pts, frame.time_base = SOUND_RATE, self.sent, Fraction(1, SOUND_RATE)
        self.sent += count
        for packet in self.stream.encode(frame):
            out.mux(packet)
