"""The motion brush's pure part: strokes on the canvas become a mask of the image's size, a drawn line a path."""

from __future__ import annotations

import base64
import io

import pytest
from PIL import Image

from videostudio.form.masks import (
    Stroke,
    backdrop,
    canvas_size,
    mask_data_uri,
    mask_png,
    resample,
    strokes_from_drawing,
    trajectory,
)
from videostudio.media import to_data_uri


def fabric_path(points: list[tuple[float, float]], width: float = 20, **placed: float) -> dict:
    """A freehand path as the canvas hands it back (Fabric.js 7: placed by its centre)."""
    commands = [["M", *points[0]]] + [["Q", x - 1, y, x, y] for x, y in points[1:-1]] + [["L", *points[-1]]]
    xs, ys = [x for x, _ in points], [y for _, y in points]
    centre = {"left": (min(xs) + max(xs)) / 2, "top": (min(ys) + max(ys)) / 2}
    shape = {"type": "Path", "originX": "center", "originY": "center", "strokeWidth": width, "path": commands}
    return shape | centre | placed


def test_a_freehand_path_gives_its_points_and_width_in_canvas_pixels() -> None:
    [stroke] = strokes_from_drawing({"objects": [fabric_path([(10, 20), (30, 20), (50, 25)], width=12)]})
    assert stroke.points == ((10, 20), (30, 20), (50, 25))
    assert stroke.width == 12


def test_a_path_dragged_after_drawing_follows_its_box() -> None:
    # Drawn around x=30, y=22.5, then moved 100 px to the right and doubled in width.
    [stroke] = strokes_from_drawing({"objects": [fabric_path([(10, 20), (50, 25)], left=130, scaleX=2)]})
    assert stroke.points == ((90, 20), (170, 25))


def test_a_straight_line_and_odd_objects() -> None:
    line = {"type": "line", "left": 50, "top": 50, "x1": -10, "y1": 0, "x2": 10, "y2": 0, "strokeWidth": 3}
    line |= {"originX": "center", "originY": "center"}
    drawing = {"objects": [line, {"type": "rect"}, "junk", {"type": "path", "path": []}]}
    assert strokes_from_drawing(drawing) == [Stroke(((40, 50), (60, 50)), 3)]
    assert strokes_from_drawing(None) == [] and strokes_from_drawing({}) == []


def test_the_mask_is_black_and_white_at_the_image_size_white_where_painted() -> None:
    # A canvas at half the image's size: a stroke 10 px wide at y=50 paints a band 20 px wide at y=100.
    png = mask_png([Stroke(((20, 50), (80, 50)), 10)], canvas_size=(100, 75), image_size=(200, 150))
    mask = Image.open(io.BytesIO(png))
    assert mask.size == (200, 150)
    assert mask.mode == "1"
    grey = mask.convert("L")
    assert {value for _count, value in grey.getcolors()} == {0, 255}
    assert grey.getpixel((100, 100)) == 255  # on the stroke
    assert grey.getpixel((100, 92)) == 255  # inside its width
    assert grey.getpixel((100, 80)) == 0  # beyond it
    assert grey.getpixel((30, 100)) == 255  # the round cap before the first point
    assert grey.getpixel((5, 5)) == 0


def test_a_single_click_paints_a_dot() -> None:
    grey = Image.open(io.BytesIO(mask_png([Stroke(((50, 50),), 20)], (100, 100), (100, 100)))).convert("L")
    assert grey.getpixel((50, 50)) == 255 and grey.getpixel((55, 55)) == 255 and grey.getpixel((70, 50)) == 0


def test_nothing_painted_is_no_mask() -> None:
    assert mask_data_uri([], (100, 100), (100, 100)) is None
    uri = mask_data_uri([Stroke(((1, 1), (2, 2)), 5)], (100, 100), (100, 100))
    assert uri is not None and uri.startswith("data:image/png;base64,")


def test_resample_spaces_points_evenly_along_the_line_and_keeps_its_ends() -> None:
    # An L-shaped line 20 long: five points at every 5 units of length.
    assert resample([(0, 0), (10, 0), (10, 10)], 5) == [(0, 0), (5, 0), (10, 0), (10, 5), (10, 10)]
    assert resample([(0, 0), (10, 0)], 2) == [(0, 0), (10, 0)]
    assert resample([(3, 3), (3, 3)], 3) == [(3, 3)] * 3
    assert resample([], 4) == []


@pytest.mark.parametrize(
    ("drawn", "expected"),
    [
        (200, 77),  # a long hand-drawn line is thinned to the most points allowed
        (30, 30),  # within the limits, as many as were drawn
        (2, 2),
    ],
)
def test_a_trajectory_keeps_within_the_point_limits(drawn: int, expected: int) -> None:
    line = Stroke(tuple((float(i), float(i)) for i in range(drawn)), 4)
    points = trajectory([line], (300, 300), (300, 300), min_points=2, max_points=77)
    assert len(points) == expected
    assert points[0] == {"x": 0, "y": 0} and points[-1] == {"x": drawn - 1, "y": drawn - 1}


def test_a_trajectory_is_in_the_image_pixels_and_inside_the_image() -> None:
    # Drawn on a canvas at half size, running past its right edge.
    line = Stroke(((10, 10), (60, 10), (120, 40)), 4)
    points = trajectory([line], (100, 50), (200, 100), min_points=5, max_points=10)
    assert points[0] == {"x": 20, "y": 20}
    assert all(0 <= p["x"] < 200 and 0 <= p["y"] < 100 for p in points)
    assert points[-1] == {"x": 199, "y": 80}
    assert len(points) == 5  # three points drawn, five at the least


def test_only_the_last_line_is_the_path_and_a_dot_is_none() -> None:
    first, last = Stroke(((0, 0), (5, 0)), 4), Stroke(((9, 9), (9, 1)), 4)
    assert trajectory([first, last], (10, 10), (10, 10))[0] == {"x": 9, "y": 9}
    assert trajectory([Stroke(((3, 3),), 4)], (10, 10), (10, 10)) == []
    assert trajectory([], (10, 10), (10, 10)) == []


def test_the_canvas_shows_the_image_narrowed_to_fit() -> None:
    assert canvas_size((960, 640), 440) == (440, 293)
    assert canvas_size((300, 200), 440) == (300, 200)


def test_the_backdrop_is_the_image_at_the_canvas_size() -> None:
    buffer = io.BytesIO()
    Image.new("RGB", (960, 640), (0, 0, 255)).save(buffer, "PNG")
    small = backdrop(to_data_uri(buffer.getvalue(), "image/png"), (440, 293))
    header, encoded = small.split(",", 1)
    assert header == "data:image/jpeg;base64"
    image = Image.open(io.BytesIO(base64.b64decode(encoded)))
    assert image.size == (440, 293) and image.getpixel((10, 10))[2] > 200
