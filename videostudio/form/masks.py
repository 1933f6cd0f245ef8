"""The motion brush, without Streamlit: painted strokes become a mask image, a drawn line becomes a path.

The canvas (components/form/widgets/brush.py) shows the start image scaled down to fit the page and hands back
its drawing as Fabric.js JSON, in canvas pixels. Everything here turns that into what the API wants, in the
start image's own pixels: a black-and-white PNG of the image's size (white = painted) and a list of
``{x, y}`` points, resampled to the number of points the schema allows.
"""

from __future__ import annotations

import io
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from PIL import Image, ImageDraw

from videostudio.media import decode_data_uri, to_data_uri

Point = tuple[float, float]


@dataclass(frozen=True)
class Stroke:
    """One stroke of the brush, in canvas pixels."""

    points: tuple[Point, ...]
    width: float


def strokes_from_drawing(drawing: Mapping[str, Any] | None) -> list[Stroke]:
    """The freehand strokes and lines of a Fabric.js drawing (``{"objects": [...]}``), in canvas pixels.

    A freehand path lists its commands in canvas coordinates (``["M", x, y]``, ``["Q", cx, cy, x, y]``,
    ``["L", x, y]``); the end point of each command is enough for a brush this wide. A moved or scaled
    path is placed by its ``left``/``top`` and scale instead, around the path's own origin.
    """
    strokes: list[Stroke] = []
    for item in (drawing or {}).get("objects", []) or []:
        if not isinstance(item, Mapping):
            continue
        points = _path_points(item) if str(item.get("type")).lower() == "path" else _line_points(item)
        if points:
            strokes.append(Stroke(tuple(points), float(item.get("strokeWidth") or 1)))
    return strokes


def _path_points(item: Mapping[str, Any]) -> list[Point]:
    points: list[Point] = []
    for command in item.get("path") or []:
        numbers = [c for c in command[1:] if isinstance(c, int | float)] if isinstance(command, list) else []
        if len(numbers) >= 2:
            points.append((float(numbers[-2]), float(numbers[-1])))
    if not points:
        return []
    # Fabric keeps the commands as drawn and places the path by its box: a path dragged or scaled since it was
    # drawn has its box elsewhere, and each point follows the box around the points' own centre.
    xs, ys = [x for x, _ in points], [y for _, y in points]
    drawn_x, drawn_y = (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2
    placed_x, placed_y = _centre(item)
    scale_x, scale_y = float(item.get("scaleX") or 1), float(item.get("scaleY") or 1)
    if (scale_x, scale_y) == (1, 1) and abs(placed_x - drawn_x) <= 2 and abs(placed_y - drawn_y) <= 2:
        return points
    return [(placed_x + (x - drawn_x) * scale_x, placed_y + (y - drawn_y) * scale_y) for x, y in points]


def _centre(item: Mapping[str, Any]) -> Point:
    left, top = float(item.get("left") or 0), float(item.get("top") or 0)
    if item.get("originX", "left") == "left":
        left += float(item.get("width") or 0) * float(item.get("scaleX") or 1) / 2
    if item.get("originY", "top") == "top":
        top += float(item.get("height") or 0) * float(item.get("scaleY") or 1) / 2
    return left, top


def _line_points(item: Mapping[str, Any]) -> list[Point]:
    if str(item.get("type")).lower() != "line":
        return []
    left, top = _centre(item)
    x1, y1, x2, y2 = (float(item.get(k) or 0) for k in ("x1", "y1", "x2", "y2"))
    return [(left + x1, top + y1), (left + x2, top + y2)]


def mask_png(strokes: Sequence[Stroke], canvas_size: tuple[int, int], image_size: tuple[int, int]) -> bytes:
    """A black PNG of ``image_size`` with ``strokes`` (drawn on a canvas of ``canvas_size``) painted white."""
    scale_x, scale_y = image_size[0] / canvas_size[0], image_size[1] / canvas_size[1]
    mask = Image.new("L", image_size, 0)
    draw = ImageDraw.Draw(mask)
    for stroke in strokes:
        width = max(1, round(stroke.width * (scale_x + scale_y) / 2))
        points = [(x * scale_x, y * scale_y) for x, y in stroke.points]
        if len(points) > 1:
            draw.line(points, fill=255, width=width, joint="curve")
        # Round caps (and a dot for a single click), as the brush shows them.
        radius = width / 2
        for x, y in points[:: max(1, len(points) - 1)]:
            draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=255)
    buffer = io.BytesIO()
    mask.convert("1").save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def mask_data_uri(strokes: Sequence[Stroke], canvas_size: tuple[int, int], image_size: tuple[int, int]) -> str | None:
    """The painted mask as a ``data:image/png`` URI, or None when nothing was painted."""
    if not strokes:
        return None
    return to_data_uri(mask_png(strokes, canvas_size, image_size), "image/png")


def resample(points: Sequence[Point], count: int) -> list[Point]:
    """``count`` points evenly spaced along the line through ``points`` (its ends kept)."""
    if not points or count <= 0:
        return []
    if count == 1 or len(points) == 1:
        return [points[0]] * count if len(points) == 1 else [points[0]]
    lengths = [0.0]
    for (x1, y1), (x2, y2) in zip(points, points[1:], strict=False):
        lengths.append(lengths[-1] + math.hypot(x2 - x1, y2 - y1))
    total = lengths[-1]
    if total == 0:
        return [points[0]] * count
    result: list[Point] = []
    segment = 0
    for index in range(count):
        target = total * index / (count - 1)
        while segment < len(points) - 2 and lengths[segment + 1] < target:
            segment += 1
        span = lengths[segment + 1] - lengths[segment]
        t = 0.0 if span == 0 else (target - lengths[segment]) / span
        (x1, y1), (x2, y2) = points[segment], points[segment + 1]
        result.append((x1 + (x2 - x1) * t, y1 + (y2 - y1) * t))
    return result


def trajectory(
    strokes: Sequence[Stroke],
    canvas_size: tuple[int, int],
    image_size: tuple[int, int],
    *,
    min_points: int = 2,
    max_points: int | None = None,
) -> list[dict[str, int]]:
    """The last drawn line as ``{x, y}`` points in the image's pixels, within ``min_points``..``max_points``.

    A hand-drawn line has a point every few pixels; it keeps as many as it has, resampled evenly to at
    least ``min_points`` and at most ``max_points``. Empty when nothing (or only a dot) was drawn.
    """
    if not strokes or len(strokes[-1].points) < 2:
        return []
    points = strokes[-1].points
    count = max(min_points, 2, min(len(points), max_points or len(points)))
    if max_points:
        count = min(count, max_points)
    scale_x, scale_y = image_size[0] / canvas_size[0], image_size[1] / canvas_size[1]
    last_x, last_y = image_size[0] - 1, image_size[1] - 1
    return [
        {"x": min(max(round(x * scale_x), 0), last_x), "y": min(max(round(y * scale_y), 0), last_y)}
        for x, y in resample(points, count)
    ]


def canvas_size(image_size: tuple[int, int], max_width: int) -> tuple[int, int]:
    """The size the canvas shows an image at: its own size, or narrowed to ``max_width`` keeping its shape."""
    width, height = image_size
    if width <= max_width:
        return width, height
    return max_width, max(1, round(height * max_width / width))


def backdrop(data_uri: str, size: tuple[int, int]) -> str:
    """The image in ``data_uri`` at ``size``, as a small JPEG data URI to show under the canvas."""
    _mime, data = decode_data_uri(data_uri)
    with Image.open(io.BytesIO(data)) as image:
        small = image.convert("RGB").resize(size)
    buffer = io.BytesIO()
    small.save(buffer, format="JPEG", quality=85)
    return to_data_uri(buffer.getvalue(), "image/jpeg")
