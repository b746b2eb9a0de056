"""Journey checks: the domain's best practices and common mistakes (../shared/REFERENCE.md §1) as rules.

Every rule has a stable id, a severity, the stage or email it concerns, a message and a fix:

| rule | severity | fires when |
|---|---|---|
| journey-no-goal | warning | the journey has no goal |
| journey-no-persona | warning | the journey follows no persona |
| stage-no-email | warning | a stage has no email |
| no-post-purchase-email | error | nothing is sent after a purchase: no email triggered by purchase, shipped or delivered (the Decision thank-you or confirmation) and no Retention email |
| welcome-missing | warning | no email is triggered by signup |
| welcome-too-long | warning | a welcome series (a signup email and the previous_email chain after it in its stage) is longer than 3 |
| email-no-purpose | warning | an email has no purpose |
| email-no-trigger | error | an email has no (known) trigger |
| email-chain-never-starts | warning | a previous_email email is the first of its stage, so nothing starts its clock |
| email-primary-cta | warning | an email lacks exactly one primary call to action (CTA label and URL set, and one `<mj-button>`) |
| email-no-unsubscribe | error | an email body has no unsubscribe link |
| duplicate-subject | warning | two emails share a subject |
| too-many-emails | warning | a walk-through preset receives more than the journey's weekly cap in some 7 days |
| obstacle-not-addressed | info | a stage's obstacle shares no keyword with any of its emails (heuristic, below) |
| unsubscribe-rate-high | warning | a stage's unsubscribe rate in the last complete week is over the threshold |

Obstacle heuristic: each obstacle line and the stage's email names, purposes, subjects and preheaders
are cut into lowercase words of 4+ letters, minus common words, with a plural/-ing/-ed ending removed
("worried" → "worri", "commitment" stays). An obstacle counts as addressed when it shares at least
one such word with the stage's emails. It is a hint (info), never an error.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from db.models import Trigger
from journey.core.findings import Finding, sorted_findings
from journey.core.text import format_rate, lane_items
from journey.measure.review import load_thresholds
from journey.plan.journeys import TRIGGERS, JourneyTree
from journey.plan.walkthrough import PRESETS, busiest_week, walk_journey
from journey.write.facts import email_facts_of

MAX_WELCOME_SERIES = 3
DEFAULT_UNSUBSCRIBE_THRESHOLD = 0.005
POST_PURCHASE_TRIGGERS = {Trigger.purchase.value, Trigger.shipped.value, Trigger.delivered.value}
STOPWORDS = frozenset(
    [
        "about",
        "after",
        "again",
        "also",
        "because",
        "been",
        "before",
        "being",
        "could",
        "does",
        "doesn",
        "each",
        "every",
        "from",
        "have",
        "into",
        "just",
        "know",
        "like",
        "long",
        "make",
        "many",
        "more",
        "most",
        "much",
        "need",
        "needs",
        "never",
        "only",
        "other",
        "over",
        "same",
        "should",
        "some",
        "such",
        "than",
        "that",
        "their",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "very",
        "want",
        "what",
        "when",
        "where",
        "which",
        "while",
        "with",
        "without",
        "would",
        "your",
        "yours",
        "email",
        "emails",
        "send",
        "sent",
        "stage",
        "them",
        "they're",
        "don't",
        "doesn't",
    ]
)


def keywords(text: str) -> set[str]:
    """The obstacle heuristic's words: lowercase, 4+ letters, no stopwords, crude suffixes removed."""
    words = set()
    for word in re.findall(r"[a-z][a-z'-]{3,}", text.lower()):
        if word in STOPWORDS:
            continue
        for suffix in ("ing", "ed", "es", "s"):
            if word.endswith(suffix) and len(word) - len(suffix) >= 4:
                word = word[: -len(suffix)]
                break
        words.add(word)
    return words


def check_tree(
    tree: JourneyTree,
    *,
    unsubscribe_rates: Mapping[str, float | None] | None = None,
    unsubscribe_threshold: float = DEFAULT_UNSUBSCRIBE_THRESHOLD,
    snippets: Mapping[str, str] | None = None,
) -> list[Finding]:
    """Every finding for one journey, errors first. `unsubscribe_rates`: stage name → its rate in the last complete week.

    `snippets` (name → MJML) resolves the emails' `<mj-include>`s: a footer snippet's unsubscribe link counts.
    """
    findings: list[Finding] = []
    add = findings.append
    _journey_findings(tree, add)
    _stage_findings(tree, add, unsubscribe_rates or {}, unsubscribe_threshold)
    _welcome_findings(tree, add)
    _email_findings(tree, add, snippets)
    _frequency_findings(tree, add)
    return sorted_findings(findings)


def _journey_findings(tree: JourneyTree, add: Callable[[Finding], None]) -> None:
    """The journey as a whole: a goal and a persona."""
    journey = tree.journey
    if not (journey.goal or "").strip():
        add(
            Finding(
                "journey-no-goal",
                "warning",
                f"The journey “{journey.name}” has no goal, so nobody can tell whether it works.",
                "Write the goal of the map (e.g. “turn guide downloads into subscribers”) in the journey settings.",
            )
        )
    if not tree.personas:
        add(
            Finding(
                "journey-no-persona",
                "warning",
                f"The journey “{journey.name}” follows no persona.",
                "Pick the most common persona among your current customers for this journey.",
            )
        )


def _stage_findings(
    tree: JourneyTree,
    add: Callable[[Finding], None],
    unsubscribe_rates: Mapping[str, float | None],
    unsubscribe_threshold: float,
) -> None:
    """Each stage: an email, its obstacles addressed, unsubscribes under the threshold; something after a purchase."""
    post_purchase = False
    for node in tree.stages:
        stage = node.stage
        if not node.emails:
            add(
                Finding(
                    "stage-no-email",
                    "warning",
                    f"Stage “{stage.name}” has no email: customers in it hear nothing from you.",
                    "Add at least one email that serves this stage's purpose.",
                    stage=stage.name,
                )
            )
        name = stage.name.strip().lower()
        if name == "retention" and node.emails:
            post_purchase = True
        if any(e.trigger in POST_PURCHASE_TRIGGERS for e in node.emails):
            post_purchase = True
        for finding in _obstacle_findings(node):
            add(finding)
        rate = unsubscribe_rates.get(stage.name)
        if rate is not None and rate > unsubscribe_threshold:
            add(
                Finding(
                    "unsubscribe-rate-high",
                    "warning",
                    f"Stage “{stage.name}” lost {format_rate(rate)} of recipients to unsubscribes in the last "
                    f"complete week (threshold {format_rate(unsubscribe_threshold)}).",
                    "Usually too many or irrelevant emails: send fewer, segment better, check each email's purpose.",
                    stage=stage.name,
                )
            )
    if tree.stages and not post_purchase:
        add(
            Finding(
                "no-post-purchase-email",
                "error",
                "Nothing is sent after a purchase: no thank-you or order confirmation in Decision and no Retention email.",
                "Add an order confirmation or thank-you triggered by “Buys” in Decision, and a Retention email "
                "(usage tips, loyalty).",
            )
        )


def _welcome_findings(tree: JourneyTree, add: Callable[[Finding], None]) -> None:
    """A welcome series that starts on sign-up and is not too long."""
    signup_seen = False
    for node in tree.stages:
        series: list[str] = []
        for email in node.emails:
            if email.trigger == Trigger.signup.value:
                signup_seen = True
                _flush_series(series, node.stage.name, add)
                series = [email.name]
            elif email.trigger == Trigger.previous_email.value and series:
                series.append(email.name)
            else:
                _flush_series(series, node.stage.name, add)
                series = []
        _flush_series(series, node.stage.name, add)
    if tree.stages and not signup_seen:
        add(
            Finding(
                "welcome-missing",
                "warning",
                "No email is sent when someone signs up: the welcome series is missing.",
                "Add a welcome email with the trigger “Signs up” (and at most two follow-ups).",
                stage=tree.stages[0].stage.name,
            )
        )


def _email_findings(
    tree: JourneyTree, add: Callable[[Finding], None], snippets: Mapping[str, str] | None = None
) -> None:
    """Each email: a purpose, a trigger that fires, one primary call to action, an unsubscribe link, its own subject."""
    subjects: dict[str, str] = {}
    for node in tree.stages:
        for index, email in enumerate(node.emails):
            where = {"stage": node.stage.name, "email": email.name}
            if not (email.purpose or "").strip():
                add(
                    Finding(
                        "email-no-purpose",
                        "warning",
                        f"“{email.name}” has no purpose: an email without a clear goal is a common mistake.",
                        "Say in one sentence what this email is for and what the reader should do.",
                        **where,
                    )
                )
            if email.trigger not in TRIGGERS:
                add(
                    Finding(
                        "email-no-trigger",
                        "error",
                        f"“{email.name}” has no trigger, so nothing ever sends it.",
                        "Pick what starts it: signs up, buys, the previous email, a date, or “sent by hand”.",
                        **where,
                    )
                )
            elif email.trigger == Trigger.previous_email.value and index == 0:
                add(
                    Finding(
                        "email-chain-never-starts",
                        "warning",
                        f"“{email.name}” waits for the previous email, but it is the first email of "
                        f"“{node.stage.name}”, so it never goes out.",
                        "Give it its own trigger, or move it after the email it should follow.",
                        **where,
                    )
                )
            facts = email_facts_of(email.mjml, snippets)
            buttons = len(facts.buttons)
            has_cta = bool((email.cta_label or "").strip() and (email.cta_url or "").strip())
            if not has_cta or buttons != 1:
                problems = []
                if not has_cta:
                    problems.append("no call-to-action label and URL")
                if buttons != 1:
                    problems.append(f"{buttons} buttons in the body" if buttons else "no button in the body")
                add(
                    Finding(
                        "email-primary-cta",
                        "warning",
                        f"“{email.name}” lacks one clear primary call to action: {', '.join(problems)}.",
                        "Give it one call to action with a strong verb: set the CTA label and URL and keep "
                        "exactly one <mj-button>; make other links plain text.",
                        **where,
                    )
                )
            if not facts.has_unsubscribe:
                add(
                    Finding(
                        "email-no-unsubscribe",
                        "error",
                        f"“{email.name}” has no unsubscribe link: a hard-to-find opt-out leads to spam complaints "
                        "and breaks CAN-SPAM and Gmail/Yahoo rules.",
                        'Add a footer link: <a href="{{ unsubscribe_url }}">Unsubscribe</a>.',
                        **where,
                    )
                )
            subject = " ".join((email.subject or "").split()).casefold()
            if subject:
                if subject in subjects:
                    add(
                        Finding(
                            "duplicate-subject",
                            "warning",
                            f"“{email.name}” has the same subject as “{subjects[subject]}”: “{email.subject}”.",
                            "Give every email its own subject so readers can tell them apart.",
                            **where,
                        )
                    )
                else:
                    subjects[subject] = email.name


def _frequency_findings(tree: JourneyTree, add: Callable[[Finding], None]) -> None:
    """No walk-through preset gets more emails in any 7 days than the journey's weekly cap."""
    cap = tree.journey.max_emails_per_week or 3
    for walk_preset in PRESETS:
        walk = walk_journey(tree, walk_preset.events, {}, render_subjects=False)
        first_day, count = busiest_week(walk)
        if count > cap:
            names = [d.email for d in walk.deliveries if first_day <= d.day < first_day + 7]
            add(
                Finding(
                    "too-many-emails",
                    "warning",
                    f"Walk-through “{walk_preset.name}”: {count} emails in days {first_day}–{first_day + 6} "
                    f"(the cap is {cap} in any 7 days): {', '.join(names)}.",
                    "Respect the inbox: space the delays out, stop a series when the customer acts, or raise "
                    "the journey's weekly cap if this is intended.",
                )
            )


def _flush_series(series: list[str], stage: str, add) -> None:
    if len(series) > MAX_WELCOME_SERIES:
        add(
            Finding(
                "welcome-too-long",
                "warning",
                f"The welcome series in “{stage}” has {len(series)} emails ({', '.join(series)}); "
                f"{MAX_WELCOME_SERIES} is plenty.",
                "Keep it to welcome, value, and a hint at the main offer; move the rest to Consideration.",
                stage=stage,
                email=series[MAX_WELCOME_SERIES],
            )
        )


def _obstacle_findings(node) -> list[Finding]:
    obstacles = lane_items(node.stage.obstacles)
    if not obstacles:
        return []
    email_words: set[str] = set()
    for email in node.emails:
        email_words |= keywords(" ".join((email.name, email.purpose, email.subject, email.preheader)))
    missed = [line for line in obstacles if not keywords(line) & email_words]
    if not missed:
        return []
    return [
        Finding(
            "obstacle-not-addressed",
            "info",
            f"In “{node.stage.name}”, no email seems to address: "
            + "; ".join(f"“{m}”" for m in missed)
            + ".",
            "Say in an email's purpose which obstacle it removes, or add an email for it "
            "(see the Opportunities lane).",
            stage=node.stage.name,
        )
    ]


def unsubscribe_threshold(session) -> float:
    """The unsubscribe-rate alert threshold: the weekly review's saved thresholds (Setting "alert_thresholds")."""
    return load_thresholds(session).unsubscribe_rate_max


def check_journey(session, journey_id: int, today=None) -> list[Finding]:
    """Load a journey with its stage metrics of the last complete week (as of `today`, default today in the
    workspace's time zone) and the threshold, and check it."""
    from journey.plan.journeys import load_tree
    from journey.plan.maps import stage_rates

    tree = load_tree(session, journey_id)
    return check_loaded(session, tree, stage_rates(session, journey_id, today))


def check_loaded(session, tree, rates: dict) -> list[Finding]:
    """Check a loaded journey with its stage rates (maps.stage_rates), the saved threshold and the snippets.

    Only a complete week's rates are checked: a week in progress is too early to judge."""
    from journey.write.snippets import snippet_library

    return check_tree(
        tree,
        unsubscribe_rates={
            node.stage.name: rates[node.stage.id].rates.get("unsubscribe_rate")
            for node in tree.stages
            if node.stage.id in rates and rates[node.stage.id].complete
        },
        unsubscribe_threshold=unsubscribe_threshold(session),
        snippets=snippet_library(session),
    )
