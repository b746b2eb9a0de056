"""A small journey the metric-import tests import into, and a dump of metric_daily to compare."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text
from sqlmodel import Session
from support import make_journey

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "metrics"
SENDGRID = FIXTURES / "sendgrid_mc_stats.csv"  # a Marketing Campaigns stats export, imported with a mapping
SENDGRID_MAPPING = {
    "date": "Date",
    "email": "Single Send Name",
    "sent": "Requests",
    "delivered": "Delivered",
    "opens": "Unique Opens",
    "clicks": "Unique Clicks",
    "unsubscribes": "Unsubscribes",
    "complaints": "Spam Reports",
    "bounces": "Bounces",
}
JOURNEY = "Onboarding"
METRIC_COLUMNS = (
    "sent, delivered, opens, machine_opens, clicks, conversions, unsubscribes, bounces, complaints, revenue"
)


def row(sent, delivered, opens, clicks, *, machine=0, conv=0, unsub=0, bounces=0, complaints=0, revenue=0.0):
    """One metric_daily row's counts and revenue, as dump() gives them (what a test counted by hand)."""
    return {
        "sent": sent,
        "delivered": delivered,
        "opens": opens,
        "machine_opens": machine,
        "clicks": clicks,
        "conversions": conv,
        "unsubscribes": unsub,
        "bounces": bounces,
        "complaints": complaints,
        "revenue": revenue,
    }


def make_onboarding(session: Session) -> int:
    """Onboarding: Awareness (Welcome 1 [id mc-a1b2c3], Welcome 2), Consideration (Case study, A/B),
    Decision (empty), Retention (Win-back); its id."""
    made = make_journey(
        session,
        JOURNEY,
        stages={
            "Awareness": [{"name": "Welcome 1", "esp_campaign_id": "mc-a1b2c3"}, "Welcome 2"],
            "Consideration": ["Case study"],
            "Decision": [],
            "Retention": ["Win-back"],
        },
        variant_labels={"Case study": ["A", "B"]},
    )
    session.commit()
    return made.id


def dump(session: Session) -> list[tuple]:
    """Every metric_daily row (email name, variant, day, counts, revenue, source), sorted."""
    rows = session.execute(
        text(
            f"SELECT e.name, m.variant, m.day, {METRIC_COLUMNS.replace(', ', ', m.').join(['m.', ''])}, "
            "m.source, m.imported_at FROM metric_daily m JOIN email e ON e.id = m.email_id "
            "ORDER BY e.name, m.variant, m.day"
        )
    ).all()
    return [tuple(str(value) for value in row) for row in rows]


def counts(session: Session, *, by_segment: bool = False) -> dict[tuple[str, ...], dict]:
    """(email name, variant, ISO day) → {count: value} for asserting hand-computed numbers; with
    `by_segment`, metric_segment_daily's rows as (email name, variant, ISO day, segment) → counts."""
    names = [n.strip() for n in METRIC_COLUMNS.split(",")]
    table, segment = ("metric_segment_daily", ", m.segment") if by_segment else ("metric_daily", "")
    rows = session.execute(
        text(
            f"SELECT e.name, m.variant, m.day{segment}, {', '.join('m.' + n for n in names)} "
            f"FROM {table} m JOIN email e ON e.id = m.email_id"
        )
    ).all()
    keys = 4 if by_segment else 3
    result = {}
    for row in rows:
        day = row[2] if isinstance(row[2], str) else row[2].isoformat()
        values = dict(zip(names, row[keys:], strict=True))
        values["revenue"] = round(float(values["revenue"]), 2)
        result[(row[0], row[1], day, *row[3:keys])] = values
    return result
