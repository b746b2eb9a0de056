"""One scan of an email's facts: the pre-send checks and the journey checks reach the same verdict."""

import pytest

from db.models import Email, Journey, Stage
from journey.plan.checks import check_tree
from journey.plan.journeys import JourneyTree, StageNode
from journey.write.checks import check_email
from journey.write.facts import email_facts_of, has_postal_address
from journey.write.render import preview

BUTTON = '<mj-button href="https://shop.example/go">Shop now</mj-button>'


def body(footer: str) -> str:
    return (
        "<mjml><mj-body><mj-section><mj-column>"
        f"<mj-text>Hi {{{{ first_name }}}}</mj-text>{BUTTON}{footer}"
        "</mj-column></mj-section></mj-body></mjml>"
    )


def journey_flags_no_unsubscribe(mjml: str) -> bool:
    email = Email(
        name="Welcome",
        trigger="signup",
        stage_id=1,
        purpose="Welcome",
        subject="Welcome",
        cta_label="Shop now",
        cta_url="https://shop.example/go",
        mjml=mjml,
    )
    tree = JourneyTree(
        journey=Journey(id=1, name="J", goal="Sell"),
        personas=[],
        stages=[StageNode(Stage(id=1, journey_id=1, name="Awareness"), [email])],
    )
    return "email-no-unsubscribe" in {f.rule for f in check_tree(tree)}


def pre_send_flags_no_unsubscribe(mjml: str) -> bool:
    data = {"first_name": "Maya"}
    assert preview(mjml, data).email is not None  # rendered, so every pre-send rule ran
    findings = check_email(mjml, subject="Welcome", preheader="", data=data)
    return "unsubscribe-missing" in {f.rule for f in findings}


@pytest.mark.parametrize(
    ("footer", "missing"),
    [
        pytest.param(
            '<mj-text><a href="https://x.example/p">Unsubscribe</a></mj-text>', False, id="unsubscribe-text"
        ),
        pytest.param('<mj-text><a href="/opt-out">Opt out</a></mj-text>', False, id="opt-out-link"),
        pytest.param(
            '<mj-text><a href="{{ unsubscribe_url }}">Leave</a></mj-text>', False, id="merge-tag-href"
        ),
        pytest.param("<mj-raw>{{ unsubscribe_url }}</mj-raw>", False, id="bare-merge-tag"),
        pytest.param('<mj-text><a href="*|UNSUB|*">Leave</a></mj-text>', False, id="mailchimp-tag"),
        pytest.param(
            '<mj-text><a href="mailto:leave@x.example?subject=Unsubscribe">Email us</a></mj-text>',
            False,
            id="mailto-unsubscribe",
        ),
        pytest.param(
            '<mj-text><a href="https://x.example/unsub?u=1">Leave</a></mj-text>', False, id="unsub-url"
        ),
        pytest.param(
            '<mj-text><a href="https://x.example/p" style="color:#333">Manage your preferences</a></mj-text>',
            False,
            id="manage-preferences",
        ),
        pytest.param(
            '<mj-button href="https://x.example/bye">Unsubscribe</mj-button>', False, id="unsubscribe-button"
        ),
        pytest.param("<mj-text>Thanks for reading.</mj-text>", True, id="no-link"),
        pytest.param(
            '<mj-text><a href="mailto:hello@x.example">Contact us</a></mj-text>', True, id="mailto-contact"
        ),
        pytest.param(
            '<mj-text><!-- <a href="{{ unsubscribe_url }}">Unsubscribe</a> --></mj-text>',
            True,
            id="commented-out",
        ),
        pytest.param(
            '<mj-text><a href="https://x.example/about">About us</a></mj-text>', True, id="other-link"
        ),
    ],
)
def test_pre_send_and_journey_checks_agree_on_the_unsubscribe_link(footer, missing):
    mjml = body(footer)
    assert pre_send_flags_no_unsubscribe(mjml) is missing
    assert journey_flags_no_unsubscribe(mjml) is missing
    assert email_facts_of(mjml).has_unsubscribe is not missing


def test_facts_skip_defaults_in_mj_attributes_and_read_link_labels_after_other_attributes():
    mjml = (
        "<mjml><mj-head><mj-attributes><mj-button font-size='16px' /><mj-image /></mj-attributes></mj-head>"
        '<mj-body><mj-section><mj-column><mj-image src="https://x.example/a.png" />'
        f'{BUTTON}<mj-text><a style="color:red" href="https://x.example/b" target="_blank">Read more</a></mj-text>'
        "</mj-column></mj-section></mj-body></mjml>"
    )
    facts = email_facts_of(mjml)
    assert [link.url for link in facts.buttons] == ["https://shop.example/go"]
    assert [(link.source, link.label) for link in facts.links] == [
        ("mj-button", "Shop now"),
        ("a", "Read more"),
    ]
    assert [image.src for image in facts.images_without_alt] == ["https://x.example/a.png"]


@pytest.mark.parametrize(
    ("text", "found"),
    [
        pytest.param("Fernhill, 214 Alder Street, Portland, OR 97209", True, id="us-street"),
        pytest.param("Acme, PO Box 12, Springfield", True, id="po-box"),
        pytest.param("© 2024 Acme. All rights reserved.", False, id="copyright-year"),
    ],
)
def test_postal_address_is_found_in_the_footer(text, found):
    assert has_postal_address("Hello\n" * 10 + text) is found


def test_navbar_links_are_resolved_against_the_navbar_base_url():
    from journey.write.checks import check_email

    source = (
        '<mjml><mj-body><mj-section><mj-column><mj-navbar base-url="https://mjml.io">'
        '<mj-navbar-link href="/getting-started">Start</mj-navbar-link></mj-navbar>'
        "</mj-column></mj-section></mj-body></mjml>"
    )
    facts = email_facts_of(source)
    assert [link.url for link in facts.links] == ["https://mjml.io/getting-started"]
    assert not [f for f in check_email(source, subject=None, preheader=None) if f.rule.startswith("link-")]
