"""A world map of figures per country, drawn as inline SVG from the geometry the
frontend build projects (ovote/static/map/world.json, from the world-atlas package;
see frontend/src/map/world.mjs).

Pure: `load_world` reads the geometry, `choropleth` classes each country by its figure
and names what the map cannot show. Countries are keyed by ISO 3166-1 alpha-2 codes;
the geometry's numeric codes are translated with pycountry. The map is a complement:
the pages that draw it always give the same figures in a table.
"""
import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pycountry

#: fill classes, lightest first; each one has at least 3:1 contrast against the white
#: of a country with no figure and of the page (app.css gives the colours)
CLASS_COLOURS = ("#4a8bbf", "#2b6ca8", "#1b4f86", "#0c2f5c")
EMPTY_CLASS = "map-empty"


@dataclass(frozen=True)
class World:
    width: int
    height: int
    top: float
    #: alpha-2 code -> SVG path data of the country's shape
    shapes: dict
    #: alpha-2 code -> (x, y) of a country too small to draw, drawn as a dot
    dots: dict


@dataclass(frozen=True)
class Shape:
    code: str
    name: str
    css_class: str
    title: str
    d: str = ""
    x: float = 0.0
    y: float = 0.0


@dataclass(frozen=True)
class LegendEntry:
    css_class: str
    low: int
    high: int


@dataclass(frozen=True)
class Choropleth:
    world: World
    shapes: list
    dots: list
    legend: list
    #: (code, name, figure) of countries with a figure that the geometry lacks
    not_drawn: list

    @property
    def view_box(self):
        return f"0 {self.world.top} {self.world.width} {self.world.height}"


def alpha2_of_numeric(numeric):
    country = pycountry.countries.get(numeric=str(numeric).zfill(3))
    return country.alpha_2 if country else None


def load_world(path):
    """The projected geometry at `path` (read once per file version)."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: the map geometry is built by the frontend build (make assets)")
    return _load(str(path), path.stat().st_mtime_ns)


@lru_cache(maxsize=4)
def _load(path, _version):
    with open(path, encoding="utf-8") as source:
        raw = json.load(source)
    shapes, dots = {}, {}
    for country in raw["countries"]:
        code = alpha2_of_numeric(country["id"])
        if code:
            shapes[code] = country["d"]
    for dot in raw["dots"]:
        code = alpha2_of_numeric(dot["id"])
        if code and code not in shapes:
            dots[code] = (dot["x"], dot["y"])
    return World(raw["width"], raw["height"], raw["top"], shapes, dots)


def class_bounds(highest, classes=len(CLASS_COLOURS)):
    """Upper bounds of the fill classes for figures 1..`highest`: as many classes as
    there are figures up to `classes`, of equal width, the last one ending at `highest`."""
    if highest <= 0:
        return []
    count = min(classes, highest)
    return [math.ceil(highest * i / count) for i in range(1, count + 1)]


def class_of(value, bounds):
    if not value:
        return EMPTY_CLASS
    for index, bound in enumerate(bounds):
        if value <= bound:
            return f"map-c{index + 1}"
    raise ValueError(f"{value} is above the highest class")


def choropleth(world, figures, *, name_of, title):
    """The map of `figures` (alpha-2 code -> count): every country of the geometry with
    its class and a title made by `title(name, figure)`; `name_of(code)` names a
    country in the reader's language."""
    bounds = class_bounds(max([n for n in figures.values() if n] + [0]))
    low, legend = 1, []
    for index, high in enumerate(bounds):
        legend.append(LegendEntry(f"map-c{index + 1}", low, high))
        low = high + 1

    def shape(code, **place):
        value = figures.get(code, 0)
        name = name_of(code)
        return Shape(code, name, class_of(value, bounds), title(name, value), **place)

    shapes = [shape(code, d=d) for code, d in world.shapes.items()]
    dots = [shape(code, x=x, y=y) for code, (x, y) in world.dots.items() if figures.get(code)]
    not_drawn = sorted((code, name_of(code), n) for code, n in figures.items()
                       if n and code not in world.shapes and code not in world.dots)
    return Choropleth(world, shapes, dots, legend, not_drawn)
