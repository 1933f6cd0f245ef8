"""Pictures in the offline renderer: the frames of a clip as BT.709 yuv420p, from images or from an input video.

Images get a slow zoom or pan and cross-fade through in order (first frame, keyframes, last frame); an input clip
is replayed under a light tint from the prompt, or played once and continued (extend). The caption goes on top.
"""

from __future__ import annotations

import hashlib
import io
import math

import av
import numpy as np
from av.video.reformatter import VideoReformatter
from PIL import Image, ImageOps

from videostudio.offline.render.footage import Footage
from videostudio.offline.render.request import RenderRequest
from videostudio.offline.render.text import caption_band, hsv_to_rgb, placeholder, scene

# Ken Burns zoom goes 1.0 -> 1.08: noticeable motion, but the subject never leaves the frame.
_ZOOM_END = 1.08
# A pan travels this fraction of the frame width; the source is scaled up by the same factor to allow it.
_PAN_SPAN = 0.12
# Sub-pixel source copies (x, y) per motion; see _FrameSource.__init__.
_PHASES = {"pan": (4, 1), "zoom": (2, 2)}
# At most this many images between the first and last frame: each prepared picture holds a few frame-sized copies.
_MAX_KEYFRAMES = 8
# How much of the prompt's colour a replayed input clip takes on: a visible restyle that keeps the input legible.
_TINT = 0.2
# How far an extension fades from the input's last frame towards the prompt's scene by its end.
_EXTEND_MIX = 0.6


class ImageFrames:
    """Produces the clip's frames as BT.709 yuv420p: motion over prepared source(s), caption on top."""

    def __init__(self, request: RenderRequest, n_frames: int) -> None:
        self.width = request.width
        self.height = request.height
        self.n_frames = n_frames
        self.motion = request.motion
        # The source is prepared once, slightly larger than the frame. Each frame is then an integer
        # numpy crop that swscale scales and converts to yuv420p in a single C pass: ~4x cheaper than
        # a Pillow resize per frame, which alone would blow the CPU budget at 720p.
        scale = _ZOOM_END if self.motion == "zoom" else 1 + _PAN_SPAN
        self.src_size = (math.ceil(self.width * scale), math.ceil(self.height * scale))
        # Frames are integer crops, but motion is slow (~0.4-1.3 px per frame), so whole-pixel steps
        # would judder visibly. The source is therefore prepared as a few copies shifted by fractions of
        # a pixel and each frame crops the copy nearest its exact position. Pans use quarter-pixel x
        # positions. Zooms use half-pixel x/y copies, which make every integer-sized crop exactly
        # centred; what remains is the crop size rounding, < 0.25 px at the frame edges.
        self.phases = _PHASES[self.motion]
        # The pictures the clip cross-fades through, in order: first frame, keyframes, last frame.
        self.pictures = [self._prepare(request.image, request.placeholder_title, request.scene)]
        self.pictures += [self._prepare(data, "", "") for data in request.keyframes[:_MAX_KEYFRAMES]]
        if request.end_image is not None:
            self.pictures.append(self._prepare(request.end_image, "", ""))
        self._sws = VideoReformatter()
        self._sws_end = VideoReformatter()
        self.caption = Overlay.caption(request.caption, self.width, self.height)

    def _prepare(self, data: bytes | None, title: str, scene_text: str) -> list[list[np.ndarray]]:
        """The source picture, cover-fitted to src_size, as [y phase][x phase] RGB arrays."""
        if data is not None:
            picture = load_image(data, self.src_size)
        else:
            # Drawn larger than needed so that, like a photo, every phase copy is a genuine resample
            # (an unscaled phase 0 next to blurred half-pixel phases would make the title shimmer).
            src_w, src_h = self.src_size
            size = (round(src_w * 1.5), round(src_h * 1.5))
            picture = scene(size, scene_text) if scene_text and not title else placeholder(size, title)
        return [[np.asarray(img) for img in row] for row in cover(picture, self.src_size, self.phases)]

    def frame(self, index: int) -> av.VideoFrame:
        """Return frame `index` as a width x height yuv420p frame."""
        t = index / (self.n_frames - 1) if self.n_frames > 1 else 1.0
        phase_x, phase_y, left, top, crop_w, crop_h = self._crop(t)
        # Which two pictures are on screen: each of the n-1 spans cross-fades one into the next.
        spans = len(self.pictures) - 1
        first = min(int(t * spans), spans - 1) if spans else 0
        local = t * spans - first if spans else 0.0
        start = self.pictures[first][phase_y][phase_x]
        frame = to_yuv(self._sws, start[top : top + crop_h, left : left + crop_w], self.width, self.height)
        if spans:
            # Smoothstep easing: the cross-fade starts and settles gently instead of at a constant rate.
            alpha = local * local * (3 - 2 * local)
            weight = round(alpha * 256)
            if weight > 0:
                end_crop = self.pictures[first + 1][phase_y][phase_x][top : top + crop_h, left : left + crop_w]
                end_frame = to_yuv(self._sws_end, end_crop, self.width, self.height)
                if weight >= 256:
                    frame = end_frame
                else:
                    blend(frame, end_frame, weight)
        if self.caption is not None:
            self.caption.apply(frame)
        return frame

    def _crop(self, t: float) -> tuple[int, int, int, int, int, int]:
        """(x phase, y phase, left, top, width, height) of the source region shown at time t in [0, 1]."""
        src_w, src_h = self.src_size
        phases_x, phases_y = self.phases
        if self.motion == "zoom":
            zoom = 1.0 + (_ZOOM_END - 1.0) * t
            crop_w = min(src_w, round(src_w / zoom))
            crop_h = min(src_h, round(src_h / zoom))
            # Centred offsets are whole or half pixels: the half lives in the half-pixel-shifted copy.
            left, phase_x = divmod(src_w - crop_w, 2)
            top, phase_y = divmod(src_h - crop_h, 2)
            return phase_x, phase_y, left, top, crop_w, crop_h
        # Pan: a frame-sized window slides left to right across the enlarged source, vertically centred.
        steps = round((src_w - self.width) * t * phases_x)
        left, phase_x = divmod(steps, phases_x)
        if left + self.width > src_w:
            left, phase_x = src_w - self.width, 0
        return phase_x, 0, left, (src_h - self.height) // 2, self.width, self.height


def blend(frame: av.VideoFrame, other: av.VideoFrame, weight: int) -> None:
    """Mix ``other`` into ``frame`` in place, ``weight``/256 of it."""
    # YUV is an affine transform of RGB, so blending planes equals blending pictures.
    for dst, src in zip(planes(frame), planes(other), strict=True):
        dst[:] = (dst.astype(np.uint16) * (256 - weight) + src * np.uint16(weight) + 128) >> 8


class FootageFrames:
    """Frames from an input clip: replayed (looping) under a light tint from the prompt, or played once and
    then continued from its last frame, zooming and fading towards the prompt's scene (extend); caption on top."""

    def __init__(self, request: RenderRequest, n_frames: int) -> None:
        assert request.video is not None
        self.width, self.height, self.fps = request.width, request.height, request.fps
        self.n_frames = n_frames
        self.extend = request.extend
        self.footage = Footage(request.video, self.width, self.height)
        self.prompt = request.caption or request.scene or "video"
        self._sws = VideoReformatter()
        # Both looks are mixed in on the yuv420p frame (half the samples of RGB, integer maths): the restyle
        # is a fixed share of a colour from the prompt, the extension fades towards the prompt's scene.
        self._look: av.VideoFrame | None = None
        self.caption = Overlay.caption(request.caption, self.width, self.height)

    def frame(self, index: int) -> av.VideoFrame:
        seconds = index / self.fps
        length = self.footage.duration
        if self.extend:
            new = length > 0 and seconds >= length
            rgb = self.footage.at(min(seconds, length))
            weight = 0
            if new:
                # The new part: the last input frame, slowly zoomed in, fading towards the prompt's scene.
                t = (seconds - length) / max(1e-6, (self.n_frames / self.fps) - length)
                rgb = self._zoomed(rgb, 1.0 + (_ZOOM_END - 1.0) * t)
                weight = round(_EXTEND_MIX * t * 256)
        else:
            rgb = self.footage.at(seconds % length if length > 0 else seconds)
            weight = round(_TINT * 256)
        frame = to_yuv(self._sws, np.ascontiguousarray(rgb), self.width, self.height)
        if weight > 0:
            blend(frame, self._look_frame(), weight)
        if self.caption is not None:
            self.caption.apply(frame)
        if index == self.n_frames - 1:
            self.footage.close()
        return frame

    def _look_frame(self) -> av.VideoFrame:
        """What the input is mixed with: the prompt's scene (extend) or its colour (replay)."""
        if self._look is None:
            if self.extend:
                picture = np.asarray(scene((self.width, self.height), self.prompt))
            else:
                hue = hashlib.sha256(self.prompt.encode()).digest()[0] / 255
                colour = np.array(hsv_to_rgb(hue, 0.7, 0.9), dtype=np.float32)
                picture = np.broadcast_to((colour + 0.5).astype(np.uint8), (self.height, self.width, 3)).copy()
            self._look = to_yuv(VideoReformatter(), picture, self.width, self.height)
        return self._look

    def _zoomed(self, rgb: np.ndarray, zoom: float) -> np.ndarray:
        crop_w, crop_h = round(self.width / zoom), round(self.height / zoom)
        left, top = (self.width - crop_w) // 2, (self.height - crop_h) // 2
        return rgb[top : top + crop_h, left : left + crop_w]


class Overlay:
    """A pre-rendered translucent layer (the caption band) blended onto the bottom of yuv420p frames."""

    def __init__(self, rgb: Image.Image, mask: Image.Image) -> None:
        width, height = rgb.size
        yuv = to_yuv(VideoReformatter(), np.asarray(rgb), width, height)
        alpha = np.asarray(mask, dtype=np.uint16)
        # Chroma planes are half size: average each 2x2 block of the mask to match.
        alpha_c = ((alpha.reshape(height // 2, 2, width // 2, 2).sum(axis=(1, 3)) + 2) // 4).astype(np.uint16)
        # Precompute layer*alpha and 255-alpha so each frame costs one multiply-add per pixel.
        self.layers = [
            (plane.astype(np.uint16) * a, np.uint16(255) - a)
            for plane, a in zip(planes(yuv), (alpha, alpha_c, alpha_c), strict=True)
        ]

    @classmethod
    def caption(cls, caption: str, width: int, height: int) -> Overlay | None:
        """The caption band for a width x height frame, or None when there is no caption."""
        band = caption_band(caption, width, height)
        return cls(*band) if band is not None else None

    def apply(self, frame: av.VideoFrame) -> None:
        """Blend the layer onto the bottom rows of frame, in place."""
        for plane, (premultiplied, inverse) in zip(planes(frame), self.layers, strict=True):
            region = plane[plane.shape[0] - premultiplied.shape[0] :]
            # Max value is 255*255 + 127, so uint16 cannot overflow.
            region[:] = (region * inverse + premultiplied + 127) // 255


def to_yuv(sws: VideoReformatter, rgb: np.ndarray, width: int, height: int) -> av.VideoFrame:
    """Scale an RGB array to width x height and convert it to BT.709 limited-range yuv420p."""
    # swscale's default matrix is BT.601, which Chrome would decode as BT.709 for HD: a visible hue
    # shift. Converting with BT.709 explicitly (and tagging the stream) keeps the colours we drew.
    return sws.reformat(
        # Zero-copy: the frame points into the (strided) crop of the source array.
        av.VideoFrame.from_numpy_buffer(rgb, format="rgb24"),
        width,
        height,
        "yuv420p",
        dst_colorspace="ITU709",
        src_color_range="JPEG",
        dst_color_range="MPEG",
        interpolation="BILINEAR",
        threads=1,  # slice threads cost more CPU in sync than they save on a frame this size
    )


def planes(frame: av.VideoFrame) -> list[np.ndarray]:
    """Writable numpy views of a frame's planes (line padding cut off)."""
    return [
        np.frombuffer(plane, np.uint8).reshape(plane.height, plane.line_size)[:, : plane.width]
        for plane in frame.planes
    ]


def load_image(data: bytes, min_size: tuple[int, int]) -> Image.Image:
    """Decode image bytes to upright RGB; transparent areas go onto a dark backdrop."""
    try:
        img = Image.open(io.BytesIO(data))
        # JPEG can decode at 1/2, 1/4, 1/8 scale for free; ask for at least the source size in either
        # orientation (EXIF rotation is applied afterwards, so the long side must cover both dims).
        longest = max(min_size)
        img.draft("RGB", (longest, longest))
        img = ImageOps.exif_transpose(img)
        img.load()
    except (OSError, ValueError, Image.DecompressionBombError, SyntaxError) as exc:
        raise ValueError(f"cannot decode image: {exc}") from exc
    if img.mode in ("I", "F") or img.mode.startswith("I;16"):
        # 16-bit/float greyscale (e.g. 16-bit PNG): convert("RGB") would clip everything above 255 to white.
        grey = np.asarray(img, dtype=np.float32)
        if grey.max() > 255:
            grey = grey / 257.0
        img = Image.fromarray(np.clip(grey + 0.5, 0, 255).astype(np.uint8), "L")
    if img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info):
        rgba = img.convert("RGBA")
        backdrop = Image.new("RGB", rgba.size, (16, 16, 20))
        backdrop.paste(rgba, (0, 0), rgba.getchannel("A"))
        return backdrop
    return img.convert("RGB")


def cover(img: Image.Image, size: tuple[int, int], phases: tuple[int, int] = (1, 1)) -> list[list[Image.Image]]:
    """Scale and centre-crop img to fill size (CSS object-fit: cover) as [y][x] sub-pixel-shifted copies.

    Copy [j][i] is shifted i/phases_x px right and j/phases_y px down (in output pixels).
    """
    target_w, target_h = size
    src_w, src_h = img.size
    phases_x, phases_y = phases
    # The shifted copies reach up to (n-1)/n of a pixel further, so cover that much extra.
    extra_x, extra_y = (phases_x - 1) / phases_x, (phases_y - 1) / phases_y
    scale = max((target_w + extra_x) / src_w, (target_h + extra_y) / src_h)  # source px -> target px
    crop_w, crop_h = target_w / scale, target_h / scale
    left = (src_w - (target_w + extra_x) / scale) / 2
    top = (src_h - (target_h + extra_y) / scale) / 2
    rows = []
    for j in range(phases_y):
        row = []
        for i in range(phases_x):
            x0, y0 = left + i / phases_x / scale, top + j / phases_y / scale
            box = (x0, y0, min(float(src_w), x0 + crop_w), min(float(src_h), y0 + crop_h))
            # reducing_gap lets Pillow shrink big photos by integer steps first: much faster, same look.
            row.append(img.resize(size, Image.Resampling.BICUBIC, box=box, reducing_gap=3.0))
        rows.append(row)
    return rows
