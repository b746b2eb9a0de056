"""The workspace brand: validation naming the field, saved versioned in the Setting table, merge data for
every email (previews, checks, walk-throughs, the CLI), the demo's Fernhill brand and the address check."""

from __future__ import annotations

import json

import pytest

from journey.core.errors import InvalidInput, StaleEdit
from journey.plan import demo, journeys
from journey.plan.demo_content import DEMO_BRAND, DEMO_PERSONAS
from journey.plan.starter import STARTER_STAGES
from journey.write.brand import Brand, clean_brand, load_brand, save_brand
from journey.write.checks import check_email
from journey.write.render import preview, standard_merge_data

ACME = {
    "name": "Acme & Sons",
    "address": "1 Main Street\n  Springfield, IL 62701 ",
    "website": "https://acme.example/",
    "logo_url": "https://acme.example/logo.png",
    "sender_name": "Ada at Acme",
    "reply_to": "hello@acme.example",
    "primary_color": "#0A7",
    "background_color": "#FFFFFF",
    "text_color": "#111111",
}
WELCOME = STARTER_STAGES[0].emails[0]


def _check(email, brand) -> dict[str, list]:
    findings = check_email(
        email.mjml,
        subject=email.subject,
        preheader=email.preheader,
        data=standard_merge_data(DEMO_PERSONAS[0]["merge_data"], brand=brand),
        cta_label=email.cta_label,
        cta_url=email.cta_url,
    )
    by_rule: dict[str, list] = {}
    for finding in findings:
        by_rule.setdefault(finding.rule, []).append(finding)
    return by_rule


# --- validation ----------------------------------------------------------------------------------


def test_a_brand_is_cleaned_one_line_each_colours_lower_case_website_without_trailing_slash():
    brand = clean_brand(ACME)
    assert brand.address == "1 Main Street, Springfield, IL 62701"
    assert brand.website == "https://acme.example"
    assert brand.primary_color == "#00aa77"  # #rgb written out
    assert brand.background_color == "#ffffff"
    assert brand.name == "Acme & Sons"


def test_an_empty_brand_has_empty_fields_and_the_default_colours():
    brand = clean_brand({})
    assert brand == Brand()
    assert brand.name == brand.address == brand.website == ""
    assert brand.primary_color == "#2f5d8a"


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        pytest.param(
            "website", "acme.example", "Website: 'acme.example' is not a web address", id="no-scheme"
        ),
        pytest.param("website", "ftp://acme.example", "starting with https:// or http://", id="ftp"),
        pytest.param("website", "https://", "not a web address", id="no-host"),
        pytest.param("logo_url", "http://acme.example/logo.png", "only loads https images", id="http-logo"),
        pytest.param("logo_url", "javascript:alert(1)", "Logo URL: 'javascript:alert(1)'", id="js-logo"),
        pytest.param(
            "primary_color", "red", "Primary colour: 'red' is not a colour written as #rrggbb", id="name"
        ),
        pytest.param("text_color", "#12345g", "Text colour: '#12345g'", id="not-hex"),
        pytest.param("background_color", "#1234", "Background colour", id="four-digits"),
        pytest.param(
            "reply_to", "hello at acme", "Reply-to address: 'hello at acme' is not an email", id="email"
        ),
        pytest.param(
            "name", "x" * 101, "Company name is 101 characters long: keep it under 100", id="long-name"
        ),
        pytest.param("address", "y" * 301, "Postal address is 301 characters long", id="long-address"),
        pytest.param("sender_name", 42, "Sender name must be text", id="not-text"),
    ],
)
def test_a_bad_field_is_refused_naming_the_field(field, value, words):
    with pytest.raises(InvalidInput, match=words.replace("(", r"\(").replace(")", r"\)")) as caught:
        clean_brand({**ACME, field: value})
    assert caught.value.field == field


# --- saved in the Setting table, versioned ------------------------------------------------------


def test_a_saved_brand_loads_back_with_its_version(session):
    assert load_brand(session) == Brand()  # never saved: version 0
    saved = save_brand(session, ACME, 0)
    session.commit()
    assert saved.version == 1
    assert load_brand(session) == saved
    assert saved.name == "Acme & Sons"
    again = save_brand(session, {**ACME, "name": "Acme Ltd"}, 1)
    assert (again.name, again.version) == ("Acme Ltd", 2)


def test_a_stale_save_is_refused_and_overwrites_nothing(session):
    save_brand(session, ACME, 0)
    save_brand(session, {**ACME, "name": "A teammate's name"}, 1)
    with pytest.raises(StaleEdit, match="A teammate saved the brand"):
        save_brand(session, {**ACME, "name": "Mine"}, 1)
    with pytest.raises(StaleEdit):
        save_brand(session, ACME, 0)  # a first save, but a teammate saved first
    assert load_brand(session).name == "A teammate's name"


def test_a_refused_field_saves_nothing(session):
    with pytest.raises(InvalidInput):
        save_brand(session, {**ACME, "website": "acme.example"}, 0)
    assert load_brand(session).version == 0


# --- merge data --------------------------------------------------------------------------------


def test_every_email_gets_the_brand_as_merge_data():
    data = standard_merge_data(
        {"first_name": "Olivia", "brand": "a persona field"}, brand=clean_brand(ACME).merge_fields()
    )
    assert (
        data["brand"]["name"] == "Acme & Sons"
    )  # the workspace's brand: a persona field does not replace it
    assert data["brand"]["primary_color"] == "#00aa77"
    assert data["first_name"] == "Olivia"
    assert standard_merge_data()["brand"] == Brand().merge_fields()


def test_brand_tags_fill_the_preview_escaped_and_in_attributes():
    source = (
        '<mjml><mj-body><mj-section><mj-column><mj-image src="{{ brand.logo_url }}" alt="{{ brand.name }}" />'
        '<mj-text color="{{ brand.text_color }}">{{ brand.name }}, {{ brand.address }}</mj-text>'
        '<mj-button href="{{ brand.website }}/pricing" background-color="{{ brand.primary_color }}">Prices</mj-button>'
        "</mj-column></mj-section></mj-body></mjml>"
    )
    result = preview(source, standard_merge_data(brand=clean_brand(ACME).merge_fields()))
    html = result.email.html
    assert "Acme &amp; Sons, 1 Main Street, Springfield, IL 62701" in html
    assert 'src="https://acme.example/logo.png"' in html
    assert 'href="https://acme.example/pricing"' in html
    assert "background:#00aa77" in html
    assert "color:#111111" in html


def test_the_starter_email_with_a_brand_reads_as_that_company():
    result = preview(
        WELCOME.mjml, standard_merge_data({"first_name": "Olivia"}, brand=clean_brand(ACME).merge_fields())
    )
    text = result.email.text
    assert "Welcome to Acme & Sons, Olivia" in text
    assert "Ada at Acme, Acme & Sons" in text
    assert "signed up for news from Acme & Sons." in text
    assert "1 Main Street, Springfield, IL 62701" in text
    assert "https://acme.example/welcome?utm_source=email&utm_campaign=welcome_1" in text


# --- the pre-send checks see the brand ----------------------------------------------------------


def test_address_missing_does_not_fire_when_the_brand_has_an_address():
    assert set(_check(WELCOME, DEMO_BRAND)) == {"template-placeholder"}  # only the copy left to write
    assert "address-missing" not in _check(WELCOME, clean_brand(ACME).merge_fields())


def test_address_missing_fires_without_a_brand_address_and_says_to_fill_it_on_settings():
    found = _check(WELCOME, {**DEMO_BRAND, "address": ""})
    (finding,) = found["address-missing"]
    assert finding.severity == "warning"
    assert "fill in the workspace's postal address on the Settings page" in finding.fix
    assert finding.line == WELCOME.mjml[: WELCOME.mjml.index("{{ brand.address }}")].count("\n") + 1
    assert "brand-missing" not in found  # the address has its own rule


def test_an_email_without_brand_tags_is_told_it_may_use_the_brand_address():
    source = WELCOME.mjml.replace("{{ brand.address }}", "See you soon")
    findings = check_email(source, subject=None, preheader=None, data=standard_merge_data(brand=DEMO_BRAND))
    (finding,) = [f for f in findings if f.rule == "address-missing"]
    assert "214 Alder Street" in finding.fix
    assert "{{ brand.address }}" in finding.fix


def test_brand_missing_names_the_empty_fields_an_email_uses_with_the_first_line():
    found = _check(WELCOME, {})
    (finding,) = found["brand-missing"]
    assert finding.message == (
        "The email uses {{ brand.name }}, {{ brand.website }} and {{ brand.sender_name }}, but the "
        "workspace brand has no company name, website and sender name yet, so it shows empty."
    )
    assert "Settings page" in finding.fix
    assert finding.line == WELCOME.mjml[: WELCOME.mjml.index("{{ brand.name }}")].count("\n") + 1
    assert "address-missing" in found
    # the button has no website to start from: the link rule says it is not a full address
    assert [f.rule for f in found["link-malformed"]] == ["link-malformed"]


def test_a_brand_tag_inside_a_comment_does_not_count():
    source = WELCOME.mjml.replace("</mj-body>", "<!-- {{ brand.logo_url }} --></mj-body>")
    assert "brand-missing" not in _check(type(WELCOME)(**{**WELCOME.__dict__, "mjml": source}), DEMO_BRAND)


def test_a_cta_url_written_with_the_brand_website_matches_the_button():
    assert "cta-missing" not in _check(WELCOME, DEMO_BRAND)
    other = type(WELCOME)(**{**WELCOME.__dict__, "cta_url": "{{ brand.website }}/elsewhere"})
    (finding,) = _check(other, DEMO_BRAND)["cta-missing"]
    assert "nothing links to https://fernhillcoffee.example/elsewhere" in finding.message


# --- the starter and the demo ---------------------------------------------------------------------


def test_a_journey_from_the_starter_has_draft_emails_and_the_demo_ready_ones(session):
    journey = journeys.create_journey(session, name="Mine")
    statuses = {e.status for n in journeys.load_tree(session, journey.id).stages for e in n.emails}
    assert statuses == {"draft"}
    demo_id = demo.load_demo(session)
    statuses = {e.status for n in journeys.load_tree(session, demo_id).stages for e in n.emails}
    assert statuses == {"ready"}


def test_loading_the_demo_sets_fernhill_as_the_brand_and_start_blank_forgets_it(session):
    demo.load_demo(session)
    assert load_brand(session).merge_fields() == clean_brand(DEMO_BRAND).merge_fields()
    demo.start_blank(session)
    assert load_brand(session) == Brand()


def test_the_demo_keeps_a_brand_the_workspace_already_has(session):
    save_brand(session, ACME, 0)
    demo.load_demo(session)
    demo.start_blank(session)
    assert load_brand(session).name == "Acme & Sons"


# --- the CLI ---------------------------------------------------------------------------------------


def test_cli_render_with_workspace_fills_the_brand(cli, tmp_path, db_url):
    from support import in_db

    with in_db(db_url) as session:
        save_brand(session, ACME, 0)
    email = tmp_path / "welcome.mjml"
    email.write_text(WELCOME.mjml, encoding="utf-8")
    result = cli("render", str(email), "--text", "--workspace", db=db_url, check=True)
    assert "Welcome to Acme & Sons, there" in result.stdout
    assert "1 Main Street, Springfield, IL 62701" in result.stdout
    data = tmp_path / "data.json"
    data.write_text(json.dumps({"brand": {"name": "Override Inc"}}), encoding="utf-8")
    result = cli("render", str(email), "--text", "--workspace", "--data", str(data), db=db_url, check=True)
    assert "Welcome to Override Inc, there" in result.stdout
    assert "1 Main Street" in result.stdout  # the other fields still the workspace's


def test_cli_check_without_workspace_reports_the_empty_brand(cli, tmp_path):
    email = tmp_path / "welcome.mjml"
    email.write_text(WELCOME.mjml, encoding="utf-8")
    result = cli("check", str(email))
    assert result.returncode == 1  # the button's link has no website to start from
    assert "brand-missing" in result.stdout
    assert "address-missing" in result.stdout
    assert "Settings page" in result.stdout
