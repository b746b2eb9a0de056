"""Twelve weeks of realistic daily metrics for the demo journey, so every chart has something to show.

Deterministic (a seeded random.Random) and quick (one bulk Core INSERT). The story a
newcomer should see in the charts and the weekly review:
- Consideration clicks improve steadily over the twelve weeks;
- Retention unsubscribes creep up and cross the 0.5 % alert in the last weeks;
- the first Awareness email runs a subject-line A/B test (variants "A" and "B") over the
  last three weeks, with B a clear, significant winner on clicks in the last full week.
Weekends send less. The data ends on the last complete ISO week before `today`.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import delete, insert
from sqlmodel import Session

from db.models import EmailVariant, MetricDaily, utcnow
from journey.measure.time_zone import workspace_today
from journey.measure.weeks import last_complete_week
from journey.plan import journeys

SEED = 20261123
AB_WEEKS = 3
B_SUBJECT = "Your coffee guide is here (plus 3 tips for better office coffee)"


@dataclass(frozen=True)
class StageProfile:
    """Daily sends for the stage (split over its emails) and each rate at the start → end of the period."""

    daily: int
    open_rate: tuple[float, float]
    click_rate: tuple[float, float]
    conversion_rate: float
    unsubscribe_rate: tuple[float, float]
    bounce_rate: float
    complaint_rate: float
    order_value: float


PROFILES = {
    "Awareness": StageProfile(800, (0.47, 0.48), (0.046, 0.045), 0.004, (0.0022, 0.0024), 0.011, 0.0001, 0),
    "Consideration": StageProfile(
        320, (0.42, 0.44), (0.028, 0.054), 0.012, (0.0018, 0.0017), 0.006, 0.00005, 0
    ),
    "Decision": StageProfile(160, (0.63, 0.62), (0.11, 0.115), 0.045, (0.0008, 0.0008), 0.004, 0.0, 46.0),
    "Retention": StageProfile(
        300, (0.39, 0.37), (0.036, 0.033), 0.016, (0.0022, 0.0095), 0.005, 0.00005, 38.0
    ),
    "Advocacy": StageProfile(120, (0.46, 0.47), (0.062, 0.064), 0.021, (0.0012, 0.0013), 0.003, 0.0, 0),
}
FALLBACK = PROFILES["Consideration"]
# (open, click) rates of the subject-line test on the first Awareness email.
AB_RATES = {"A": (0.46, 0.044), "B": (0.53, 0.092)}


def _count(rng: random.Random, n: int, p: float) -> int:
    """A binomial draw: Poisson for rare events, the normal approximation otherwise (fast, no numpy)."""
    if n <= 0 or p <= 0:
        return 0
    mean = n * p
    if p < 0.05 or mean < 10:
        limit, k, product = math.exp(-mean), 0, rng.random()
        while product > limit:
            k += 1
            product *= rng.random()
        return min(k, n)
    return max(0, min(n, round(rng.gauss(mean, math.sqrt(mean * (1 - p))))))


def _at(span: tuple[float, float], t: float, *, late: bool = False) -> float:
    start, end = span
    # `late`: flat for most of the period, then climbing over its last third (a creeping problem).
    progress = max(0.0, (t - 0.6) / 0.4) if late else t
    return start + (end - start) * progress


def _day_row(
    rng: random.Random,
    email_id: int,
    variant: str,
    day: date,
    sent_base: float,
    rates: dict[str, float],
    order_value: float,
) -> dict:
    weekend = day.weekday() >= 5
    sent = max(0, round(sent_base * (0.6 if weekend else 1.0) * rng.gauss(1.0, 0.08)))
    bounces = _count(rng, sent, rates["bounce"])
    delivered = sent - bounces
    opens = _count(rng, delivered, rates["open"])
    clicks = min(opens, _count(rng, delivered, rates["click"]))
    # Conversions come from clickers: the rate ÷ delivered becomes a share of the clicks.
    conversions = _count(rng, clicks, min(1.0, rates["conversion"] / rates["click"]))
    return {
        "email_id": email_id,
        "variant": variant,
        "day": day,
        "sent": sent,
        "delivered": delivered,
        "opens": opens,
        "machine_opens": _count(rng, delivered, 0.12),
        "clicks": clicks,
        "conversions": conversions,
        "unsubscribes": _count(rng, delivered, rates["unsubscribe"]),
        "bounces": bounces,
        "complaints": _count(rng, delivered, rates["complaint"]),
        "revenue": round(conversions * order_value * rng.uniform(0.85, 1.15), 2),
        "source": "demo",
        "imported_at": utcnow(),
    }


def _ensure_variants(session: Session, email) -> None:
    existing = {v.label for v in journeys.variants_by_email(session, [email.id]).get(email.id, [])}
    if "A" not in existing:
        session.add(EmailVariant(email_id=email.id, label="A", subject=email.subject or None))
    if "B" not in existing:
        session.add(EmailVariant(email_id=email.id, label="B", subject=B_SUBJECT))
    session.flush()


def load_demo_metrics(
    session: Session, journey_id: int, *, weeks: int = 12, today: date | None = None
) -> int:
    """Replace the journey's metrics over the last `weeks` complete ISO weeks with demo data; the row count.

    Creates variants "A" and "B" on the first Awareness email (the A/B test). Does not commit.
    """
    tree = journeys.load_tree(session, journey_id)
    end = last_complete_week(today or workspace_today(session)).end
    start = end - timedelta(days=7 * weeks - 1)
    days = [start + timedelta(days=i) for i in range(7 * weeks)]
    emails = [email for node in tree.stages for email in node.emails]
    if not emails:
        return 0
    rng = random.Random(SEED)
    awareness = next((n for n in tree.stages if n.stage.name == "Awareness" and n.emails), tree.stages[0])
    ab_email = awareness.emails[0] if awareness.emails else emails[0]
    _ensure_variants(session, ab_email)
    ab_start = end - timedelta(days=7 * min(AB_WEEKS, weeks) - 1)

    rows = []
    for node in tree.stages:
        profile = PROFILES.get(node.stage.name, FALLBACK)
        weights = [1.0 / (1 + 0.35 * i) for i in range(len(node.emails))]
        if node is awareness and len(weights) > 1:
            weights[0] = sum(weights[1:])  # everyone gets the welcome email
        share = [w / sum(weights) for w in weights] if weights else []
        for email, email_share in zip(node.emails, share, strict=True):
            sent_base = profile.daily * email_share
            for index, day in enumerate(days):
                t = index / max(len(days) - 1, 1)
                rates = {
                    "open": _at(profile.open_rate, t),
                    "click": _at(profile.click_rate, t),
                    "conversion": profile.conversion_rate,
                    "unsubscribe": _at(profile.unsubscribe_rate, t, late=True),
                    "bounce": profile.bounce_rate,
                    "complaint": profile.complaint_rate,
                }
                if email.id == ab_email.id and day >= ab_start:
                    for label, (open_rate, click_rate) in AB_RATES.items():
                        rows.append(
                            _day_row(
                                rng,
                                email.id,
                                label,
                                day,
                                sent_base / 2,
                                {**rates, "open": open_rate, "click": click_rate},
                                profile.order_value,
                            )
                        )
                else:
                    rows.append(_day_row(rng, email.id, "", day, sent_base, rates, profile.order_value))

    email_ids = [email.id for email in emails]
    session.execute(
        delete(MetricDaily).where(
            MetricDaily.email_id.in_(email_ids), MetricDaily.day >= start, MetricDaily.day <= end
        )
    )
    session.execute(insert(MetricDaily.__table__), rows)
    session.flush()
    return len(rows)
