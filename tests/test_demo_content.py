"""The demo keeps its Fernhill Coffee story byte for byte now that the starter is a neutral template.

The expected values were computed from main before the content moved out of journey/plan/starter.py
(commit 267eeb7): the names and subjects by hand from the file, the digest over every field.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from datetime import date

from sqlalchemy import func, select

from db.models import Email, MetricDaily, Stage
from journey.plan import demo, journeys
from journey.plan.demo_content import DEMO_BRAND, DEMO_JOURNEY, DEMO_PERSONAS, DEMO_STAGES
from journey.plan.demo_metrics import load_demo_metrics

DEMO_EMAILS = {
    "Awareness": [
        ("Welcome", "Your Office Coffee Guide is here"),
        ("Three brewing mistakes", "3 reasons your office coffee tastes bitter"),
        ("Fresh beans every two weeks", "Fresh coffee for your team, every two weeks"),
    ],
    "Consideration": [
        ("Case study: Northwind Design", "How a 14-person studio cut its coffee bill by 30%"),
        ("Free tasting box", "Try three blends on us, free"),
        ("Tasting call with a roaster", "Book 15 minutes with our head roaster"),
        ("What office managers say", "\u201cThe team noticed on day one\u201d"),
    ],
    "Decision": [
        ("Abandoned cart reminder", "Your coffee plan is still in your cart"),
        ("Order confirmation", "Order confirmed: your first roast is booked"),
        ("Thank-you from the roaster", "A quick thank-you from the roastery"),
        ("Shipping notice", "Your coffee is on its way"),
    ],
    "Retention": [
        ("Brewing tips for your machine", "Get the best from your first bag"),
        ("Loyalty: Roast Club", "You're in: every 10th bag is on us"),
        ("Two-minute survey", "How's the coffee tasting so far?"),
        ("Re-engagement after 60 days", "We've missed you at the roastery"),
        ("Birthday treat", "Happy birthday! A bag of coffee is on us"),
    ],
    "Advocacy": [
        ("Review request", "Would you recommend us to another office?"),
        ("Referral reward", "Give a free box, get a free bag"),
        ("Community invite", "You're invited: our monthly office tasting"),
    ],
}
# sha256 of every field of the stages and emails, the brand, the journey and the personas, as on main.
CONTENT_DIGEST = "d106b732b82e097072e90f293a505d5c6e2753e7159b03544937aab9100ce570"
# (stage, email, variant): (sent, opens, clicks, unsubscribes, revenue) over the 12 weeks to 2026-11-22.
DEMO_METRIC_TOTALS = {
    ("Awareness", "Welcome", ""): (21938, 10394, 989, 45, 0.0),
    ("Awareness", "Welcome", "A"): (3660, 1623, 157, 9, 0.0),
    ("Awareness", "Welcome", "B"): (3747, 1999, 328, 6, 0.0),
    ("Awareness", "Three brewing mistakes", ""): (16961, 8005, 736, 35, 0.0),
    ("Awareness", "Fresh beans every two weeks", ""): (13126, 6179, 592, 20, 0.0),
    ("Consideration", "Case study: Northwind Design", ""): (8458, 3657, 321, 11, 0.0),
    ("Consideration", "Free tasting box", ""): (6225, 2620, 239, 10, 0.0),
    ("Consideration", "Tasting call with a roaster", ""): (4950, 2165, 215, 5, 0.0),
    ("Consideration", "What office managers say", ""): (4141, 1768, 166, 8, 0.0),
    ("Decision", "Abandoned cart reminder", ""): (4273, 2698, 500, 2, 9151.15),
    ("Decision", "Order confirmation", ""): (3115, 1969, 332, 5, 6215.23),
    ("Decision", "Thank-you from the roaster", ""): (2492, 1585, 277, 1, 4575.29),
    ("Decision", "Shipping notice", ""): (2060, 1283, 208, 1, 2893.75),
    ("Retention", "Brewing tips for your machine", ""): (6974, 2607, 226, 25, 3149.86),
    ("Retention", "Loyalty: Roast Club", ""): (5152, 2002, 161, 20, 2354.67),
    ("Retention", "Two-minute survey", ""): (4094, 1531, 141, 15, 2259.27),
    ("Retention", "Re-engagement after 60 days", ""): (3366, 1296, 125, 8, 1718.84),
    ("Retention", "Birthday treat", ""): (2868, 1063, 107, 11, 1436.13),
    ("Advocacy", "Review request", ""): (3853, 1766, 263, 2, 0.0),
    ("Advocacy", "Referral reward", ""): (2794, 1327, 174, 6, 0.0),
    ("Advocacy", "Community invite", ""): (2253, 1034, 144, 3, 0.0),
}


def test_the_demo_stages_keep_their_email_names_and_subjects_in_order():
    assert {s.name: [(e.name, e.subject) for e in s.emails] for s in DEMO_STAGES} == DEMO_EMAILS
    assert list(DEMO_EMAILS) == [s.name for s in DEMO_STAGES]
    assert sum(len(s.emails) for s in DEMO_STAGES) == 19


def test_the_demo_content_is_byte_for_byte_what_it_was_before_the_starter_changed():
    content = {
        "stages": [dataclasses.asdict(s) for s in DEMO_STAGES],
        "brand": DEMO_BRAND,
        "journey": DEMO_JOURNEY,
        "personas": DEMO_PERSONAS,
    }
    blob = json.dumps(content, sort_keys=True, ensure_ascii=False).encode()
    assert hashlib.sha256(blob).hexdigest() == CONTENT_DIGEST


def test_loading_the_demo_gives_the_fernhill_journey_with_ready_emails(session):
    journey_id = demo.load_demo(session)
    tree = journeys.load_tree(session, journey_id)
    assert tree.journey.name == "Office coffee subscription"
    got = {n.stage.name: [(e.name, e.subject) for e in n.emails] for n in tree.stages}
    assert got == DEMO_EMAILS
    assert {e.status for e in tree.emails} == {"ready"}
    welcome = tree.stages[0].emails[0]
    assert welcome.mjml == DEMO_STAGES[0].emails[0].mjml
    assert (
        welcome.cta_url == "{{ brand.website }}/guide/office-coffee?utm_source=email&utm_campaign=welcome_1"
    )


def test_the_demo_metrics_are_the_same_numbers_as_before(session):
    journey = journeys.create_journey(session, name="Demo", template="demo")
    rows = load_demo_metrics(session, journey.id, today=date(2026, 11, 23))
    assert rows == 1617
    query = (
        select(
            Stage.name,
            Email.name,
            MetricDaily.variant,
            func.sum(MetricDaily.sent),
            func.sum(MetricDaily.opens),
            func.sum(MetricDaily.clicks),
            func.sum(MetricDaily.unsubscribes),
            func.sum(MetricDaily.revenue),
        )
        .join(Email, Email.stage_id == Stage.id)
        .join(MetricDaily, MetricDaily.email_id == Email.id)
        .where(Stage.journey_id == journey.id)
        .group_by(Stage.name, Email.name, MetricDaily.variant)
    )
    got = {
        (stage, email, variant): (sent, opens, clicks, unsubscribes, round(revenue, 2))
        for stage, email, variant, sent, opens, clicks, unsubscribes, revenue in session.execute(query)
    }
    assert got == DEMO_METRIC_TOTALS
