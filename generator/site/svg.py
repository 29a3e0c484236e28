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


def tile_map(places: list[PlaceView], to: Links, w: Words, current: str | None = None) -> Markup:
    tiles = [p for p in places if p.tile]
    cols = max(p.tile["col"] for p in tiles)
    rows = max(p.tile["row"] for p in tiles)
    most = max(len(p.articles) for p in tiles)
    width, height = cols * (TILE + GAP), rows * (TILE + GAP)
    parts = [
        f'<svg class="tilemap" viewBox="0 0 {width} {height}" aria-labelledby="map-title">',
        Markup('<title id="map-title">{}</title>').format(w.t["map_title"]),
    ]
    for place in sorted(tiles, key=lambda p: (p.tile["row"], p.tile["col"])):
        parts.append(_tile(place, shade(len(place.articles), most), to, w, place.slug == current))
    parts.append("</svg>")
    return Markup("\n".join(str(p) for p in parts))


def _tile(place: PlaceView, level: int, to: Links, w: Words, current: bool) -> Markup:
    x = (place.tile["col"] - 1) * (TILE + GAP)
    y = (place.tile["row"] - 1) * (TILE + GAP)
    label = short_name(place, w.lang)
    count = w.fmt("n_articles", n=len(place.articles))
    full = place.name.zh if w.lang == "zh" else (place.name.en or place.slug)
    ink = "#fff" if level >= 3 else "#14202b"
    size = 15 if w.lang == "zh" else (11 if len(label) <= 8 else 9)
    text_lang = ' lang="zh-Hans"' if w.lang == "zh" else ""
    return Markup(
        '<a href="{href}" class="tile{cur}" aria-label="{full}: {count}"><title>{full}: {count}</title>'
        '<rect x="{x}" y="{y}" width="{s}" height="{s}" rx="6" fill="{fill}"/>'
        '<text x="{tx}" y="{ty}" font-size="{size}" fill="{ink}" text-anchor="middle"{tl}>{label}</text>'
        '<text x="{tx}" y="{cy}" font-size="11" fill="{ink}" text-anchor="middle">{n}</text></a>'
    ).format(
        href=to.district(place.slug),
        cur=" current" if current else "",
        full=full,
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
        tl=Markup(text_lang),
        label=label,
        n=len(place.articles) or "",
    )


def legend(w: Words) -> Markup:
    swatches = "".join(f'<span class="swatch" style="background:{c}"></span>' for c in SHADES)
    return Markup('<p class="legend">{} {} {}</p>').format(
        w.t["map_legend_none"], Markup(swatches), w.t["map_legend_more"]
    )


def bar_chart(chart: Chart, to: Links, w: Words) -> Markup:
    """Horizontal bars, one per district, each labelled and linked to its figure."""
    figures = [to.data.figures[f] for _, f in chart.bars]
    places = [to.data.places[d] for d, _ in chart.bars]
    top = max(f.value for f in figures) or 1
    label_w, bar_w, row_h = 110, 250, 26
    height = row_h * len(figures) + 4
    width = label_w + bar_w + 170
    title = w.plain(chart.metric)
    rows = []
    for index, (figure, place) in enumerate(zip(figures, places, strict=True)):
        y = index * row_h + 2
        length = max(2, bar_w * figure.value / top)
        name = short_name(place, w.lang)
        value = figure.text.zh if w.lang == "zh" else figure.text.en
        rows.append(
            Markup(
                '<a href="{href}"><title>{name}: {value}</title>'
                '<text x="{lx}" y="{ty}" text-anchor="end" font-size="13">{name}</text>'
                '<rect x="{bx}" y="{y}" width="{len:.1f}" height="{h}" rx="2" fill="#4f8cc2"/>'
                '<text x="{vx:.1f}" y="{ty}" font-size="12">{value}</text></a>'
            ).format(
                href=to.figure(figure.id),
                name=name,
                value=value,
                lx=label_w - 6,
                ty=y + 16,
                bx=label_w,
                y=y,
                len=length,
                h=row_h - 8,
                vx=label_w + length + 6,
            )
        )
    head = Markup('<svg class="chart" viewBox="0 0 {w} {h}" aria-label="{t}"><title>{t}</title>').format(
        w=width, h=height, t=title
    )
    return head + Markup("").join(rows) + Markup("</svg>")


__all__ = ["bar_chart", "legend", "short_name", "tile_map", "escape"]
