"""The rendering pipeline: merge tags → MJML → sanitised HTML and text; errors with line and column."""

from __future__ import annotations

import base64
import re

import pytest

from journey.core.errors import InputTooLarge, InvalidInput, InvalidMJML, TemplateError
from journey.core.findings import finding_text
from journey.write.render import (
    DEFAULT_UNSUBSCRIBE_URL,
    PREVIEW_CSP,
    RenderedEmail,
    byte_position,
    error_finding,
    html_to_text,
    preview,
    preview_src,
    render_email,
    standard_merge_data,
)

WELCOME = """<mjml>
  <mj-head>
    <mj-title>Welcome</mj-title>
    <mj-preview>Old preview text</mj-preview>
  </mj-head>
  <mj-body width="600px">
    <mj-section>
      <mj-column>
        <mj-text font-size="16px">Hi {{ first_name | default: "there" }}, welcome to {{ company }}!</mj-text>
        <mj-button href="https://example.com/start?a=1&amp;b=2">Get started</mj-button>
        <mj-text font-size="14px"><a href="{{ unsubscribe_url }}">Unsubscribe</a></mj-text>
      </mj-column>
    </mj-section>
  </mj-body>
</mjml>
"""


def test_render_fills_merge_tags_and_returns_html_and_text():
    email = render_email(WELCOME, standard_merge_data({"first_name": "Olivia", "company": "Fernhill"}))
    assert isinstance(email, RenderedEmail)
    assert "Hi Olivia, welcome to Fernhill!" in email.html
    assert email.html.startswith("<!doctype html>")
    assert "Hi Olivia, welcome to Fernhill!" in email.text
    assert "Get started (https://example.com/start?a=1&b=2)" in email.text
    assert f"Unsubscribe ({DEFAULT_UNSUBSCRIBE_URL})" in email.text
    assert email.findings == []


def test_text_alternative_has_no_markup_css_or_hidden_preview():
    email = render_email(WELCOME, {"first_name": "Sam", "company": "Okafor"})
    assert "<" not in email.text
    assert "{" not in email.text
    assert "Old preview text" not in email.text


def test_missing_data_uses_fallbacks_and_standard_tags():
    email = render_email(WELCOME, {"company": "Fernhill"})
    assert "Hi there, welcome to Fernhill!" in email.html
    assert DEFAULT_UNSUBSCRIBE_URL in email.html


def test_merge_values_cannot_inject_markup():
    email = render_email(WELCOME, {"first_name": '<img src="x" onerror="alert(1)">', "company": "A&B"})
    assert re.search(r"<img[^>]*onerror", email.html) is None
    assert "&lt;img" in email.html
    assert "A&amp;B" in email.html


def test_preheader_replaces_mj_preview():
    email = render_email(WELCOME, {"company": "F"}, preheader="Three tips & a guide for your team's coffee")
    assert "Old preview text" not in email.html
    assert "Three tips &amp; a guide for your team" in email.html
    body = email.html[email.html.index("<body") :]
    assert re.search(r"<body[^>]*><div style=\"display:none;", body)


def test_preheader_is_added_when_the_email_has_none():
    source = WELCOME.replace("    <mj-preview>Old preview text</mj-preview>\n", "")
    email = render_email(
        source, {"company": "F"}, preheader="A preheader of a reasonable length, about forty"
    )
    assert "A preheader of a reasonable length" in email.html


def test_standard_merge_data_has_the_standard_tags_and_the_personas_fields():
    data = standard_merge_data({"first_name": "Olivia", "plan": None}, unsubscribe_url="https://u.example/x")
    assert data == {
        "unsubscribe_url": "https://u.example/x",
        "view_in_browser_url": "https://example.com/view-in-browser",
        "first_name": "Olivia",
        "plan": "",
        "brand": {
            "name": "",
            "address": "",
            "website": "",
            "logo_url": "",
            "sender_name": "",
            "reply_to": "",
            "primary_color": "#2f5d8a",
            "background_color": "#f3f4f6",
            "text_color": "#1f2937",
        },
    }


@pytest.mark.parametrize(
    ("source", "line", "column", "words"),
    [
        pytest.param(
            "<mjml>\n<mj-body>\n<mj-section>\n  <mj-column>\n<mj-text>Hi</mj-text>\n</mj-section>\n</mj-body>\n</mjml>",
            4,
            3,
            "<mj-column> is opened but never closed",
            id="unclosed-column",
        ),
        pytest.param(
            "<mjml>\n<mj-body>\n<mj-section>\n<mj-column>\n<mj-button href=https://x.com>Go</mj-button>\n</mj-column>\n</mj-section>\n</mj-body>\n</mjml>",
            5,
            12,
            "without quotes",
            id="unquoted-attribute",
        ),
        pytest.param(
            "<mjml>\n<mj-body>\n<mj-section>\n<mj-column>\n<mj-text>Prices < 10 EUR</mj-text>\n</mj-column>\n</mj-section>\n</mj-body>\n</mjml>",
            5,
            17,
            "bare '<'",
            id="bare-less-than",
        ),
        pytest.param(
            "<mjml>\n<mj-body>\n<mj-section>\n<mj-column>\n<mj-text>A <b>bold move</mj-text>\n</mj-column>\n</mj-section>\n</mj-body>\n</mjml>",
            5,
            12,
            "<b> is opened but never closed",
            id="unclosed-html-in-text",
        ),
        pytest.param(
            '<mjml>\n<mj-body>\n<mj-section>\n<mj-column>\n<mj-text color="red>Hi</mj-text>\n</mj-column>\n</mj-section>\n</mj-body>\n</mjml>',
            5,
            1,
            "not closed properly",
            id="unclosed-quote",
        ),
        pytest.param(
            "<mjml>\n<mj-body>\n<mj-section>\n<mj-column>\n<mj-text>x</mj-text>\n</mj-column>\n</mj-section>\n</mj-body>\n</mjml>\ntrailing",
            10,
            1,
            "after the closing",
            id="text-after-root",
        ),
        pytest.param("Hello, world", 1, 1, "no <mjml> root", id="not-mjml"),
        pytest.param(
            "<mjml>\n<mj-body>\n<mj-section><script>\n<mj-column>\n<mj-text>x</mj-text>\n</mj-column>\n</mj-section>\n</mj-body>\n</mjml>",
            3,
            13,
            "<script> is opened but never closed",
            id="html-left-open-outside-text",
        ),
        pytest.param(
            '<mjml>\n<mj-body>\n<mj-section>\n<mj-column>\n<mj-text mj-cl&ass="x">x</mj-text>\n</mj-column>\n</mj-section>\n</mj-body>\n</mjml>',
            5,
            10,
            "attribute name 'mj-cl&ass'",
            id="odd-attribute-name",
        ),
        pytest.param(
            "<mjml>\n<mj-body>\n<mj-section>\n<mj-column>\n<mj-text>Hi</mj-column> there</mj-text>\n</mj-column>\n</mj-section>\n</mj-body>\n</mjml>",
            5,
            12,
            "</mj-column> inside the text",
            id="closing-tag-inside-text",
        ),
        pytest.param(
            '<mjml>\n<mj-body>\n<mj-section>\n<mj-column>\n<mj-text align="cen\x00ter">x</mj-text>\n</mj-column>\n</mj-section>\n</mj-body>\n</mjml>',
            5,
            20,
            "NUL character",
            id="nul-character",
        ),
    ],
)
def test_invalid_mjml_raises_with_line_column_and_a_readable_message(source, line, column, words):
    with pytest.raises(InvalidMJML) as caught:
        render_email(source)
    assert (caught.value.line, caught.value.column) == (line, column)
    assert words in str(caught.value)
    assert "root template" not in str(caught.value)


def test_merge_tag_errors_raise_template_error_with_the_source_line():
    source = WELCOME.replace("{{ company }}", "{{ compnay }}")
    with pytest.raises(TemplateError) as caught:
        render_email(source, {"company": "F"})
    assert caught.value.line == 9
    assert "compnay" in str(caught.value)


def test_preview_never_raises_and_keeps_the_error_as_a_finding():
    result = preview("<mjml><mj-body><mj-section>", {})
    assert result.email is None
    assert isinstance(result.error, InvalidMJML)
    assert [(f.rule, f.severity, f.line) for f in result.findings] == [("mjml-invalid", "error", 1)]


def test_preview_keeps_input_too_large_as_a_finding():
    result = preview("<mjml>" + "<mj-wrapper>" * 5000)
    assert isinstance(result.error, InputTooLarge)
    assert result.findings[0].rule == "input-too-large"


def test_preview_keeps_the_rule_of_a_preheader_merge_tag_error_and_still_renders():
    result = preview(WELCOME, {"company": "F"}, preheader="Hi {{ nickname }}")
    assert result.error is None
    (error,) = result.tag_errors
    assert (error.field, error.rule, error.line) == ("preheader", "merge-tag-unknown", None)
    assert error.message.startswith("Preheader: column 7: Unknown merge tag 'nickname'")
    assert [f.rule for f in result.findings] == ["merge-tag-unknown"]
    assert "Hi {{ nickname }}</div>" in result.email.html  # plain text in the hidden preheader


def test_validation_findings_come_with_the_rendered_email():
    source = WELCOME.replace('<mj-text font-size="16px">', '<mj-text font-size="16px" padding="lots">')
    email = render_email(source, {"company": "F"})
    assert [(f.rule, f.line) for f in email.findings] == [("mjml-invalid-value", 9)]


def test_preview_src_is_a_base64_data_url_with_the_csp_first_in_head():
    email = render_email(WELCOME, {"company": "F"})
    src = preview_src(email.html)
    assert src.startswith("data:text/html;base64,")
    document = base64.b64decode(src.removeprefix("data:text/html;base64,")).decode("utf-8")
    head = document[document.index("<head>") :]
    assert head.startswith(f'<head><meta http-equiv="Content-Security-Policy" content="{PREVIEW_CSP}">')
    assert "default-src 'none'" in PREVIEW_CSP
    assert "Hi there, welcome to F!" in document


def test_preview_src_wraps_a_fragment_in_a_document_with_the_csp():
    document = base64.b64decode(preview_src("<p>Hi</p>").split(",", 1)[1]).decode()
    assert document.startswith('<!doctype html><html><head><meta http-equiv="Content-Security-Policy"')
    assert "<p>Hi</p>" in document


def test_html_to_text_keeps_link_targets_and_line_breaks():
    text = html_to_text(
        '<body><p>One<br>two</p><a href="https://x.example/a?b=1&amp;c=2">Go</a><style>p{}</style></body>'
    )
    assert text == "One\ntwo\nGo (https://x.example/a?b=1&c=2)\n"


def test_liquid_inside_a_tag_does_not_cause_false_validation_findings():
    source = (
        '<mjml>\n<mj-body>\n<mj-section {% if vip %}background-color="#ffd700"{% endif %}>\n<mj-column>\n'
        "<mj-text>Hi</mj-text>\n</mj-column>\n</mj-section>\n</mj-body>\n</mjml>"
    )
    vip = render_email(source, {"vip": True})
    assert vip.findings == []
    assert "#ffd700" in vip.html
    assert "#ffd700" not in render_email(source, {"vip": False}).html


def test_renderer_byte_positions_become_line_and_character_column():
    text = "<mjml>\n  <mj-text>Café crème</mj-text>\n</mjml>"
    byte_offset = text.encode("utf-8").index(b"</mj-text>")
    assert byte_position(text, byte_offset) == (2, 22)
    assert byte_position(text, 0) == (1, 1)


def test_preheader_merge_tags_are_filled_and_escaped_once():
    email = render_email(
        WELCOME, {"company": "F", "first_name": "Jo & Sam"}, preheader="{{ first_name }}, your guide is here"
    )
    assert "Jo &amp; Sam, your guide is here" in email.html
    with pytest.raises(TemplateError) as caught:
        render_email(WELCOME, {"company": "F"}, preheader="Hi {{ nickname }}")
    assert caught.value.field == "preheader"
    assert "nickname" in str(caught.value)


@pytest.mark.parametrize(
    ("error", "rule"),
    [
        pytest.param(InvalidMJML("bad", line=2, column=5), "mjml-invalid", id="invalid-mjml"),
        pytest.param(InputTooLarge("too big"), "input-too-large", id="too-large"),
        pytest.param(
            TemplateError("a merge tag broke", line=3), "merge-tag-error", id="template-without-rule"
        ),
        pytest.param(InvalidInput("something else"), "render-error", id="any-other-error"),
    ],
)
def test_an_email_that_cannot_be_rendered_is_one_error_finding_named_by_its_kind(error, rule):
    finding = error_finding(error)
    assert (finding.rule, finding.severity, finding.message, finding.line, finding.column) == (
        rule,
        "error",
        error.message,  # the location is the finding's own: never "Line 2: Line 2, column 5: bad"
        error.line,
        error.column,
    )
    assert finding_text(finding) == str(error)
    assert finding.fix


def test_crlf_line_ends_render_like_lf_with_the_same_lines():
    """A template saved on Windows (many public ones are) renders, and a finding keeps its line."""
    lf = (
        '<mjml>\n  <mj-body>\n    <mj-section>\n      <mj-column\n        padding="0"\n      >\n'
        "        <mj-text>Hello {{ first_name | default: 'there' }}</mj-text>\n"
        '        <mj-image src="https://example.com/a.png" />\n'
        "      </mj-column>\n    </mj-section>\n  </mj-body>\n</mjml>\n"
    )
    crlf = lf.replace("\n", "\r\n")
    expected, got = preview(lf), preview(crlf)
    assert got.error is None
    assert got.email.html == expected.email.html
    assert [(f.rule, f.line) for f in got.email.findings] == [
        (f.rule, f.line) for f in expected.email.findings
    ]


# --- real templates' images and links (issue 9, point 4) ----------------------------------------


def test_cid_images_are_kept_and_shown_as_a_placeholder():
    import base64

    from journey.write.render import CID_PLACEHOLDER, preview_src

    source = '<mjml><mj-body><mj-section><mj-column><mj-image src="cid:logo@acme" alt="Acme" /></mj-column></mj-section></mj-body></mjml>'
    email = render_email(source)
    assert 'src="cid:logo@acme"' in email.html  # the email as sent keeps its attachment reference
    assert not [f for f in email.findings if f.rule.startswith("unsafe")]
    shown = base64.b64decode(preview_src(email.html).split(",", 1)[1]).decode("utf-8")
    assert "cid:" not in shown  # the browser is never asked for it
    assert CID_PLACEHOLDER in shown


def test_mjml_default_empty_alt_is_kept_for_decorative_images():
    from journey.write.checks import check_email

    source = '<mjml><mj-body><mj-section><mj-column><mj-image src="https://example.com/line.png" alt="" /></mj-column></mj-section></mj-body></mjml>'
    assert 'alt=""' in render_email(source).html
    assert "image-alt-missing" not in [f.rule for f in check_email(source, subject=None, preheader=None)]
