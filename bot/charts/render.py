"""Drawing a laid-out timeline as a PNG, with Pillow and the DejaVu Sans fonts matplotlib ships.

Pillow draws what bot.charts.layout placed: a few dozen marks and lines of text, in tens of
milliseconds. The fonts are the DejaVu Sans files inside matplotlib's package (Pillow's own
built-in font has no "é" or dashes), so the picture is the same on every machine, whatever
fonts the system has. One opaque dark card reads on Discord's dark and light themes alike.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Sequence
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from bot.charts.layout import MARK_RADIUS, SPAN_WIDTH, Colour, Layout, Rule, layout_timeline
from bot.charts.text import STYLES
from bot.models import Entry, Person

RGB = tuple[int, int, int]

BACKGROUND: RGB = (30, 31, 34)  # Discord's darkest grey
TEXT: dict[str, RGB] = {
    "text": (242, 243, 245),
    "muted": (181, 186, 193),
    "note": (242, 243, 245),
    "server": (255, 183, 77),  # the orange of server updates, as in their embeds
}
# One colour per person, in the store's order; light tints, so names in them stay readable.
PALETTE: tuple[RGB, ...] = (
    (79, 195, 247),  # sky blue
    (244, 143, 177),  # pink
    (129, 199, 132),  # green
    (255, 241, 118),  # yellow
    (206, 147, 216),  # purple
    (128, 203, 196),  # teal
    (255, 138, 128),  # coral
    (159, 168, 218),  # indigo
    (220, 231, 117),  # lime
    (188, 170, 164),  # taupe
)
PLAIN_MARK: RGB = (181, 186, 193)
AXIS: RGB = (112, 116, 126)
DIVIDER: RGB = (78, 80, 88)
SPAN: RGB = (120, 134, 220)
SUPERSAMPLE = 4  # marks are drawn this much larger, then shrunk: smooth edges


def font_path(bold: bool) -> Path:
    import matplotlib  # only for its font files; imported on first use, in the worker

    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    return Path(matplotlib.get_data_path()) / "fonts" / "ttf" / name


@functools.cache
def font(style: str) -> ImageFont.FreeTypeFont:
    spec = STYLES[style]
    # BASIC layout: the same glyph placement everywhere, with or without libraqm.
    return ImageFont.truetype(
        str(font_path(spec.bold)), spec.size, layout_engine=ImageFont.Layout.BASIC
    )


def measure(text: str, style: str) -> float:
    return font(style).getlength(text)


def colour_of(colour: Colour) -> RGB:
    return PALETTE[colour % len(PALETTE)] if isinstance(colour, int) else TEXT[colour]


def timeline_png(
    entries: Sequence[Entry],
    total: int,
    exact: bool,
    title: str,
    subtitle: str,
    people: Sequence[Person],
) -> bytes:
    """The picture of `entries` as PNG bytes: layout and drawing, for a worker thread."""
    return render_png(layout_timeline(entries, total, exact, title, subtitle, people, measure))


def render_png(layout: Layout) -> bytes:
    image = Image.new("RGB", (layout.width, layout.height), BACKGROUND)
    draw = ImageDraw.Draw(image)
    for span in layout.spans:
        box = (span.x, span.top, span.x + SPAN_WIDTH, span.bottom)
        draw.rounded_rectangle(box, radius=SPAN_WIDTH // 2, fill=SPAN)
    for rule in layout.rules:
        _draw_rule(draw, rule)
    for mark in layout.marks:
        tile = _mark_tile(mark.people, mark.server, mark.hollow)
        half = tile.width // 2
        image.paste(tile, (round(mark.x) - half, round(mark.y) - half), tile)
    for text in layout.texts:
        face = font(text.style)
        ascent, descent = face.getmetrics()
        top = text.y + (STYLES[text.style].line - ascent - descent) / 2
        draw.text((text.x, top), text.text, font=face, fill=colour_of(text.colour))
    out = io.BytesIO()
    # Level 1: a flat picture compresses nearly as well, in a fraction of the time.
    image.save(out, "PNG", compress_level=1)
    return out.getvalue()


def _draw_rule(draw: ImageDraw.ImageDraw, rule: Rule) -> None:
    if rule.kind == "divider":
        draw.line((rule.x0, rule.y0, rule.x1, rule.y1), fill=DIVIDER, width=2)
    elif rule.kind == "axis":
        draw.line((rule.x0, rule.y0, rule.x1, rule.y1), fill=AXIS, width=3)
    else:  # dotted, vertical: time passes with nothing on the axis
        y = rule.y0 + MARK_RADIUS + 4
        while y < rule.y1 - MARK_RADIUS - 4:
            draw.line((rule.x0, y, rule.x0, min(y + 4, rule.y1)), fill=AXIS, width=3)
            y += 10


@functools.cache
def _mark_tile(people: tuple[int, ...], server: bool, hollow: bool) -> Image.Image:
    """A mark (slices in its people's colours, a ring if a server added it) with smooth edges."""
    radius = MARK_RADIUS + (4 if server else 0)
    size = (2 * radius + 2) * SUPERSAMPLE
    tile = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(tile)
    centre = size / 2

    def circle(r: float) -> tuple[float, float, float, float]:
        return (centre - r, centre - r, centre + r, centre + r)

    inner = MARK_RADIUS * SUPERSAMPLE
    if server:
        draw.ellipse(circle(radius * SUPERSAMPLE), fill=TEXT["server"])
        draw.ellipse(circle(inner + SUPERSAMPLE), fill=BACKGROUND)
    if hollow:
        draw.ellipse(circle(inner), outline=PLAIN_MARK, width=3 * SUPERSAMPLE)
    elif not people:
        draw.ellipse(circle(inner), fill=PLAIN_MARK)
    else:
        step = 360 / len(people)
        for n, person in enumerate(people):
            start = -90 + n * step
            draw.pieslice(circle(inner), start, start + step, fill=PALETTE[person % len(PALETTE)])
    small = tile.resize((size // SUPERSAMPLE, size // SUPERSAMPLE), Image.Resampling.LANCZOS)
    return small


def contrast(a: RGB, b: RGB) -> float:
    """WCAG contrast ratio of two colours (4.5 is the floor for text)."""

    def luminance(rgb: RGB) -> float:
        channels = [c / 255 for c in rgb]
        linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)
