"""Where everything goes on the timeline picture: pure geometry, no drawing and no fonts.

The picture reads top to bottom, like a feed on a phone: dates down the left, an axis with
one mark per event, each day's events stacked beside it (a dense day grows taller instead
of overlapping), month-precision events with a span along the axis over their month, and
people as colours (in the marks and the names) with a legend. Text is measured with the
`measure` function given (bot.charts.text), so tests lay out without fonts.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from bot.charts.text import STYLES, Measure, clean, shorten, wrap
from bot.dates import month_end
from bot.models import Entry, Person

WIDTH = 720  # px; font sizes are chosen against it for a phone's full-screen viewer
MAX_HEIGHT = 2400  # taller pictures get too small on a phone: the rest is "+N more"
MARGIN = 28
PER_DAY = 6  # events shown for one day (or month); a denser day ends in "+N more on …"
HEADLINE_LINES = 4
MARK_RADIUS = 10
MARK_PEOPLE = 4  # colours in one mark; the names line lists everyone
SPAN_WIDTH = 8


# A colour role ("text", "muted", "note", "server") or a person's palette index.
Colour = str | int


@dataclass(frozen=True)
class Text:
    x: float
    y: float  # top of the line's box
    text: str
    style: str
    colour: Colour
    width: float

    @property
    def box(self) -> tuple[float, float, float, float]:
        return (self.x, self.y, self.x + self.width, self.y + STYLES[self.style].line)


@dataclass(frozen=True)
class Mark:
    x: float
    y: float  # centre
    people: tuple[int, ...]  # palette indexes, as slices of the mark; none: a plain mark
    server: bool = False  # added by this server's moderators: drawn with a ring
    hollow: bool = False  # stands for hidden events ("+N more on …")


@dataclass(frozen=True)
class Span:
    x: float
    top: float
    bottom: float


@dataclass(frozen=True)
class Rule:
    x0: float
    y0: float
    x1: float
    y1: float
    kind: str  # "axis", "gap" (dotted axis over empty days) or "divider"


@dataclass(frozen=True)
class Layout:
    width: int
    height: int
    texts: tuple[Text, ...]
    marks: tuple[Mark, ...]
    spans: tuple[Span, ...]
    rules: tuple[Rule, ...]
    shown: tuple[int, ...]  # ids of the entries drawn, in order
    hidden: int  # matching entries not drawn


def day_label(day: date, precision: str) -> str:
    if precision == "month":
        return calendar.month_abbr[day.month]
    return f"{day.day} {calendar.month_abbr[day.month]}"


def layout_timeline(
    entries: Sequence[Entry],
    total: int,
    exact: bool,
    title: str,
    subtitle: str,
    people: Sequence[Person],
    measure: Measure,
) -> Layout:
    """Lay out `entries` (in timeline order) out of `total` matching, coloured by `people`."""
    return _Builder(entries, total, exact, people, measure).build(title, subtitle)


ROW_GAP = 14
GROUP_GAP = 10


class _Builder:
    """Places items top to bottom; `y` is where the next one goes."""

    def __init__(self, entries, total, exact, people, measure: Measure) -> None:
        # Month-precision entries come before the days of their month.
        self.entries = sorted(entries, key=lambda e: (e.date, e.precision != "month"))
        self.total, self.exact, self.measure = max(total, len(entries)), exact, measure
        self.palette = {p.id: i for i, p in enumerate(people)}
        self.texts: list[Text] = []
        self.marks: list[Mark] = []
        self.rules: list[Rule] = []
        self.rows: list[tuple[Entry, float, float]] = []  # (entry, top, bottom)
        # Marks along the axis: (y, day; None for a month), or None where a month header breaks it.
        self.axis: list[tuple[float, date | None] | None] = []
        self.lines: dict[int, list[str]] = {}
        self.y = float(MARGIN)
        labels = {day_label(e.date, e.precision) for e in self.entries} | {"30 May"}
        self.date_width = max(measure(label, "date") for label in labels)
        self.span_x = MARGIN + self.date_width + 14
        has_spans = any(e.precision == "month" for e in self.entries)
        self.axis_x = (self.span_x + SPAN_WIDTH + 14 if has_spans else self.span_x) + MARK_RADIUS
        self.label_x = self.axis_x + MARK_RADIUS + 16
        self.label_width = WIDTH - MARGIN - self.label_x

    def build(self, title: str, subtitle: str) -> Layout:
        full_width = WIDTH - 2 * MARGIN
        for text, style, lines in ((title, "title", 2), (subtitle, "subtitle", 3)):
            for line in wrap(clean(text), full_width, style, self.measure, lines):
                self.add_text(MARGIN, line, style, "text" if style == "title" else "muted")
                self.y += STYLES[style].line
        self.y += 10
        # Room kept at the bottom for the note and a legend of everyone who might be shown.
        bottom = self.legend_height(self.entries) + STYLES["note"].line + STYLES["meta"].line
        self.add_days(MAX_HEIGHT - MARGIN - bottom - 50)
        spans = self.spans()
        self.add_axis()
        shown = [entry for entry, _, _ in self.rows]
        hidden = self.total - len(shown)
        self.y += 8
        if hidden:
            more = f"+{hidden:,} more" if self.exact else f"+{hidden:,} or more"
            self.add_line(f"{more}: the list has every event", "note", "note")
            self.y += STYLES["note"].line
        self.add_legend(shown)
        self.y += 6
        self.add_line("/entry <number> shows an event in full, with its sources", "meta")
        self.y += STYLES["meta"].line + MARGIN
        return Layout(
            WIDTH,
            round(self.y),
            tuple(self.texts),
            tuple(self.marks),
            spans,
            tuple(self.rules),
            tuple(entry.id for entry in shown),
            hidden,
        )

    def add_text(self, x: float, text: str, style: str, colour: Colour = "muted") -> Text:
        placed = Text(x, self.y, text, style, colour, self.measure(text, style))
        self.texts.append(placed)
        return placed

    def add_line(self, text: str, style: str, colour: Colour = "muted") -> None:
        full_width = WIDTH - 2 * MARGIN
        self.add_text(MARGIN, shorten(text, full_width, style, self.measure), style, colour)

    # The days, each a group of rows

    def groups(self) -> list[list[Entry]]:
        groups: list[list[Entry]] = []
        for entry in self.entries:
            if groups and (groups[-1][0].date, groups[-1][0].precision) == (
                entry.date,
                entry.precision,
            ):
                groups[-1].append(entry)
            else:
                groups.append([entry])
        return groups

    def add_days(self, limit: float) -> None:
        """Groups until the picture is full at `limit`; what does not fit is counted hidden."""
        month: tuple[int, int] | None = None  # of the last group
        previous: date | None = None  # the last day shown (None after a month-long group)
        for group in self.groups():
            day = group[0].date
            new_month = month != (day.year, day.month)
            gap = previous is not None and not new_month and (day - previous).days > 1
            above = STYLES["month"].line + 8 if new_month else STYLES["meta"].line if gap else 0
            if self.y + above + self.row_height(group[0]) > limit:
                return
            if new_month:
                self.add_month_header(day)
            elif gap:
                assert previous is not None
                self.add_text(self.label_x, f"{(day - previous).days} days later", "meta")
                self.y += STYLES["meta"].line
            self.add_text(MARGIN, day_label(day, group[0].precision), "date", "text")
            shown = group if len(group) <= PER_DAY else group[: PER_DAY - 1]
            for entry in shown:
                if self.y + self.row_height(entry) > limit:
                    return
                self.add_row(entry)
            if len(shown) < len(group):
                if self.y + STYLES["meta"].line > limit:
                    return
                self.add_day_more(day, group[0].precision, len(group) - len(shown))
            self.y += GROUP_GAP
            month = (day.year, day.month)
            previous = day if group[0].precision == "day" else None

    def add_month_header(self, day: date) -> None:
        self.axis.append(None)  # the axis stops at the header: it may be wider than the dates
        self.y += 4
        header = self.add_text(
            MARGIN, f"{calendar.month_name[day.month]} {day.year}", "month", "text"
        )
        middle = self.y + STYLES["month"].line / 2
        self.rules.append(Rule(header.box[2] + 12, middle, WIDTH - MARGIN, middle, "divider"))
        self.y += STYLES["month"].line + 4

    def headline_lines(self, entry: Entry) -> list[str]:
        if entry.id not in self.lines:
            self.lines[entry.id] = wrap(
                clean(entry.headline), self.label_width, "headline", self.measure, HEADLINE_LINES
            )
        return self.lines[entry.id]

    def row_height(self, entry: Entry) -> float:
        lines = self.headline_lines(entry)
        return len(lines) * STYLES["headline"].line + STYLES["meta"].line + ROW_GAP

    def add_row(self, entry: Entry) -> None:
        top = self.y
        colours = tuple(self.colour(p) for p in entry.people[:MARK_PEOPLE])
        mark_y = top + STYLES["headline"].line / 2
        self.marks.append(Mark(self.axis_x, mark_y, colours, server=not entry.shipped))
        self.axis.append((mark_y, entry.date if entry.precision == "day" else None))
        for line in self.headline_lines(entry):
            self.add_text(self.label_x, line, "headline", "text")
            self.y += STYLES["headline"].line
        self.add_meta(entry)
        self.y += STYLES["meta"].line
        self.rows.append((entry, top, self.y))
        self.y += ROW_GAP

    def add_meta(self, entry: Entry) -> None:
        """ "#12 · added here · Name, Name": the names in their colours, as many as fit."""
        for kept in range(len(entry.people), -1, -1):
            parts: list[tuple[str, Colour]] = [(f"#{entry.id}", "muted")]
            if entry.precision == "month":
                parts.append((f" · {calendar.month_name[entry.date.month]} (month)", "muted"))
            if not entry.shipped:
                parts.append((" · added here", "server"))
            for n, person in enumerate(entry.people[:kept]):
                parts.append((" · " if n == 0 else ", ", "muted"))
                parts.append((clean(person.name), self.colour(person)))
            if kept < len(entry.people):
                rest = len(entry.people) - kept
                parts.append((f" +{rest}" if kept else f" · {rest} people", "muted"))
            widths = [self.measure(text, "meta") for text, _ in parts]
            if sum(widths) <= self.label_width or kept == 0:
                break
        x = self.label_x
        for text, colour in parts:
            text = shorten(text, self.label_x + self.label_width - x, "meta", self.measure)
            x = self.add_text(x, text, "meta", colour).box[2]

    def add_day_more(self, day: date, precision: str, more: int) -> None:
        mark_y = self.y + STYLES["meta"].line / 2
        self.marks.append(Mark(self.axis_x, mark_y, (), hollow=True))
        self.axis.append((mark_y, day if precision == "day" else None))
        self.add_text(self.label_x, f"+{more} more on {day_label(day, precision)}", "meta")
        self.y += STYLES["meta"].line + ROW_GAP

    def colour(self, person: Person) -> int:
        return self.palette.get(person.id, 0)

    # Spans and axis, once the rows are placed

    def spans(self) -> tuple[Span, ...]:
        """One span per month with month-precision entries, down to the month's last row."""
        spans = []
        for entry, top, _ in self.rows:
            if entry.precision != "month" or (spans and spans[-1][0] == entry.date):
                continue
            end = month_end(entry.date)
            bottom = max(b for e, _, b in self.rows if e.date <= end)
            spans.append((entry.date, Span(self.span_x, top, bottom)))
        return tuple(span for _, span in spans)

    def add_axis(self) -> None:
        """Solid between consecutive days, dotted over empty days, broken at month headers."""
        for start, end in zip(self.axis, self.axis[1:], strict=False):
            if start is not None and end is not None:
                days = (end[1] - start[1]).days if start[1] and end[1] else 0
                kind = "gap" if days > 1 else "axis"
                self.rules.append(Rule(self.axis_x, start[0], self.axis_x, end[0], kind))

    # Legend

    def legend_items(self, entries: Sequence[Entry]) -> list[tuple[str, Colour]]:
        people = {p.id: p for e in entries for p in e.people}
        items: list[tuple[str, Colour]] = [
            (clean(p.name), self.colour(p))
            for p in sorted(people.values(), key=lambda p: (self.colour(p), p.id))
        ]
        if any(not e.shipped for e in entries):
            items.append(("added by this server", "server"))
        return items

    def legend_rows(self, entries: Sequence[Entry]) -> list[list[tuple[str, Colour, float]]]:
        """Items flowed into rows: (label, colour, x of the mark's left edge)."""
        rows: list[list[tuple[str, Colour, float]]] = []
        x = WIDTH  # start a row with the first item
        room = WIDTH - 2 * MARGIN - 2 * MARK_RADIUS - 8
        for label, colour in self.legend_items(entries):
            label = shorten(label, room, "legend", self.measure)
            width = 2 * MARK_RADIUS + 8 + self.measure(label, "legend")
            if x + width > WIDTH - MARGIN:
                rows.append([])
                x = MARGIN
            rows[-1].append((label, colour, x))
            x += width + 24
        return rows

    def legend_height(self, entries: Sequence[Entry]) -> float:
        rows = self.legend_rows(entries)
        return len(rows) * STYLES["legend"].line + (12 if rows else 0)

    def add_legend(self, shown: Sequence[Entry]) -> None:
        rows = self.legend_rows(shown)
        if not rows:
            return
        self.rules.append(Rule(MARGIN, self.y + 4, WIDTH - MARGIN, self.y + 4, "divider"))
        self.y += 12
        for row in rows:
            for label, colour, x in row:
                mark_y = self.y + STYLES["legend"].line / 2
                if colour == "server":
                    self.marks.append(Mark(x + MARK_RADIUS, mark_y, (), server=True))
                else:
                    self.marks.append(Mark(x + MARK_RADIUS, mark_y, (int(colour),)))
                self.add_text(x + 2 * MARK_RADIUS + 8, label, "legend", colour)
            self.y += STYLES["legend"].line
