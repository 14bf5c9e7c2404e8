"""The world map for the PDF report: the same country shapes and colours as the page's SVG map
(worldmap.py), redrawn as reportlab vector paths so the PDF needs no SVG renderer.

The shipped shapes use relative path commands (m, l, h, v, c, s and their absolute forms). At
the report's scale a curve segment is under a tenth of a millimetre, so each curve is drawn as
the straight line to its end point: the outline is indistinguishable and the file stays small."""

from __future__ import annotations

import re
from functools import cache

from reportlab.graphics.shapes import Drawing, Group, Path, Rect
from reportlab.lib import colors

from nohaven.policy import worldmap
from nohaven.policy.gaps import Analysis

_VIEWBOX = re.compile(r'viewBox="0 0 ([\d.]+) ([\d.]+)"')
_SHAPE = re.compile(r'<g class="([a-z]{2}) country map-element">(.*?)</g>', re.S)
_PATH_DATA = re.compile(r'<path d="([^"]+)"')
_TOKEN = re.compile(r"[A-Za-z]|[-+]?(?:\d*\.\d+|\d+\.?)(?:[eE][-+]?\d+)?")
# How many numbers each command takes; the end point is the last pair.
_ARITY = {"m": 2, "l": 2, "t": 2, "h": 1, "v": 1, "c": 6, "s": 4, "q": 4, "a": 7}

Polygon = list[tuple[float, float]]


def _polygons(data: str) -> list[Polygon]:
    """The closed outlines of one SVG path, in absolute coordinates."""
    tokens = _TOKEN.findall(data)
    polygons: list[Polygon] = []
    current: Polygon = []
    x = y = 0.0
    start = (0.0, 0.0)
    command = "m"
    i = 0
    while i < len(tokens):
        if tokens[i].isalpha():
            command = tokens[i]
            i += 1
            if command in "zZ":
                if current:
                    polygons.append(current)
                current, (x, y) = [], start
                continue
        lower = command.lower()
        arity = _ARITY[lower]
        args = [float(t) for t in tokens[i : i + arity]]
        i += arity
        relative = command.islower()
        if lower == "h":
            x = x + args[0] if relative else args[0]
        elif lower == "v":
            y = y + args[0] if relative else args[0]
        else:
            ex, ey = args[-2], args[-1]
            x, y = (x + ex, y + ey) if relative else (ex, ey)
        if lower == "m":
            if current:
                polygons.append(current)
            current, start = [(x, y)], (x, y)
            command = "l" if relative else "L"  # later pairs after a move are lines
        else:
            current.append((x, y))
    if current:
        polygons.append(current)
    return polygons


@cache
def _shapes() -> tuple[tuple[float, float], dict[str, list[Polygon]]]:
    source = worldmap.source_svg()
    box = _VIEWBOX.search(source)
    size = (float(box.group(1)), float(box.group(2))) if box else (2475.0, 1388.0)
    shapes: dict[str, list[Polygon]] = {}
    for match in _SHAPE.finditer(source):
        outlines = [p for d in _PATH_DATA.findall(match.group(2)) for p in _polygons(d)]
        shapes[match.group(1).upper()] = outlines
    return size, shapes


def drawing(analysis: Analysis, *, width: float, only: set[str] | None = None) -> Drawing:
    """The map ``width`` points wide, coloured by share of criteria met; countries outside
    ``only`` are pale, as on the page."""
    (source_width, source_height), shapes = _shapes()
    scale = width / source_width
    height = source_height * scale
    art = Drawing(width, height)
    art.add(Rect(0, 0, width, height, fillColor=colors.white, strokeColor=None))
    group = Group()
    for code, outlines in shapes.items():
        result = analysis.results.get(code)
        if result is None:
            fill = worldmap.UNKNOWN_FILL
        elif only is not None and code not in only:
            fill = worldmap.OUTSIDE_FILL
        else:
            fill = worldmap.score_fill(result.score)
        for outline in outlines:
            path = Path(fillColor=colors.HexColor(fill), strokeColor=colors.white, strokeWidth=0.15)
            first, *rest = outline
            path.moveTo(first[0] * scale, height - first[1] * scale)
            for px, py in rest:
                path.lineTo(px * scale, height - py * scale)
            path.closePath()
            group.add(path)
    art.add(group)
    return art
