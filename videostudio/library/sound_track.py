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
    packet is skipped (a moment of silence); a file that cannot be opened raises PyAV's error. The frames are kept as
    decoded and the whole sound resampled in one go (a fraction of the calls of frame by frame); one channel becomes
    two as it was in each, two become one as their mean, so the level stays as recorded.
    """
    import av
    import numpy as np

    lead: float | None = None  # seconds of silence before the sound starts
    with av.open(str(path)) as container:
        stream = container.streams.audio[0]
        own = min(2, stream.codec_context.channels) or 1  # more than two are mixed down to stereo by FFmpeg
        rate, have = stream.codec_context.sample_rate or SOUND_RATE, 0
        converter: av.AudioResampler | None = None  # for frames not already float planes at that rate
        rows: list[list[np.ndarray]] = [[] for _ in range(own)]  # each channel's pieces, read in place from the frames
        for packet in container.demux(stream):
            try:
                frames = packet.decode()
            except av.FFmpegError:
                continue  # a damaged packet: a moment of silence rather than no join
            for frame in frames:
                if lead is None and frame.time is not None:
                    lead = max(0.0, frame.time - start) if start is not None else 0.0
                if frame.format.name == "fltp" and frame.sample_rate == rate and len(frame.layout.channels) == own:
                    _take_planes(rows, frame)
                else:
                    converter = converter or av.AudioResampler(format="fltp", layout=LAYOUTS[own], rate=rate)
                    for piece in converter.resample(frame):
                        _take_planes(rows, piece)
                have += frame.samples * SOUND_RATE / frame.sample_rate
            if limit is not None and (lead or 0.0) * SOUND_RATE + have >= limit:
                break  # no need to decode a long sound past where it is cut
        for piece in converter.resample(None) if converter is not None else ():
            _take_planes(rows, piece)
    samples = np.empty((own, sum(piece.size for piece in rows[0])), np.float32)
    for row, line in zip(rows, samples, strict=True):
        if row:
            np.concatenate(row, out=line)
    # Fewer channels before resampling, more after: the resampler never works on a channel that is only a copy.
    samples = _with_channels(_at_sound_rate(_with_channels(samples, min(channels, own)), rate), channels)
    silence = round((lead or 0.0) * SOUND_RATE)
    return np.pad(samples, ((0, 0), (silence, 0))) if silence else samples


def _take_planes(rows: list[list[np.ndarray]], frame: av.AudioFrame) -> None:
    """Each channel of the float-planar ``frame`` appended to its row, read in place (``to_ndarray`` would stack them
    into a new array for every frame, a copy made only to be copied again)."""
    import numpy as np

    for row, plane in zip(rows, frame.planes, strict=True):
        row.append(np.frombuffer(plane, np.float32, frame.samples))


def _at_sound_rate(samples: np.ndarray, rate: int) -> np.ndarray:
    """``samples`` (float planes at ``rate``) at ``SOUND_RATE``: FFmpeg's resampler given the whole sound at once."""
    import av
    import numpy as np

    if rate == SOUND_RATE or not samples.shape[1]:
        return samples
    layout = LAYOUTS[samples.shape[0]]
    whole = av.AudioFrame.from_ndarray(np.ascontiguousarray(samples), format="fltp", layout=layout)
    whole.sample_rate, whole.pts = rate, 0
    resampler = av.AudioResampler(format="fltp", layout=layout, rate=SOUND_RATE)
    pieces = [piece.to_ndarray() for piece in (*resampler.resample(whole), *resampler.resample(None))]
    return np.concatenate(pieces, axis=1) if pieces else np.zeros((samples.shape[0], 0), np.float32)


def _with_channels(samples: np.ndarray, channels: int) -> np.ndarray:
    """``samples`` with ``channels`` rows: one row repeated into two, two averaged into one (the level as recorded,
    where FFmpeg's mixing would turn one channel down by 3 dB in each of two)."""
    import numpy as np

    if samples.shape[0] == channels:
        return samples
    if channels == 1:
        return samples.mean(axis=0, keepdims=True, dtype=np.float32)
    return np.repeat(samples, channels, axis=0)


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
