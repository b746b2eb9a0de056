"""The big journey the benches share: the five starter stages, each with N ready emails (starter MJML bodies)."""

from __future__ import annotations

from journey.plan import journeys
from journey.plan.starter import STARTER_STAGES

STAGE_TRIGGERS = ("signup", "product_view", "cart_abandoned", "delivered", "delivered")


def fill_journey(session, journey_id: int, emails_per_stage: int = 30) -> list:
    """Add the starter's five stages to the journey, each with `emails_per_stage` emails, through the
    services (add_stage, add_email); the emails, in journey order."""
    bodies = [e.mjml for s in STARTER_STAGES for e in s.emails]
    emails = []
    for s_index, starter in enumerate(STARTER_STAGES):
        stage = journeys.add_stage(
            session,
            journey_id,
            name=starter.name,
            obstacles=starter.obstacles,
            customer_goals=starter.customer_goals,
            emotion=starter.emotion,
        )
        for e_index in range(emails_per_stage):
            emails.append(
                journeys.add_email(
                    session,
                    stage.id,
                    name=f"{starter.name} {e_index + 1}",
                    purpose=f"Email {e_index + 1} of {starter.name}",
                    trigger=STAGE_TRIGGERS[s_index] if e_index == 0 else "previous_email",
                    delay_hours=0 if e_index == 0 else 24,
                    subject=f"{starter.name} news #{e_index + 1} for {{{{ first_name }}}}",
                    mjml=bodies[(s_index * emails_per_stage + e_index) % len(bodies)],
                    cta_label="Go",
                    cta_url="https://example.com",
                    status="ready",
                )
            )
    return emails
