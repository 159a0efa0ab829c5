"""Geometry of the results page's bar charts, drawn as SVG by the template: one bar
per option, its online and in-person votes as two segments. Widths are percentages of
the chart's width, so the bars fill the page at any width while the text keeps its
size; the table under each chart gives the same figures (the chart's text equivalent).
"""
from dataclasses import dataclass

ROW = 52  # height of one option: its label line, then its bar
BAR = 20


@dataclass(frozen=True)
class Segment:
    x: float  # percent of the width
    width: float  # percent of the width
    css_class: str
    votes: int


@dataclass(frozen=True)
class BarRow:
    option: object  # results_presenter.OptionCount
    label_y: int
    bar_y: int
    segments: list


@dataclass(frozen=True)
class BarChart:
    height: int
    bar_height: int
    rows: list


def option_bars(contest):
    """The chart of a published contest: bars scaled so that the option with most votes
    spans the whole width."""
    highest = max([o.total for o in contest.options] + [0])
    rows = []
    for index, option in enumerate(contest.options):
        top, x, segments = index * ROW, 0.0, []
        for css_class, votes in (("bar-online", option.online), ("bar-in-person", option.in_person)):
            if votes:
                width = round(100 * votes / highest, 2)
                segments.append(Segment(round(x, 2), width, css_class, votes))
                x += width
        rows.append(BarRow(option, top + 18, top + 26, segments))
    return BarChart(len(contest.options) * ROW, BAR, rows)
