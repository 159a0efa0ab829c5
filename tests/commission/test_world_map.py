"""The diaspora map's drawing: the geometry the frontend build projects, the classes
of the colour scale and what the map cannot show."""
import re
from pathlib import Path

import pytest

from ovote.web import world_map

ROOT = Path(__file__).resolve().parents[2]
WORLD = ROOT / "ovote" / "static" / "map" / "world.json"


@pytest.fixture(scope="module")
def world():
    return world_map.load_world(WORLD)


def test_the_built_geometry_has_the_countries_by_alpha2(world):
    assert (world.width, world.top) == (960, -1) and 400 < world.height < 520
    assert {"FR", "US", "JP", "BR", "AU", "ZA", "IN"} <= set(world.shapes)
    assert world.shapes["FR"].startswith("M")
    # Too small for the 1:110m shapes, drawn as dots from the 1:50m set.
    assert {"SG", "MT", "BH", "VA"} <= set(world.dots) and not set(world.dots) & set(world.shapes)
    assert "AQ" not in world.shapes


def test_numeric_codes_become_alpha2():
    assert [world_map.alpha2_of_numeric(n) for n in ("250", "36", 840, "999")] == ["FR", "AU", "US", None]


@pytest.mark.parametrize("highest, bounds", [
    (0, []), (1, [1]), (3, [1, 2, 3]), (4, [1, 2, 3, 4]), (5, [2, 3, 4, 5]), (6, [2, 3, 5, 6]),
    (1000, [250, 500, 750, 1000])])
def test_class_bounds(highest, bounds):
    assert world_map.class_bounds(highest) == bounds


def test_class_of():
    bounds = [250, 500, 750, 1000]
    assert [world_map.class_of(n, bounds) for n in (0, 1, 250, 251, 1000)] == [
        "map-empty", "map-c1", "map-c1", "map-c2", "map-c4"]
    with pytest.raises(ValueError):
        world_map.class_of(1001, bounds)


def test_the_choropleth(world):
    chart = world_map.choropleth(world, {"FR": 6, "DE": 2, "SG": 1, "XK": 3}, name_of=lambda c: c.lower(),
                                 title=lambda name, n: f"{name}={n}")
    by_code = {s.code: s for s in chart.shapes}
    assert (by_code["FR"].css_class, by_code["FR"].title) == ("map-c4", "fr=6")
    assert by_code["DE"].css_class == "map-c1" and by_code["IT"].css_class == "map-empty"
    assert [(d.code, d.css_class, d.title) for d in chart.dots] == [("SG", "map-c1", "sg=1")]
    assert [(e.css_class, e.low, e.high) for e in chart.legend] == [
        ("map-c1", 1, 2), ("map-c2", 3, 3), ("map-c3", 4, 5), ("map-c4", 6, 6)]
    # Kosovo has no ISO 3166 numeric code in Natural Earth: named as not drawn.
    assert chart.not_drawn == [("XK", "xk", 3)]
    assert chart.view_box == f"0 -1 960 {world.height}"


def test_a_missing_geometry_names_the_build_step(tmp_path):
    with pytest.raises(FileNotFoundError, match="make assets"):
        world_map.load_world(tmp_path / "world.json")


def luminance(colour):
    def channel(c):
        c /= 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(int(colour[i:i + 2], 16)) for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def test_every_shade_stands_out_from_white_and_the_stylesheet_uses_them():
    css = (ROOT / "ovote" / "static" / "css" / "app.css").read_text()
    for index, colour in enumerate(world_map.CLASS_COLOURS, start=1):
        assert 1.05 / (luminance(colour) + 0.05) >= 3
        assert re.search(rf"\.map-c{index} {{ fill: {colour}; }}", css)
    assert ".map-empty { fill: #fff; }" in css
