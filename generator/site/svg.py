"""Pictures as inline SVG: the tile map of Chongqing's 38 districts and the bar charts of shared metrics."""

from __future__ import annotations

import re

from markupsafe import Markup, escape

from .lang import Links, Words
from .view import Chart, PlaceView

TILE = 64
GAP = 4
SHADES = ("#eef2f6", "#c9dcec", "#8fb8da", "#4f8cc2", "#1f5f99")
_SUFFIX = re.compile(r"(土家族苗族自治县|苗族土家族自治县|土家族自治县|自治县|区|县)$")


def short_name(place: PlaceView, lang: str) -> str:
    """Tile label: 南岸 / Nanan."""
    if lang == "en":
        return (place.name.en or place.slug).split(" ")[0]
    short = _SUFFIX.sub("", place.name.zh)
    return short if len(short) >= 2 else place.name.zh


def shade(count: int, most: int) -> int:
    if count == 0 or most == 0:
        return 0
    return min(len(SHADES) - 1, 1 + (count - 1) * (len(SHADES) - 1) // max(most, 1))


LABEL_SIZE = {"zh": 16, "en": 13}
"""Tile labels in SVG units. The map is never drawn narrower than 40rem (CSS; it scrolls sideways in
its box on a phone), so 13 units stay at least 12 px on screen."""
LABEL_ROOM = TILE - 6
"""Width a label may take; a wider one is condensed to it (textLength), never stretched."""
EN_CHAR = 0.6
NARROW, WIDE = set("ijlft'r"), set("mwMW")
LOCATOR = ("#e3e9ef", "#1f5f99")


def tile_map(places: list[PlaceView], to: Links, w: Words, current: str | None = None) -> Markup:
    """The 38 tiles, shaded by coverage and labelled; with `current`, a small locator map instead:
    no labels (too small to read), every tile pale but the current one."""
    tiles = [p for p in places if p.tile]
    cols = max(p.tile["col"] for p in tiles)
    rows = max(p.tile["row"] for p in tiles)
    most = 0 if current else max(len(p.articles) for p in tiles)  # the locator does not shade by coverage
    width, height = cols * (TILE + GAP) - GAP, rows * (TILE + GAP) - GAP
    kind = "locator" if current else "tilemap"
    parts = [
        f'<svg class="{kind}" viewBox="0 0 {width} {height}" aria-labelledby="map-title">',
        Markup('<title id="map-title">{}</title>').format(w.t["map_title"]),
    ]
    for place in sorted(tiles, key=lambda p: (p.tile["row"], p.tile["col"])):
        if current:
            parts.append(_locator_tile(place, to, w, place.slug == current))
        else:
            parts.append(_tile(place, shade(len(place.articles), most), to, w))
    parts.append("</svg>")
    svg = Markup("\n".join(str(p) for p in parts))
    if current:
        return svg
    hint = Markup('<p class="map-hint" aria-hidden="true">{}</p>').format(w.t["map_scroll"])
    return hint + Markup('<div class="map-scroll">{}</div>').format(svg)


def _origin(place: PlaceView) -> tuple[int, int]:
    return (place.tile["col"] - 1) * (TILE + GAP), (place.tile["row"] - 1) * (TILE + GAP)


def _full_name(place: PlaceView, w: Words) -> str:
    return place.name.zh if w.lang == "zh" else (place.name.en or place.slug)


def _tile(place: PlaceView, level: int, to: Links, w: Words) -> Markup:
    x, y = _origin(place)
    label = short_name(place, w.lang)
    count = w.fmt("n_articles", n=len(place.articles))
    ink = "#fff" if level >= 3 else "#14202b"
    size = LABEL_SIZE[w.lang]
    fit = ""
    if w.lang == "en" and _text_width(label, size) > LABEL_ROOM:
        fit = f' textLength="{LABEL_ROOM}" lengthAdjust="spacingAndGlyphs"'
    return Markup(
        '<a href="{href}" class="tile" aria-label="{full}: {count}"><title>{full}: {count}</title>'
        '<rect x="{x}" y="{y}" width="{s}" height="{s}" rx="6" fill="{fill}"/>'
        '<text x="{tx}" y="{ty}" font-size="{size}" fill="{ink}" text-anchor="middle"{fit}{tl}>{label}</text>'
        '<text x="{tx}" y="{cy}" font-size="13" fill="{ink}" text-anchor="middle">{n}</text></a>'
    ).format(
        href=to.district(place.slug),
        full=_full_name(place, w),
        count=count,
        x=x,
        y=y,
        s=TILE,
        fill=SHADES[level],
        tx=x + TILE / 2,
        ty=y + TILE / 2,
        cy=y + TILE / 2 + 18,
        size=size,
        ink=ink,
        fit=Markup(fit),
        tl=Markup(' lang="zh-Hans"' if w.lang == "zh" else ""),
        label=label,
        n=len(place.articles) or "",
    )


def _locator_tile(place: PlaceView, to: Links, w: Words, current: bool) -> Markup:
    x, y = _origin(place)
    return Markup(
        '<a href="{href}" class="tile{cur}" aria-label="{full}"><title>{full}</title>'
        '<rect x="{x}" y="{y}" width="{s}" height="{s}" rx="6" fill="{fill}"/></a>'
    ).format(
        href=to.district(place.slug),
        cur=" current" if current else "",
        full=_full_name(place, w),
        x=x,
        y=y,
        s=TILE,
        fill=LOCATOR[1] if current else LOCATOR[0],
    )


def legend(w: Words) -> Markup:
    swatches = "".join(f'<span class="swatch" style="background:{c}"></span>' for c in SHADES)
    return Markup('<p class="legend">{} {} {}</p>').format(
        w.t["map_legend_none"], Markup(swatches), w.t["map_legend_more"]
    )


CHART_FONT = 14
BAR_ROOM = 160


def _text_width(text: str, size: float) -> float:
    """Rough advance of a label in the sans-serif stack: CJK characters are square, Latin ones
    about 0.6 em (0.3 for i, j, l …, 0.85 for m, w; capitals 0.7)."""

    def em(c: str) -> float:
        if ord(c) > 0x2E80:
            return 1.0
        if c in NARROW:
            return 0.3
        if c in WIDE:
            return 0.85
        return 0.7 if c.isupper() else EN_CHAR

    return sum(em(c) for c in text) * size


def bar_chart(chart: Chart, to: Links, w: Words) -> Markup:
    """Horizontal bars, one per district, each labelled and linked to its figure. The viewBox is as
    wide as the labels need and the chart is never drawn larger than 1:1, so a phone shrinks it
    only a little and the 14-unit labels stay legible."""
    figures = [to.data.figures[f] for _, f in chart.bars]
    places = [to.data.places[d] for d, _ in chart.bars]
    names = [short_name(p, w.lang) for p in places]
    values = [f.text.zh if w.lang == "zh" else f.text.en for f in figures]
    top = max(f.value for f in figures) or 1
    label_w = max(_text_width(n, CHART_FONT) for n in names) + 10
    width = round(label_w + BAR_ROOM + max(_text_width(v, CHART_FONT) for v in values) + 10)
    row_h = 30
    height = row_h * len(figures) + 4
    rows = []
    for index, (figure, name, value) in enumerate(zip(figures, names, values, strict=True)):
        y = index * row_h + 2
        length = max(2, BAR_ROOM * figure.value / top)
        rows.append(
            Markup(
                '<a href="{href}"><title>{name}: {value}</title>'
                '<text x="{lx:.0f}" y="{ty}" text-anchor="end" font-size="{fs}"{tl}>{name}</text>'
                '<rect x="{bx:.0f}" y="{y}" width="{len:.1f}" height="{h}" rx="2" fill="#4f8cc2"/>'
                '<text x="{vx:.1f}" y="{ty}" font-size="{fs}">{value}</text></a>'
            ).format(
                href=to.figure(figure.id),
                name=name,
                value=value,
                lx=label_w - 6,
                ty=y + 18,
                fs=CHART_FONT,
                tl=Markup(' lang="zh-Hans"' if w.lang == "zh" else ""),
                bx=label_w,
                y=y,
                len=length,
                h=row_h - 8,
                vx=label_w + length + 6,
            )
        )
    head = Markup(
        '<svg class="chart" viewBox="0 0 {w} {h}" style="max-width:{w}px" aria-label="{t}"><title>{t}</title>'
    ).format(w=width, h=height, t=w.plain(chart.metric))
    return head + Markup("").join(rows) + Markup("</svg>")


__all__ = ["Chart", "bar_chart", "legend", "short_name", "tile_map", "escape"]
