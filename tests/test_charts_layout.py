"""The timeline picture's layout, checked without drawing: positions, stacking, spans, labels, "+N more".

Text is measured by a stand-in (a fixed width per character) so these tests need no fonts;
tests/test_charts_render.py checks the same rules with the real fonts.
"""

from __future__ import annotations

import itertools
from datetime import date, timedelta

from hypothesis import example, given, settings
from hypothesis import strategies as st

from bot.charts.layout import (
    HEADLINE_LINES,
    MARGIN,
    MARK_RADIUS,
    MAX_HEIGHT,
    PER_DAY,
    WIDTH,
    Layout,
    layout_timeline,
)
from bot.charts.text import STYLES, clean, wrap
from bot.models import SHIPPED, Cursor, Entry, Person, TimelineFilters

GUILD = 424242
PEOPLE = tuple(
    Person(i, f"p{i}", name, "")
    for i, name in enumerate(
        ["Ilya Sutskever", "Jan Leike", "John Schulman", "Sam Altman", "Greg Brockman"], 1
    )
)


def measure(text: str, style: str) -> float:
    """A monospaced stand-in: every character is 0.6 em (0.65 em in bold)."""
    spec = STYLES[style]
    return len(text) * spec.size * (0.65 if spec.bold else 0.6)


def entry(
    entry_id: int,
    day: date,
    headline: str = "Something happened",
    people: tuple[int, ...] = (),
    precision: str = "day",
    scope: int = SHIPPED,
) -> Entry:
    return Entry(
        entry_id,
        day,
        precision,
        headline,
        "",
        tuple(PEOPLE[i] for i in people),
        (),
        scope,
        None,
        "2024-05-20T00:00:00",
    )


def lay_out(entries, total=None, exact=True, subtitle="The whole story") -> Layout:
    total = len(entries) if total is None else total
    return layout_timeline(entries, total, exact, "Timeline", subtitle, PEOPLE, measure)


def texts(layout: Layout, style: str | None = None) -> list[str]:
    return [t.text for t in layout.texts if style is None or t.style == style]


def overlaps(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def check_legible(layout: Layout) -> None:
    """Nothing overlaps, nothing is cut off, marks on the axis keep apart."""
    assert layout.height <= MAX_HEIGHT
    for text in layout.texts:  # inside the margins: nothing touches the edge
        x0, y0, x1, y1 = text.box
        assert x0 >= MARGIN and x1 <= layout.width - MARGIN, text
        assert x0 >= 0 and x1 <= layout.width and y0 >= 0 and y1 <= layout.height, text
    for a, b in itertools.combinations(layout.texts, 2):
        assert not overlaps(a.box, b.box), (a, b)
    legend_top = min((t.y for t in layout.texts if t.style == "legend"), default=layout.height)
    on_axis = [m.y for m in layout.marks if m.y < legend_top]
    assert on_axis == sorted(on_axis) and len({m.x for m in layout.marks if m.y < legend_top}) <= 1
    for upper, lower in itertools.pairwise(on_axis):
        assert lower - upper >= 2 * MARK_RADIUS


async def test_the_shipped_story_fits_whole_in_timeline_order(store):
    page = await store.timeline(None, TimelineFilters(), Cursor(), 200)
    layout = lay_out(page.items)

    assert layout.shown == tuple(e.id for e in page.items)
    assert layout.hidden == 0
    assert not any("more" in t for t in texts(layout, "note"))
    headlines = " ".join(texts(layout, "headline"))
    for e in page.items:
        assert e.headline in headlines
    assert texts(layout, "month") == ["May 2024"]
    assert texts(layout, "date") == ["14 May", "15 May", "17 May", "18 May"]
    assert "2 days later" in texts(layout, "meta")
    check_legible(layout)


def test_each_event_has_a_mark_beside_its_first_headline_line():
    entries = [entry(1, date(2024, 5, 14)), entry(2, date(2024, 5, 14), "Other news")]
    layout = lay_out(entries)

    heads = [t for t in layout.texts if t.style == "headline"]
    marks = [m for m in layout.marks if m.y < heads[-1].box[3]]
    assert len(marks) == 2
    for mark, head in zip(marks, heads, strict=True):
        assert head.y < mark.y < head.box[3]
        assert mark.x + MARK_RADIUS < head.x
    # One date label for the day: its events stack under it.
    assert texts(layout, "date") == ["14 May"]


def test_a_dense_day_stacks_and_says_how_many_more():
    day = date(2024, 5, 21)
    entries = [entry(n, day, f"Event {n}") for n in range(1, 10)]
    layout = lay_out(entries)

    assert layout.shown == tuple(range(1, PER_DAY))
    assert f"+{10 - PER_DAY} more on 21 May" in texts(layout, "meta")
    assert [m for m in layout.marks if m.hollow]
    assert layout.hidden == 10 - PER_DAY
    check_legible(layout)


def test_more_events_than_fit_end_in_plus_n_more():
    entries = [entry(n, date(2024, 1, 1) + timedelta(days=n), f"Event {n}") for n in range(100)]
    layout = lay_out(entries)

    shown = len(layout.shown)
    assert 10 < shown < 100
    assert layout.shown == tuple(range(shown))  # the earliest ones, in order
    assert layout.hidden == 100 - shown
    assert f"+{100 - shown} more: the list has every event" in texts(layout, "note")
    check_legible(layout)


def test_a_total_past_what_was_read_counts_in_the_note():
    entries = [entry(n, date(2024, 5, 14)) for n in range(1, 3)]

    inexact = lay_out(entries, total=1000, exact=False)
    assert inexact.hidden == 998
    assert texts(inexact, "note") == ["+998 or more: the list has every event"]
    exact = lay_out(entries, total=7)
    assert texts(exact, "note") == ["+5 more: the list has every event"]


def test_month_precision_is_a_span_over_the_month_it_covers():
    entries = [
        entry(1, date(2024, 5, 1), "Sometime in May", precision="month"),
        entry(2, date(2024, 5, 3), "Early May"),
        entry(3, date(2024, 5, 30), "Late May"),
        entry(4, date(2024, 6, 2), "June"),
    ]
    layout = lay_out(entries)

    assert len(layout.spans) == 1
    span = layout.spans[0]
    heads = {t.text: t for t in layout.texts if t.style == "headline"}
    assert span.top <= heads["Sometime in May"].y
    assert span.bottom >= heads["Late May"].box[3]
    assert span.bottom < heads["June"].y
    assert span.x < min(m.x for m in layout.marks)  # beside the axis, left of the marks
    assert texts(layout, "date")[0] == "May"
    assert texts(layout, "month") == ["May 2024", "June 2024"]
    # Days are counted from days, not from a month-long event.
    assert [t for t in texts(layout, "meta") if "later" in t] == ["27 days later"]
    axis = [r for r in layout.rules if r.kind in ("axis", "gap")]
    assert [r.kind for r in axis] == ["axis", "gap"]  # and broken at the June header
    assert "#1" in texts(layout, "meta") and " · May (month)" in texts(layout, "meta")
    check_legible(layout)


def test_without_month_events_there_is_no_span():
    layout = lay_out([entry(1, date(2024, 5, 3))])
    assert layout.spans == ()


def test_people_are_colours_in_store_order_named_and_in_the_legend():
    entries = [
        entry(1, date(2024, 5, 14), people=(1, 0)),
        entry(2, date(2024, 5, 15), people=(3,)),
    ]
    layout = lay_out(entries)

    marks = [m for m in layout.marks if m.people]
    assert marks[0].people == (1, 0) and marks[1].people == (3,)
    named = {t.text: t.colour for t in layout.texts if t.style == "meta"}
    assert named["Jan Leike"] == 1 and named["Ilya Sutskever"] == 0 and named["Sam Altman"] == 3
    legend = [(t.text, t.colour) for t in layout.texts if t.style == "legend"]
    assert legend == [("Ilya Sutskever", 0), ("Jan Leike", 1), ("Sam Altman", 3)]


def test_the_servers_own_additions_are_marked_and_explained():
    entries = [entry(1, date(2024, 5, 14)), entry(2, date(2024, 5, 20), scope=GUILD)]
    layout = lay_out(entries)

    assert [m.server for m in layout.marks][:2] == [False, True]
    meta = texts(layout, "meta")
    assert meta.count(" · added here") == 1
    assert ("added by this server", "server") in [
        (t.text, t.colour) for t in layout.texts if t.style == "legend"
    ]


def test_names_that_do_not_fit_are_counted():
    many = tuple(range(len(PEOPLE)))
    layout = lay_out([entry(1, date(2024, 5, 14), people=many)])

    meta = [t for t in layout.texts if t.style == "meta" and t.y < layout.height - 100]
    shown_names = [t.text for t in meta if isinstance(t.colour, int)]
    assert 0 < len(shown_names) < len(PEOPLE)
    assert meta[-1].text == f" +{len(PEOPLE) - len(shown_names)}"
    check_legible(layout)


def test_long_headlines_wrap_within_the_column_and_stop_at_an_ellipsis():
    width = 300
    lines = wrap("word " * 200, width, "headline", measure, HEADLINE_LINES)
    assert len(lines) == HEADLINE_LINES and lines[-1].endswith("…")
    assert all(measure(line, "headline") <= width for line in lines)

    unbroken = "x" * 60
    lines = wrap(unbroken, width, "headline", measure, HEADLINE_LINES)
    assert "".join(lines) == unbroken and len(lines) > 1
    assert all(measure(line, "headline") <= width for line in lines)


def test_control_and_invisible_characters_are_dropped():
    assert clean("a\x00b\u200bc\u202e d\n\te") == "abc d e"


headlines = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=120
).filter(lambda s: clean(s))


@st.composite
def timelines(draw):
    count = draw(st.integers(1, 60))
    start = date(2024, 5, 1)
    items = []
    for n in range(1, count + 1):
        month = draw(st.booleans()) and draw(st.integers(0, 9)) == 0
        day = start + timedelta(days=draw(st.integers(0, 80)))
        if month:
            day = day.replace(day=1)
        people = tuple(draw(st.lists(st.integers(0, len(PEOPLE) - 1), max_size=5, unique=True)))
        scope = draw(st.sampled_from([SHIPPED, GUILD]))
        items.append(entry(n, day, draw(headlines), people, "month" if month else "day", scope))
    items.sort(key=lambda e: (e.date, e.id))
    return items


@settings(max_examples=60, deadline=None)
@given(timelines(), st.integers(0, 50))
@example([entry(1, date(2024, 5, 14), "W" * 120, (0, 1, 2, 3, 4), scope=GUILD)], 0)
def test_any_timeline_is_legible(entries, beyond):
    layout = lay_out(entries, total=len(entries) + beyond)

    check_legible(layout)
    assert len(layout.shown) + layout.hidden == len(entries) + beyond
    order = iter(e.id for e in sorted(entries, key=lambda e: (e.date, e.precision != "month")))
    assert all(shown in order for shown in layout.shown)  # in timeline order
    if layout.hidden:
        assert any("more" in t for t in texts(layout, "note"))
    assert layout.width == WIDTH
