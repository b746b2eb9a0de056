"""Pre-send checks: each rule with an email that breaks it and one that passes."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator

import pytest

from journey.core.findings import has_errors
from journey.write.checks import check_email
from journey.write.render import standard_merge_data

SUBJECT = "Your Office Coffee Guide is here"
PREHEADER = "Plus what to expect from us: two short emails this week, then one every two weeks."
CTA_URL = "https://fernhill.example/guide?utm_source=email&utm_campaign=welcome"

GOOD = """<mjml>
  <mj-head>
    <mj-attributes>
      <mj-text font-size="16px" line-height="26px" />
      <mj-class name="footer" font-size="14px" />
    </mj-attributes>
  </mj-head>
  <mj-body width="600px">
    <mj-section>
      <mj-column>
        <mj-image src="https://fernhill.example/logo.png" alt="Fernhill Coffee" width="120px" />
        <mj-text>Hi {{ first_name | default: "there" }},</mj-text>
        <mj-text>Here is the guide you asked for, with <a href="https://fernhill.example/tips">our brewing tips</a>.</mj-text>
        <mj-button href="https://fernhill.example/guide?utm_source=email&amp;utm_campaign=welcome" font-size="16px" line-height="20px" inner-padding="14px 28px">Download the guide</mj-button>
      </mj-column>
    </mj-section>
    <mj-section>
      <mj-column>
        <mj-text mj-class="footer"><a href="{{ unsubscribe_url }}">Unsubscribe</a> | <a href="{{ view_in_browser_url }}">View in your browser</a></mj-text>
        <mj-text mj-class="footer">Fernhill Coffee Roasters, 214 Alder Street, Portland, OR 97209</mj-text>
      </mj-column>
    </mj-section>
  </mj-body>
</mjml>
"""
DATA = standard_merge_data({"first_name": "Olivia"})


def _check(source: str = GOOD, **overrides) -> list:
    arguments = {
        "subject": SUBJECT,
        "preheader": PREHEADER,
        "data": DATA,
        "cta_label": "Download the guide",
        "cta_url": CTA_URL,
    }
    arguments.update(overrides)
    return check_email(source, **arguments)


def _rules(findings) -> set[str]:
    return {f.rule for f in findings}


def test_the_good_email_has_no_findings():
    assert _check() == []


def _swap(old: str, new: str) -> str:
    assert old in GOOD, old
    return GOOD.replace(old, new)


BUTTON = '<mj-button href="https://fernhill.example/guide?utm_source=email&amp;utm_campaign=welcome" font-size="16px" line-height="20px" inner-padding="14px 28px">Download the guide</mj-button>'
FOOTER_LINKS = '<a href="{{ unsubscribe_url }}">Unsubscribe</a> | <a href="{{ view_in_browser_url }}">View in your browser</a>'

# (rule, severity, breaking arguments or source, the line the finding points at)
BREAKING = [
    pytest.param("subject-missing", "error", {"subject": "  "}, None, id="subject-missing"),
    pytest.param("subject-too-long", "warning", {"subject": "x" * 61}, None, id="subject-too-long"),
    pytest.param("preheader-missing", "warning", {"preheader": ""}, None, id="preheader-missing"),
    pytest.param("preheader-length", "warning", {"preheader": "Too short"}, None, id="preheader-too-short"),
    pytest.param("preheader-length", "warning", {"preheader": "y" * 101}, None, id="preheader-too-long"),
    pytest.param(
        "cta-missing", "warning", {"source": _swap(BUTTON, ""), "cta_url": ""}, None, id="no-button"
    ),
    pytest.param(
        "cta-missing",
        "warning",
        {"cta_url": "https://fernhill.example/elsewhere"},
        None,
        id="cta-url-not-linked",
    ),
    pytest.param("cta-missing", "warning", {"cta_label": "Start your trial"}, 14, id="cta-label-not-used"),
    pytest.param(
        "cta-competing",
        "warning",
        {
            "source": _swap(
                BUTTON, BUTTON + '\n<mj-button href="https://fernhill.example/shop">Shop now</mj-button>'
            )
        },
        15,
        id="two-buttons-two-targets",
    ),
    pytest.param(
        "link-empty",
        "error",
        {"source": _swap('href="https://fernhill.example/tips"', 'href=""')},
        13,
        id="empty-href",
    ),
    pytest.param(
        "link-empty",
        "error",
        {"source": _swap('href="https://fernhill.example/tips"', 'href="#"')},
        13,
        id="hash-href",
    ),
    pytest.param(
        "link-malformed",
        "error",
        {"source": _swap('href="https://fernhill.example/tips"', 'href="www.fernhill.example"')},
        13,
        id="no-scheme",
    ),
    pytest.param(
        "link-malformed",
        "error",
        {"source": _swap('href="https://fernhill.example/tips"', 'href="https://fernhill example/tips"')},
        13,
        id="space-in-url",
    ),
    pytest.param(
        "link-malformed",
        "error",
        {"source": _swap('href="https://fernhill.example/tips"', 'href="https:///tips"')},
        13,
        id="no-host",
    ),
    pytest.param(
        "link-scheme",
        "error",
        {"source": _swap('href="https://fernhill.example/tips"', 'href="ftp://fernhill.example/tips"')},
        13,
        id="ftp",
    ),
    pytest.param(
        "link-scheme",
        "error",
        {"source": _swap('href="https://fernhill.example/tips"', 'href="data:text/html,hi"')},
        13,
        id="data-url",
    ),
    pytest.param(
        "image-alt-missing",
        "warning",
        {"source": _swap(' alt="Fernhill Coffee"', "")},
        11,
        id="mj-image-no-alt",
    ),
    pytest.param(
        "image-alt-missing",
        "warning",
        {"source": _swap("with <a", 'with <img src="https://fernhill.example/x.png"/> <a')},
        13,
        id="img-no-alt",
    ),
    pytest.param(
        "unsubscribe-missing",
        "error",
        {"source": _swap(FOOTER_LINKS, "Questions? Reply to this email.")},
        None,
        id="no-unsubscribe",
    ),
    pytest.param(
        "text-too-small",
        "warning",
        {"source": _swap('<mj-text font-size="16px"', '<mj-text font-size="12px"')},
        12,
        id="mj-attributes-12px",
    ),
    pytest.param(
        "text-too-small",
        "warning",
        {"source": _swap("<mj-text>Hi", '<mj-text font-size="13px">Hi')},
        12,
        id="inline-13px",
    ),
    pytest.param(
        "text-too-small",
        "warning",
        {
            "source": _swap(
                '<mj-class name="footer" font-size="14px" />', '<mj-class name="footer" font-size="11px" />'
            )
        },
        19,
        id="mj-class-11px",
    ),
    pytest.param(
        "text-too-small",
        "warning",
        {"source": _swap('      <mj-text font-size="16px" line-height="26px" />\n', "")},
        11,
        id="mjml-default-13px",
    ),
    pytest.param(
        "text-too-small",
        "warning",
        {"source": _swap("Here is the guide", '<span style="font-size: 10px">Here</span> is the guide')},
        13,
        id="inline-style-10px",
    ),
    pytest.param(
        "button-too-small",
        "warning",
        {"source": _swap(' line-height="20px" inner-padding="14px 28px"', "")},
        14,
        id="default-line-height-39px",
    ),
    pytest.param(
        "button-too-small",
        "warning",
        {"source": _swap('inner-padding="14px 28px"', 'inner-padding="6px 20px"')},
        14,
        id="thin-padding",
    ),
    pytest.param(
        "width-too-wide",
        "warning",
        {"source": _swap('<mj-body width="600px">', '<mj-body width="700px">')},
        8,
        id="body-700px",
    ),
    pytest.param(
        "width-too-wide",
        "warning",
        {"source": _swap("with <a", '<table width="800"><tr><td>x</td></tr></table> with <a')},
        13,
        id="raw-table-800",
    ),
    pytest.param(
        "merge-tag-foreign",
        "error",
        {"source": _swap("Hi {{ first_name", "Hi *|FNAME|* {{ first_name")},
        12,
        id="mailchimp-tag",
    ),
    pytest.param(
        "merge-tag-unresolved",
        "error",
        {"source": _swap("Hi {{ first_name", "Hi [[Name]] {{ first_name")},
        12,
        id="bracket-tag",
    ),
    pytest.param(
        "merge-tag-unresolved",
        "error",
        {"data": {**DATA, "first_name": "{{ evil }}"}},
        None,
        id="tag-in-value",
    ),
    pytest.param(
        "merge-tag-unknown",
        "error",
        {"source": _swap('{{ first_name | default: "there" }}', "{{ frist_name }}")},
        12,
        id="unknown-field",
    ),
    pytest.param(
        "address-missing",
        "warning",
        {
            "source": _swap(
                "Fernhill Coffee Roasters, 214 Alder Street, Portland, OR 97209", "Fernhill Coffee Roasters"
            )
        },
        None,
        id="no-address",
    ),
    pytest.param(
        "personalisation-missing",
        "info",
        {"source": _swap('{{ first_name | default: "there" }}', "there")},
        None,
        id="no-merge-tag",
    ),
]


@pytest.mark.parametrize(("rule", "severity", "change", "line"), BREAKING)
def test_each_rule_fires_on_an_email_that_breaks_it(rule, severity, change, line):
    change = dict(change)
    source = change.pop("source", GOOD)
    findings = [f for f in _check(source, **change) if f.rule == rule]
    assert findings, f"{rule} did not fire"
    assert findings[0].severity == severity
    assert findings[0].line == line
    assert findings[0].message
    assert findings[0].fix


@pytest.mark.parametrize(
    "change",
    [
        pytest.param({"subject": "x" * 60}, id="subject-60-chars"),
        pytest.param({"preheader": "z" * 40}, id="preheader-40-chars"),
        pytest.param({"preheader": "z" * 100}, id="preheader-100-chars"),
        pytest.param({"source": _swap(BUTTON, BUTTON + "\n" + BUTTON)}, id="same-button-twice"),
        pytest.param({"cta_url": "", "cta_label": ""}, id="no-planned-cta"),
        pytest.param(
            {"source": _swap('href="https://fernhill.example/tips"', 'href="mailto:hello@fernhill.example"')},
            id="mailto",
        ),
        pytest.param(
            {"source": _swap('href="https://fernhill.example/tips"', 'href="tel:+15035550100"')}, id="tel"
        ),
        pytest.param({"source": _swap(' alt="Fernhill Coffee"', ' alt=""')}, id="decorative-image"),
        pytest.param(
            {"source": _swap(FOOTER_LINKS, '<a href="https://fernhill.example/preferences">Opt out</a>')},
            id="opt-out-wording",
        ),
        pytest.param(
            {"source": _swap('inner-padding="14px 28px"', 'inner-padding="4px 28px" height="48px"')},
            id="button-height",
        ),
        pytest.param(
            {"source": _swap("214 Alder Street, Portland, OR 97209", "PO Box 1234, Portland")}, id="po-box"
        ),
        pytest.param(
            {"source": _swap("214 Alder Street, Portland, OR 97209", "Rue de Rivoli 12, 75001 Paris")},
            id="french-address",
        ),
        pytest.param(
            {"source": _swap("214 Alder Street, Portland, OR 97209", "10 Downing Street, London SW1A 2AA")},
            id="uk-address",
        ),
        pytest.param(
            {"source": _swap('<mj-body width="600px">', '<mj-body width="480px">')}, id="narrow-body"
        ),
    ],
)
def test_emails_within_the_rules_have_no_findings(change):
    change = dict(change)
    source = change.pop("source", GOOD)
    assert _check(source, **change) == []


def test_large_html_is_a_warning_from_90_kb_and_an_error_over_102_kb():
    paragraph = "<p>" + "Coffee news and brewing notes for your office. " * 20 + "</p>\n"

    def email_with(copies: int) -> str:
        return _swap("Here is the guide", paragraph * copies + "Here is the guide")

    small = _rules(_check(email_with(60)))
    medium = _check(email_with(95))
    large = _check(email_with(110))
    assert "html-large" not in small
    assert "html-too-large" not in small
    assert [f.severity for f in medium if f.rule == "html-large"] == ["warning"]
    assert [f.severity for f in large if f.rule == "html-too-large"] == ["error"]


def test_broken_mjml_becomes_an_error_finding_and_check_does_not_raise():
    findings = _check("<mjml>\n<mj-body>\n<mj-section>\n", subject="")
    assert ("mjml-invalid", "error", 3) in {(f.rule, f.severity, f.line) for f in findings}
    assert "subject-missing" in _rules(findings)
    assert has_errors(findings)


def test_hostile_email_gets_sanitiser_findings_with_lines():
    source = _swap("Here is the guide", '<img src="x.png" alt="" onerror="alert(1)"/> Here is the guide')
    assert ("unsafe-event-handler", 13) in {(f.rule, f.line) for f in _check(source)}


def test_subject_none_skips_subject_rules_and_mj_preview_counts_as_preheader():
    source = _swap("  <mj-head>\n", "  <mj-head>\n    <mj-preview>" + "p" * 50 + "</mj-preview>\n")
    assert _check(source, subject=None, preheader=None) == []


@pytest.mark.parametrize(
    ("text", "message", "line"),
    [
        pytest.param(
            "Here is the guide you asked for, [one sentence on why it helps] and [a second one].",
            "The email still has 2 template placeholders in square brackets, the first "
            "[one sentence on why it helps]: it would be sent as written.",
            13,  # the <mj-text> with the placeholder: line 13 of GOOD
            id="two-placeholders",
        ),
        pytest.param(
            "[Your headline] Here is the guide you asked for.",
            "The email still has a template placeholder, [Your headline]: it would be sent as written.",
            13,  # the <mj-text> with the placeholder: line 13 of GOOD
            id="one-placeholder",
        ),
    ],
)
def test_template_placeholder_is_a_warning_with_the_count_the_first_and_its_line(text, message, line):
    source = _swap("Here is the guide you asked for,", text.replace(" Here is the guide you asked for.", ""))
    (finding,) = [f for f in _check(source) if f.rule == "template-placeholder"]
    assert (finding.severity, finding.message, finding.line) == ("warning", message, line)
    assert "[bracketed instruction]" in finding.fix


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("See note [1] and [sic].", id="footnote-and-one-word"),
        pytest.param("Hi [[First Name]], here it is", id="double-bracket-tag"),
        pytest.param("Prices [2024 2025] below", id="no-letters"),
    ],
)
def test_brackets_that_are_not_placeholders_are_not_flagged(text):
    source = _swap("Here is the guide you asked for,", text)
    assert "template-placeholder" not in {f.rule for f in _check(source)}


def test_the_starter_emails_pass_every_check_without_an_error():
    from journey.plan import starter
    from journey.plan.demo_content import DEMO_BRAND

    emails = [v for v in vars(starter).values() if isinstance(v, starter.StarterEmail)]
    assert emails
    for email in emails:
        findings = check_email(
            email.mjml,
            subject=email.subject,
            preheader=email.preheader,
            data=standard_merge_data({"first_name": "Olivia"}, brand=DEMO_BRAND),
            cta_label=email.cta_label,
            cta_url=email.cta_url,
        )
        assert not has_errors(findings), (email.name, findings)


# --- live link check (off by default; only against a local server) ----------------------------


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_HEAD(self):  # noqa: N802 - http.server's naming
        if self.path.startswith("/no-head"):
            self.send_response(405)
        else:
            self.send_response(200 if self.path.startswith("/ok") else 404)
        self.end_headers()

    def do_GET(self):  # noqa: N802
        self.send_response(200 if self.path.startswith(("/ok", "/no-head")) else 404)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def local_server() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_live_link_check_reports_broken_links_with_their_line(local_server):
    source = _swap('href="https://fernhill.example/tips"', f'href="{local_server}/missing"')
    source = source.replace(
        'href="https://fernhill.example/guide?utm_source=email&amp;utm_campaign=welcome"',
        f'href="{local_server}/ok"',
    )
    data = standard_merge_data(
        {"first_name": "Olivia"},
        unsubscribe_url=f"{local_server}/no-head/unsubscribe",
        view_in_browser_url=f"{local_server}/ok/view",
    )
    findings = _check(source, data=data, cta_url=f"{local_server}/ok", check_links=True, link_timeout=2)
    broken = [(f.rule, f.line) for f in findings if f.rule == "link-broken"]
    assert broken == [("link-broken", 13)]
    assert "HTTP 404" in next(f.message for f in findings if f.rule == "link-broken")


def test_live_link_check_is_off_by_default(local_server):
    source = _swap('href="https://fernhill.example/tips"', f'href="{local_server}/missing"')
    assert "link-broken" not in _rules(_check(source))


# --- hostile sizes: every scan stays linear (a hang guard, not a speed test) --------------------


def _in_text(inner: str) -> str:
    return f"<mjml><mj-body><mj-section><mj-column><mj-text>{inner}</mj-text></mj-column></mj-section></mj-body></mjml>"


@pytest.mark.timeout(120)
@pytest.mark.parametrize(
    ("source", "rule"),
    [
        pytest.param(_in_text("<a " * 100_000), "mjml-invalid", id="unclosed-anchors"),
        pytest.param(_in_text('<a href="x" ' * 40_000), "mjml-invalid", id="unclosed-anchors-with-href"),
        pytest.param(
            _in_text("<a " * 100_000 + ' onclick="x"'), "mjml-invalid", id="handler-after-many-tags"
        ),
        # found before the parse (journey.write.merge._unclosed_output), so no time budget is spent on it
        pytest.param(_in_text("{{ " * 100_000), "merge-tag-syntax", id="unclosed-merge-tags"),
        pytest.param("<mjml><mj-body><mj-section " + 'a="1" ' * 70_000, "mjml-invalid", id="endless-tag"),
    ],
)
def test_pathological_input_gives_findings_without_hanging(source, rule):
    findings = check_email(source, subject="s", preheader=PREHEADER)
    rules = {rule} if isinstance(rule, str) else rule
    assert rules & _rules(findings)
