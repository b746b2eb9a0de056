"""The starter journey: a neutral template of five stages, every email valid, mobile-friendly and renderable."""

from __future__ import annotations

import importlib.util
import re
from html import unescape

import mjml
import pytest
from liquid import Environment, StrictDefaultUndefined

from db.models import MAX_DELAY_HOURS, Trigger
from journey.plan.demo_content import DEMO_BRAND, DEMO_JOURNEY, DEMO_PERSONAS
from journey.plan.starter import STARTER_STAGES, blank_email_mjml

STAGE_NAMES = ("Awareness", "Consideration", "Decision", "Retention", "Advocacy")
LANES = ("customer_goals", "motivations", "actions", "obstacles", "opportunities", "touchpoints")
STANDARD_TAGS = {
    "unsubscribe_url": "https://fernhillcoffee.example/u/abc",
    "view_in_browser_url": "https://fernhillcoffee.example/v/abc",
}
BRAND = {**DEMO_BRAND, "website": "https://brand.example"}  # the links start at the brand's website
# Strict undefined but `| default:` allowed: a tag without a fallback and without data fails.
LIQUID = Environment(undefined=StrictDefaultUndefined, autoescape=True)

EMAILS = [
    pytest.param(stage.name, email, id=f"{stage.name}-{email.name}")
    for stage in STARTER_STAGES
    for email in stage.emails
]
ALL_EMAILS = [email for stage in STARTER_STAGES for email in stage.emails]
MERGE_DATA = [
    pytest.param({}, id="no-persona-data"),
    *(pytest.param(p["merge_data"], id=p["name"]) for p in DEMO_PERSONAS),
]


def _body(mjml_source: str) -> str:
    return mjml_source.split("<mj-body", 1)[1]


def test_starter_has_the_five_stages_in_order_with_full_lanes():
    assert tuple(stage.name for stage in STARTER_STAGES) == STAGE_NAMES
    for stage in STARTER_STAGES:
        for lane in LANES:
            items = getattr(stage, lane).splitlines()
            assert len(items) >= 2, f"{stage.name}.{lane} needs at least two items"
            assert all(item.strip() for item in items), f"{stage.name}.{lane} has a blank line"
        assert -2 <= stage.emotion <= 2


def test_emotion_curve_dips_at_decision_and_peaks_at_advocacy():
    emotion = {stage.name: stage.emotion for stage in STARTER_STAGES}
    assert emotion["Decision"] == min(emotion.values())
    assert emotion["Advocacy"] == max(emotion.values())


def test_each_stage_has_the_emails_that_serve_it():
    counts = {stage.name: len(stage.emails) for stage in STARTER_STAGES}
    assert counts == {"Awareness": 3, "Consideration": 4, "Decision": 4, "Retention": 5, "Advocacy": 3}
    awareness = STARTER_STAGES[0].emails
    assert [e.trigger for e in awareness] == ["signup", "previous_email", "previous_email"]
    triggers = {e.trigger for e in ALL_EMAILS}
    for needed in ("product_view", "trial_started", "cart_abandoned", "purchase", "inactivity", "birthday"):
        assert needed in triggers
    assert [e.name for e in ALL_EMAILS] == [
        "Welcome",
        "Value before the offer",
        "Meet our main offer",
        "Case study",
        "What customers say",
        "Honest comparison",
        "Trial or demo follow-up",
        "Cart reminder",
        "Last chance",
        "Trial ending",
        "Order confirmation",
        "Getting started",
        "How-to tips",
        "Check-in survey",
        "Win-back after 60 days",
        "Birthday",
        "Review request",
        "Referral reward",
        "Customer anniversary",
    ]


def test_no_stage_opens_on_a_previous_email_chain_and_delays_make_sense():
    for stage in STARTER_STAGES:
        assert stage.emails[0].trigger != "previous_email", (
            f"{stage.name} starts a chain with nothing before it"
        )
    by_name = {e.name: e for e in ALL_EMAILS}
    assert by_name["Welcome"].delay_hours == 0  # at once, while the signup is fresh
    assert by_name["Cart reminder"].delay_hours == 4
    assert by_name["Order confirmation"].delay_hours == 0
    assert by_name["Trial ending"].delay_hours == 11 * 24  # 3 days before a 14-day trial ends
    assert by_name["Customer anniversary"].delay_hours == 365 * 24


def test_names_subjects_purposes_and_bodies_are_unique():
    for field in ("name", "subject", "purpose", "preheader", "mjml"):
        values = [getattr(e, field) for e in ALL_EMAILS]
        assert len(set(values)) == len(values), f"duplicate {field}"


@pytest.mark.parametrize(("stage_name", "email"), EMAILS)
def test_email_fields_are_valid(stage_name, email):
    assert email.name.strip()
    assert len(email.purpose) >= 60, "a purpose says what the email is for, in a sentence"
    assert Trigger(email.trigger)
    if email.trigger == "inactivity":
        assert email.trigger_detail == "60"
    else:
        assert email.trigger_detail == ""
    assert isinstance(email.delay_hours, int)
    assert 0 <= email.delay_hours <= MAX_DELAY_HOURS
    assert 0 < len(email.subject) <= 60
    assert "{{" not in email.subject
    assert 40 <= len(email.preheader) <= 100
    assert email.cta_url.startswith("{{ brand.website }}/")
    assert 1 <= len(email.cta_label.split()) <= 5


@pytest.mark.parametrize(("stage_name", "email"), EMAILS)
def test_email_has_one_primary_button_pointing_at_the_cta(stage_name, email):
    body = _body(email.mjml)
    buttons = re.findall(r"<mj-button\b([^>]*)>(.*?)</mj-button>", body, re.DOTALL)
    assert len(buttons) == 1
    attributes, label = buttons[0]
    assert re.search(r'href="([^"]*)"', attributes).group(1) == email.cta_url  # as written: no &amp;
    assert unescape(label.strip()) == email.cta_label
    # Tap target: 14 px padding top and bottom around a 20 px line = 48 px.
    assert 'inner-padding="14px 28px"' in attributes
    assert 'line-height="20px"' in attributes


@pytest.mark.parametrize(("stage_name", "email"), EMAILS)
def test_email_is_mobile_friendly_personal_and_compliant(stage_name, email):
    source = email.mjml
    assert '<mj-body width="600px"' in source
    sizes = [int(size) for size in re.findall(r'font-size="(\d+)px"', source)]
    assert sizes
    assert min(sizes) >= 14
    assert '{{ first_name | default: "' in source
    assert "{{ unsubscribe_url }}" in source
    assert "{{ brand.address }}" in source.split('mj-class="footer"')[-1]
    assert 'background-color="{{ brand.primary_color }}"' in source
    for image in re.findall(r"<mj-image\b[^>]*>", source):
        assert re.search(r'alt="[^"]+"', image)
        assert 'src="https://' in image


@pytest.mark.parametrize(("stage_name", "email"), EMAILS)
@pytest.mark.parametrize("merge_data", MERGE_DATA)
def test_email_renders_after_merge_for_any_persona(stage_name, email, merge_data):
    merged = LIQUID.from_string(email.mjml).render(**STANDARD_TAGS, brand=BRAND, **merge_data)
    html = mjml.mjml2html(merged)
    assert "{{" not in html
    assert STANDARD_TAGS["unsubscribe_url"] in html
    cta_url = email.cta_url.replace("{{ brand.website }}", "https://brand.example")
    assert f'href="{cta_url}"' in html  # mjml passes a plain & in an attribute through
    assert "214 Alder Street, Suite 3, Portland, OR 97209" in html  # the brand's address, from the tag
    assert "background:#8a4b2a" in html  # the brand's colour on the button
    if "first_name" in merge_data:
        assert merge_data["first_name"] in html
    assert len(html.encode()) < 90_000


def test_demo_personas_have_merge_data_for_every_tag_used():
    assert len(DEMO_PERSONAS) == 2
    used = set()
    for email in ALL_EMAILS:
        used |= set(re.findall(r"\{\{\s*(\w+)", email.mjml))
    used -= {*STANDARD_TAGS, "brand"}
    for persona in DEMO_PERSONAS:
        for key in ("name", "description", "goals", "motivations", "segment"):
            assert persona[key].strip()
        data = persona["merge_data"]
        assert all(isinstance(k, str) and isinstance(v, str) for k, v in data.items())
        assert used <= set(data), f"{persona['name']} lacks {used - set(data)}"


def test_demo_journey_is_a_current_state_map():
    assert DEMO_JOURNEY["map_type"] == "current_state"
    assert DEMO_JOURNEY["name"]
    assert DEMO_JOURNEY["goal"]
    assert DEMO_JOURNEY["target_kpi"]


@pytest.mark.parametrize(
    ("label", "url"),
    [
        pytest.param("Find out more", "https://example.com", id="defaults"),
        pytest.param('Say "hi" & <go>', "https://example.com/?a=1&b=2", id="needs-escaping"),
    ],
)
def test_blank_email_is_a_valid_skeleton_with_one_button_and_footer(label, url):
    source = blank_email_mjml(label, url)
    assert len(re.findall(r"<mj-button\b", _body(source))) == 1
    assert '{{ first_name | default: "there" }}' in source
    assert "{{ unsubscribe_url }}" in source
    html = mjml.mjml2html(LIQUID.from_string(source).render(**STANDARD_TAGS, brand=BRAND))
    assert 'href="https://example.com' in html
    assert "Portland, OR 97209" in html
    assert "{{ brand.address }}" in source


@pytest.mark.skipif(
    importlib.util.find_spec("journey.write.checks") is None, reason="journey.write.checks not built yet"
)
@pytest.mark.parametrize(("stage_name", "email"), EMAILS)
@pytest.mark.parametrize("persona", DEMO_PERSONAS, ids=lambda p: p["name"])
def test_starter_email_passes_the_pre_send_checks_without_errors(stage_name, email, persona):
    from journey.write.checks import check_email
    from journey.write.render import standard_merge_data

    findings = check_email(
        email.mjml,
        subject=email.subject,
        preheader=email.preheader,
        data=standard_merge_data(persona["merge_data"], brand=BRAND),
        cta_label=email.cta_label,
        cta_url=email.cta_url,
    )
    errors = [f for f in findings if f.severity == "error"]
    assert errors == []
    # the one warning a template leaves on purpose: its [bracketed] placeholders (README, Starter)
    assert [f.rule for f in findings] == ["template-placeholder"], findings


STARTER_TEXTS = [
    pytest.param(getattr(email, field), id=f"{email.name}-{field}")
    for email in ALL_EMAILS
    for field in ("name", "purpose", "subject", "preheader", "cta_label", "cta_url", "mjml")
] + [
    pytest.param(getattr(stage, lane), id=f"{stage.name}-{lane}")
    for stage in STARTER_STAGES
    for lane in LANES
]


# Another company's story, in any of its words: the demo's roastery, its people and its products.
FOREIGN_WORDS = (
    "Fernhill",
    "Portland",
    "97209",
    "fernhillcoffee",
    "Nora",
    "#8a4b2a",
    "coffee",
    "roast",
    "bean",
    "brew",
    "Northwind",
    "Roast Club",
    "tasting",
    "office",
    "Olivia",
    "Priya",
)


@pytest.mark.parametrize("text", STARTER_TEXTS)
def test_starter_names_no_company_of_its_own_the_brand_does(text):
    for word in FOREIGN_WORDS:
        assert word.lower() not in text.lower()


def test_the_company_comes_from_the_brand_tags():
    welcome = ALL_EMAILS[0]
    assert '<mj-text mj-class="brand">{{ brand.name }}</mj-text>' in welcome.mjml
    assert 'Welcome to {{ brand.name }}, {{ first_name | default: "there" }}' in welcome.mjml
    assert "Thanks,<br />{{ brand.sender_name }}, {{ brand.name }}" in welcome.mjml
    assert "signed up for news from {{ brand.name }}." in welcome.mjml
    assert welcome.cta_url == "{{ brand.website }}/welcome?utm_source=email&utm_campaign=welcome_1"


_PLACEHOLDER = re.compile(r"\[[^\[\]\n]+\s[^\[\]\n]+\]")


@pytest.mark.parametrize(("stage_name", "email"), EMAILS)
def test_every_email_has_bracketed_placeholders_for_the_marketers_own_copy(stage_name, email):
    placeholders = _PLACEHOLDER.findall(_body(email.mjml))
    assert placeholders, "a template email says where to write your own copy"
    for field in ("subject", "preheader", "cta_label", "purpose"):
        assert "[" not in getattr(email, field), f"{field} is sendable copy, not a placeholder"


def test_the_placeholders_say_what_to_write():
    by_name = {email.name: email for email in ALL_EMAILS}
    assert "[One sentence on what makes your product different]" in by_name["Meet our main offer"].mjml
    assert "[Customer name]: [the result, in a few words]" in by_name["Case study"].mjml
    assert "[Two sentences on who you are and who you help, in your own words.]" in by_name["Welcome"].mjml


@pytest.mark.parametrize("stage", STARTER_STAGES, ids=lambda s: s.name)
def test_every_lane_item_is_a_bracketed_prompt_to_fill_in(stage):
    for lane in LANES:
        for item in getattr(stage, lane).splitlines():
            assert item[0] + item[-1] == "[]", f"{stage.name}.{lane}: {item!r}"


_ENTITY_RE = re.compile(r"&(?:#\d+|#x[0-9a-fA-F]+|[A-Za-z]\w*);")


@pytest.mark.parametrize(
    "source",
    [pytest.param(email.mjml, id=email.name) for email in ALL_EMAILS]
    + [pytest.param(blank_email_mjml(), id="blank")],
)
def test_starter_mjml_is_readable_without_html_entities(source):
    assert _ENTITY_RE.findall(source) == []  # no You&#x27;re, &amp;, &bull; or &middot;
    assert "You're getting this because" in source
    assert '<a href="{{ unsubscribe_url }}">Unsubscribe</a> · <a' in source


def test_starter_apostrophes_and_bullets_are_plain_characters():
    by_name = {email.name: email for email in ALL_EMAILS}
    assert "customers' words" in by_name["What customers say"].mjml
    assert "<br />• [Second benefit]<br />" in by_name["Meet our main offer"].mjml
    assert "<mj-title>Would you recommend us? Tell others</mj-title>" in by_name["Review request"].mjml


def test_blank_email_escapes_only_what_mjml_needs():
    source = blank_email_mjml('Say "hi" & <go>', "https://example.com/?a=1&b=2&amp;c")
    assert '<mj-button href="https://example.com/?a=1&b=2&amp;amp;c"' in source
    assert '>Say "hi" & &lt;go&gt;</mj-button>' in source
