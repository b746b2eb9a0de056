"""Journey checks: each rule with a journey that breaks it and one that does not; the starter has no errors."""

from datetime import date, timedelta

import pytest

from db.models import Email, Journey, MetricDaily, Persona, Setting, Stage
from journey.plan import journeys, personas
from journey.plan.checks import check_journey, check_tree, keywords
from journey.plan.demo_content import DEMO_JOURNEY, DEMO_PERSONAS
from journey.plan.journeys import JourneyTree, StageNode
from journey.write.facts import email_facts_of

BUTTON = '<mj-button href="https://shop.example/go">Shop now</mj-button>'
FOOTER = '<mj-text><a href="{{ unsubscribe_url }}">Unsubscribe</a></mj-text>'


def body(*parts: str) -> str:
    return f"<mjml><mj-body><mj-section><mj-column>{''.join(parts)}</mj-column></mj-section></mj-body></mjml>"


GOOD_BODY = body("<mj-text>Hi {{ first_name }}</mj-text>", BUTTON, FOOTER)


def email(name, trigger="signup", delay_hours=0, **values):
    defaults = {
        "purpose": f"Purpose of {name}",
        "subject": f"Subject of {name}",
        "cta_label": "Shop now",
        "cta_url": "https://shop.example/go",
        "mjml": GOOD_BODY,
        "status": "ready",
    }
    return Email(name=name, trigger=trigger, delay_hours=delay_hours, stage_id=0, **{**defaults, **values})


def make_tree(stages=None, *, goal="Turn signups into customers", personas=("Maya",), cap=3, obstacles=None):
    """A journey that passes every rule unless the test changes it."""
    if stages is None:
        stages = {
            "Awareness": [email("Welcome")],
            "Decision": [email("Order confirmation", "purchase")],
            "Retention": [email("Usage tips", "delivered", 48)],
        }
    obstacles = obstacles or {}
    nodes = [
        StageNode(Stage(name=name, position=i, journey_id=1, obstacles=obstacles.get(name, "")), emails)
        for i, (name, emails) in enumerate(stages.items())
    ]
    journey = Journey(name="Spring", goal=goal, max_emails_per_week=cap)
    return JourneyTree(journey, [Persona(name=p) for p in personas], nodes)


def rules(findings):
    return {f.rule for f in findings}


def test_the_baseline_journey_has_no_findings():
    assert check_tree(make_tree()) == []


def base_stages(**changes):
    stages = {
        "Awareness": [email("Welcome")],
        "Decision": [email("Order confirmation", "purchase")],
        "Retention": [email("Usage tips", "delivered", 48)],
    }
    stages.update(changes)
    return stages


BREAKING = [
    pytest.param("journey-no-goal", lambda: make_tree(goal="  "), id="no-goal"),
    pytest.param("journey-no-persona", lambda: make_tree(personas=()), id="no-persona"),
    pytest.param("stage-no-email", lambda: make_tree(base_stages(Advocacy=[])), id="stage-without-email"),
    pytest.param(
        "no-post-purchase-email",
        lambda: make_tree(
            {"Awareness": [email("Welcome")], "Decision": [email("Cart", "cart_abandoned")], "Retention": []}
        ),
        id="nothing-after-purchase",
    ),
    pytest.param(
        "welcome-missing",
        lambda: make_tree(base_stages(Awareness=[email("Welcome", "product_view")])),
        id="no-signup-email",
    ),
    pytest.param(
        "welcome-too-long",
        lambda: make_tree(
            base_stages(Awareness=[email("W1")] + [email(f"W{i}", "previous_email", 72) for i in (2, 3, 4)]),
            cap=9,
        ),
        id="welcome-series-of-4",
    ),
    pytest.param(
        "email-no-purpose",
        lambda: make_tree(base_stages(Awareness=[email("Welcome", purpose="")])),
        id="no-purpose",
    ),
    pytest.param(
        "email-no-trigger",
        lambda: make_tree(base_stages(Retention=[email("Usage tips", "")])),
        id="no-trigger",
    ),
    pytest.param(
        "email-chain-never-starts",
        lambda: make_tree(base_stages(Retention=[email("Usage tips", "previous_email", 24)])),
        id="previous-email-first-in-stage",
    ),
    pytest.param(
        "email-primary-cta",
        lambda: make_tree(base_stages(Awareness=[email("Welcome", cta_label="")])),
        id="no-cta-label",
    ),
    pytest.param(
        "email-primary-cta",
        lambda: make_tree(base_stages(Awareness=[email("Welcome", mjml=body(BUTTON, BUTTON, FOOTER))])),
        id="two-buttons",
    ),
    pytest.param(
        "email-primary-cta",
        lambda: make_tree(
            base_stages(Awareness=[email("Welcome", mjml=body("<mj-text>Hi</mj-text>", FOOTER))])
        ),
        id="no-button",
    ),
    pytest.param(
        "email-no-unsubscribe",
        lambda: make_tree(base_stages(Awareness=[email("Welcome", mjml=body(BUTTON))])),
        id="no-unsubscribe-link",
    ),
    pytest.param(
        "duplicate-subject",
        lambda: make_tree(
            base_stages(Retention=[email("Usage tips", "delivered", subject="subject  of WELCOME")])
        ),
        id="same-subject",
    ),
    pytest.param(
        "too-many-emails",
        lambda: make_tree(
            base_stages(
                Awareness=[
                    email("Welcome"),
                    email("Value", "previous_email", 24),
                    email("Hint", "previous_email", 24),
                ],
                Consideration=[email("Trial", "product_view")],
            )
        ),
        id="four-emails-in-a-week",
    ),
    pytest.param(
        "obstacle-not-addressed",
        lambda: make_tree(obstacles={"Decision": "Worried about shipping costs"}),
        id="obstacle-without-email",
    ),
]


@pytest.mark.parametrize(("rule", "build"), BREAKING)
def test_each_rule_fires_on_a_journey_that_breaks_it(rule, build):
    findings = check_tree(build())
    assert rule in rules(findings)
    finding = next(f for f in findings if f.rule == rule)
    assert finding.message
    assert finding.fix


PASSING = [
    pytest.param(
        "welcome-too-long",
        lambda: make_tree(
            base_stages(Awareness=[email("W1")] + [email(f"W{i}", "previous_email", 72) for i in (2, 3)])
        ),
        id="welcome-series-of-3",
    ),
    pytest.param(
        "too-many-emails",
        lambda: make_tree(
            base_stages(
                Awareness=[
                    email("Welcome"),
                    email("Value", "previous_email", 24),
                    email("Hint", "previous_email", 24),
                ],
                Consideration=[email("Trial", "product_view")],
            ),
            cap=5,  # with the purchase on day 6, the cart preset gets 5 emails in days 0-6
        ),
        id="five-emails-with-a-cap-of-five",
    ),
    pytest.param(
        "obstacle-not-addressed",
        lambda: make_tree(
            base_stages(
                Decision=[email("Order confirmation", "purchase", purpose="Free shipping: no costs")]
            ),
            obstacles={"Decision": "Worried about shipping costs"},
        ),
        id="obstacle-addressed-in-a-purpose",
    ),
    pytest.param(
        "email-no-unsubscribe",
        lambda: make_tree(
            base_stages(
                Awareness=[
                    email("Welcome", mjml=body(BUTTON, '<mj-text><a href="*|UNSUB|*">Opt out</a></mj-text>'))
                ]
            )
        ),
        id="mailchimp-unsub-tag",
    ),
    pytest.param(
        "email-no-unsubscribe",
        lambda: make_tree(
            base_stages(
                Awareness=[
                    email(
                        "Welcome",
                        mjml=body(BUTTON, '<mj-text><a href="https://x.example/p">Unsubscribe</a></mj-text>'),
                    )
                ]
            )
        ),
        id="link-text-says-unsubscribe",
    ),
    pytest.param(
        "no-post-purchase-email",
        lambda: make_tree({"Awareness": [email("Welcome")], "Retention": [email("Tips", "delivered")]}),
        id="a-retention-email-is-enough",
    ),
]


@pytest.mark.parametrize(("rule", "build"), PASSING)
def test_a_journey_that_keeps_the_rule_has_no_such_finding(rule, build):
    assert rule not in rules(check_tree(build()))


@pytest.mark.parametrize(
    ("rate", "fires"),
    [pytest.param(0.012, True, id="over-threshold"), pytest.param(0.004, False, id="under-threshold")],
)
def test_unsubscribe_rate_over_the_threshold(rate, fires):
    findings = check_tree(make_tree(), unsubscribe_rates={"Decision": rate}, unsubscribe_threshold=0.005)
    assert ("unsubscribe-rate-high" in rules(findings)) is fires
    if fires:
        assert next(f for f in findings if f.rule == "unsubscribe-rate-high").stage == "Decision"


def test_too_many_emails_reports_the_window_and_the_emails():
    tree = make_tree(
        base_stages(
            Awareness=[
                email("Welcome"),
                email("Value", "previous_email", 24),
                email("Hint", "previous_email", 24),
            ],
            Consideration=[email("Trial", "product_view")],
        )
    )
    finding = next(f for f in check_tree(tree) if f.rule == "too-many-emails")
    assert "days 0–6" in finding.message
    assert "Welcome, Value, Hint, Trial" in finding.message


def test_errors_come_first_and_carry_the_stage_and_email():
    findings = check_tree(make_tree(base_stages(Awareness=[email("Welcome", mjml=body(BUTTON), purpose="")])))
    assert findings[0].severity == "error"
    assert (findings[0].rule, findings[0].stage, findings[0].email) == (
        "email-no-unsubscribe",
        "Awareness",
        "Welcome",
    )


@pytest.mark.parametrize(
    ("mjml", "buttons", "unsubscribe"),
    [
        pytest.param(GOOD_BODY, 1, True, id="good"),
        pytest.param(
            body("<!-- <mj-button>old</mj-button> -->", BUTTON), 1, False, id="commented-button-ignored"
        ),
        pytest.param(
            body('<mj-button href="x">A</mj-button><mj-button href="y">B</mj-button>'), 2, False, id="two"
        ),
        pytest.param(body("<mj-raw>{{ unsubscribe_url }}</mj-raw>"), 0, True, id="bare-unsubscribe-tag"),
        pytest.param("<mjml><mj-body><mj-text>unclosed", 0, False, id="broken-mjml-does-not-crash"),
    ],
)
def test_email_facts_count_buttons_with_a_parser(mjml, buttons, unsubscribe):
    facts = email_facts_of(mjml)
    assert (len(facts.buttons), facts.has_unsubscribe) == (buttons, unsubscribe)


def test_keywords_drop_short_and_common_words_and_plural_endings():
    assert keywords("Worried about the shipping costs") == {"worri", "shipp", "cost"}


# --- on the database ----------------------------------------------------------------------------


def starter_journey(session):
    maya = personas.create_persona(session, **DEMO_PERSONAS[0])
    return journeys.create_journey(session, **DEMO_JOURNEY, persona_ids=[maya.id])


def test_the_starter_journey_has_no_errors(session):
    journey = starter_journey(session)
    findings = check_journey(session, journey.id)
    assert [f for f in findings if f.severity == "error"] == []


def test_every_starter_email_has_a_trigger_that_can_fire(session):
    journey = starter_journey(session)
    assert "email-chain-never-starts" not in rules(check_journey(session, journey.id))


def test_check_journey_uses_the_latest_unsubscribe_rate_and_the_saved_threshold(session):
    journey = starter_journey(session)
    tree = journeys.load_tree(session, journey.id)
    decision = next(n for n in tree.stages if n.stage.name == "Decision")
    day = date(2026, 11, 16)
    for offset in range(7):
        session.add(
            MetricDaily(
                email_id=decision.emails[0].id,
                day=day + timedelta(days=offset),
                sent=1000,
                delivered=1000,
                opens=400,
                clicks=50,
                unsubscribes=8,
            )
        )
    session.flush()
    high = [f for f in check_journey(session, journey.id) if f.rule == "unsubscribe-rate-high"]
    assert [f.stage for f in high] == ["Decision"]  # 0.8 % > 0.5 % default
    session.add(Setting(key="alert_thresholds", value={"unsubscribe_rate_max": 0.01}))
    session.flush()
    assert "unsubscribe-rate-high" not in rules(check_journey(session, journey.id))
