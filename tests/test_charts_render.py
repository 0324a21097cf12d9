"""The timeline picture drawn for real: fonts, colours that read, a PNG of the layout's size, a golden image.

UPDATE_GOLDEN=1 rewrites tests/golden/timeline.png (look at it before committing);
UPDATE_DOCS_SCREENSHOT=1 rewrites docs/timeline-chart.png, the shipped story's picture.
"""

from __future__ import annotations

import io
import os
from datetime import date, timedelta
from pathlib import Path

import matplotlib
import pytest
from helpers import CHECKOUT
from PIL import Image, ImageChops, ImageStat
from test_charts_layout import PEOPLE, check_legible, entry

from bot.charts import render
from bot.charts.layout import layout_timeline
from bot.charts.text import STYLES
from bot.models import Cursor, TimelineFilters

GOLDEN = Path(__file__).parent / "golden" / "timeline.png"
DOCS_PICTURE = CHECKOUT / "docs" / "timeline-chart.png"
GUILD = 424242


def sample() -> list:
    """A bit of everything: a month span, a server's addition, a dense day, a gap, shared marks."""
    may = date(2024, 5, 1)
    entries = [
        entry(1, may, "Superalignment gets 20% of compute, or so it was said", (0, 1), "month"),
        entry(2, date(2024, 5, 14), "Sutskever leaves OpenAI", (0,)),
        entry(3, date(2024, 5, 15), "Leike resigns", (1,)),
        entry(4, date(2024, 5, 17), "A server's own note about the day", (3, 4), scope=GUILD),
    ]
    entries += [entry(10 + n, date(2024, 5, 18), f"Busy day, item {n}", (n % 5,)) for n in range(8)]
    entries.append(entry(30, date(2024, 6, 3), "Later in June", (2, 3, 4)))
    return entries


def draw(entries, total=None) -> tuple[Image.Image, object]:
    total = len(entries) if total is None else total
    layout = layout_timeline(
        entries, total, True, "Timeline · sample", "Everything at once", PEOPLE, render.measure
    )
    image = Image.open(io.BytesIO(render.render_png(layout)))
    image.load()
    return image, layout


def test_text_and_marks_stand_out_from_the_card():
    for colour in [*render.TEXT.values(), *render.PALETTE]:
        assert render.contrast(colour, render.BACKGROUND) >= 4.5, colour  # text, WCAG AA
    for colour in (render.PLAIN_MARK, render.AXIS, render.SPAN):
        assert render.contrast(colour, render.BACKGROUND) >= 3, colour  # graphics, WCAG AA


def test_the_fonts_are_dejavu_sans_from_matplotlib():
    data = Path(matplotlib.get_data_path())
    for style, spec in STYLES.items():
        face = render.font(style)
        assert face.getname() == ("DejaVu Sans", "Bold" if spec.bold else "Book")
        assert Path(face.path).is_relative_to(data)


async def test_the_shipped_story_with_real_fonts_is_legible(store):
    page = await store.timeline(None, TimelineFilters(), Cursor(), 200)
    image, layout = draw(page.items)

    check_legible(layout)
    assert layout.hidden == 0
    assert image.size == (layout.width, layout.height)
    if os.environ.get("UPDATE_DOCS_SCREENSHOT") == "1":
        title, subtitle = "Timeline · 16 events", "The whole story, oldest first"
        png = render.timeline_png(page.items, page.total, page.exact, title, subtitle, store.people)
        DOCS_PICTURE.write_bytes(png)


def test_a_hundred_events_still_fit_the_picture():
    entries = [
        entry(n, date(2024, 1, 1) + timedelta(days=n // 3), f"Event number {n} " * 3, (n % 5,))
        for n in range(100)
    ]
    image, layout = draw(entries)

    check_legible(layout)
    assert layout.hidden > 0
    assert image.size == (layout.width, layout.height)


def test_the_picture_matches_the_golden_image():
    image, _ = draw(sample())
    if os.environ.get("UPDATE_GOLDEN") == "1":
        GOLDEN.parent.mkdir(exist_ok=True)
        image.save(GOLDEN, optimize=True)
    if not GOLDEN.exists():
        pytest.fail(f"no golden image: run with UPDATE_GOLDEN=1 to write {GOLDEN}")
    golden = Image.open(GOLDEN).convert("RGB")

    assert image.size == golden.size
    difference = ImageChops.difference(image.convert("RGB"), golden)
    # Tolerance for anti-aliasing differences between FreeType builds, not for layout changes.
    assert max(ImageStat.Stat(difference).mean) < 1.0
    changed = sum(difference.convert("L").point(lambda v: 255 if v > 48 else 0).histogram()[255:])
    assert changed / (image.width * image.height) < 0.002
