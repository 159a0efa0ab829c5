"""The commission's view of the register: counts per consulate and state, time to decision.

Only aggregates leave this module: no name, document or address, so the
page and its CSV export hold no personal data.
"""
import csv
import io
import statistics
from dataclasses import dataclass

from sqlalchemy import func, select

from ovote.consulates.models import Consulate
from ovote.registration.models import Application, ApplicationState

STATES = tuple(ApplicationState)
#: bar colours per state (colour-blind-safe Okabe-Ito palette)
COLOURS = {
    ApplicationState.DRAFT: "#999999",
    ApplicationState.SUBMITTED: "#56B4E9",
    ApplicationState.MORE_INFO: "#E69F00",
    ApplicationState.VERIFIED: "#009E73",
    ApplicationState.REJECTED: "#D55E00",
    ApplicationState.WITHDRAWN: "#CC79A7",
}


@dataclass(frozen=True)
class ConsulateRow:
    code: str
    name: str
    counts: dict  # ApplicationState -> int
    decided: int
    median_days: float | None

    @property
    def total(self):
        return sum(self.counts.values())


def _median_days(session, consulate_id):
    rows = session.execute(
        select(Application.first_submitted_at, Application.decided_at).where(
            Application.consulate_id == consulate_id, Application.decided_at.is_not(None),
            Application.first_submitted_at.is_not(None),
            Application.state.in_((ApplicationState.VERIFIED, ApplicationState.REJECTED)))).all()
    waits = [(decided - submitted).total_seconds() / 86400 for submitted, decided in rows]
    return len(waits), (round(statistics.median(waits), 1) if waits else None)


def consulate_rows(session):
    """One row per consulate (closed ones included), ordered by code."""
    counts = {}
    for consulate_id, state, n in session.execute(
            select(Application.consulate_id, Application.state, func.count())
            .where(Application.consulate_id.is_not(None))
            .group_by(Application.consulate_id, Application.state)):
        counts.setdefault(consulate_id, {})[state] = n
    rows = []
    for consulate in session.scalars(select(Consulate).order_by(Consulate.code)):
        decided, median = _median_days(session, consulate.id)
        by_state = {state: counts.get(consulate.id, {}).get(state, 0) for state in STATES}
        rows.append(ConsulateRow(consulate.code, consulate.name, by_state, decided, median))
    return rows


def to_csv(rows):
    """CSV text: consulate, one column per state, decided, median days to decision."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["consulate", "name", *(s.value for s in STATES), "total", "decided",
                     "median_days_to_decision"])
    for row in rows:
        writer.writerow([row.code, _safe_cell(row.name), *(row.counts[s] for s in STATES), row.total,
                         row.decided, "" if row.median_days is None else row.median_days])
    return out.getvalue()


def _safe_cell(text):
    """Spreadsheets run a cell starting with = + - @ as a formula; quote it as text."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


# -- the chart ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    colour: str
    title: str


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    label_width: int
    rows: list  # (y of the row's label, code, total, [Bar])
    scale_max: int


def stacked_bars(rows, *, state_labels, width=640, row_height=28, label_width=60):
    """Geometry of a horizontal stacked bar per consulate, drawn by an SVG template."""
    scale_max = max([row.total for row in rows] + [1])
    plot = width - label_width - 50
    laid_out = []
    for index, row in enumerate(rows):
        y, x, bars = 10 + index * row_height, float(label_width), []
        for state in STATES:
            n = row.counts[state]
            if n:
                w = plot * n / scale_max
                bars.append(Bar(round(x, 2), y, round(w, 2), row_height - 8, COLOURS[state],
                                f"{row.code}: {state_labels[state]} {n}"))
                x += w
        laid_out.append((y + (row_height - 8) / 2 + 4, row.code, row.total, round(x + 6, 2), bars))
    return Chart(width, 20 + len(rows) * row_height, label_width, laid_out, scale_max)
