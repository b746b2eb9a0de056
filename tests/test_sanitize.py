"""Hostile HTML in mj-raw and mj-text is removed by the sanitiser and reported; email markup survives."""

from __future__ import annotations

import re

import pytest

from journey.write.render import render_email
from journey.write.sanitize import sanitize_html

CLEAN_LINK = '<a rel="noopener noreferrer">click</a>'  # the address is dropped, the link text kept


def _email(where: str, hostile: str) -> str:
    """An email with "Safe text" and, on line 8 (mj-raw) or 10 (mj-text), `hostile` between [[ and ]]."""
    if where == "mj-raw":
        block = f"<mj-raw>[[{hostile}]]</mj-raw>"
    else:
        block = f"<mj-section>\n<mj-column>\n<mj-text>[[{hostile}]]</mj-text>\n</mj-column>\n</mj-section>"
    return (
        "<mjml>\n<mj-body>\n<mj-section>\n<mj-column>\n<mj-text>Safe text</mj-text>\n</mj-column>\n</mj-section>\n"
        f"{block}\n</mj-body>\n</mjml>\n"
    )


def _between_markers(html: str) -> str:
    """What the sanitiser left of the hostile markup (between the [[ and ]] the email put around it)."""
    start = html.index("[[") + 2
    return html[start : html.index("]]", start)]


HOSTILE = [  # (what the author wrote, the finding, what is left of it after sanitising)
    pytest.param("<script>alert(document.cookie)</script>", "unsafe-script", "", id="script"),
    pytest.param(
        '<SCRIPT src="https://evil.example/x.js"></SCRIPT>', "unsafe-script", "", id="script-uppercase"
    ),
    pytest.param(
        '<img src="x.png" alt="" onerror="alert(1)" />',
        "unsafe-event-handler",
        '<img src="x.png" alt="">',
        id="img-onerror",
    ),
    pytest.param(
        '<a href="https://ok.example" onclick="steal()">ok</a>',
        "unsafe-event-handler",
        '<a href="https://ok.example" rel="noopener noreferrer">ok</a>',
        id="onclick",
    ),
    pytest.param(
        '<a href="javascript:alert(1)">click</a>', "unsafe-javascript-url", CLEAN_LINK, id="javascript-link"
    ),
    pytest.param(
        '<a href=" JaVaScRiPt:alert(1)">click</a>',
        "unsafe-javascript-url",
        CLEAN_LINK,
        id="javascript-mixed-case",
    ),
    pytest.param(
        '<img src="javascript:alert(1)" alt="" />',
        "unsafe-javascript-url",
        '<img alt="">',
        id="javascript-img",
    ),
    pytest.param(
        '<a href="&#106;avascript:alert(1)">click</a>',
        "unsafe-url",
        CLEAN_LINK,
        id="javascript-entity-encoded",
    ),
    pytest.param(
        '<a href="jav&#x09;ascript:alert(1)">click</a>',
        "unsafe-url",
        CLEAN_LINK,
        id="javascript-with-tab-entity",
    ),
    pytest.param(
        '<img src="data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=" alt="" />',
        "unsafe-url",
        '<img alt="">',
        id="data-image",
    ),
    pytest.param('<svg onload="alert(1)"><circle r="5" /></svg>', "unsafe-svg", "", id="svg-onload"),
    pytest.param("<svg><script>alert(1)</script></svg>", "unsafe-svg", "", id="svg-script"),
    pytest.param(
        '<svg><a href="javascript:alert(1)"><text>x</text></a></svg>', "unsafe-svg", "", id="svg-link"
    ),
    pytest.param(
        '<math><mtext><img src="x" onerror="alert(1)"/></mtext></math>', "unsafe-svg", "", id="math"
    ),
    pytest.param('<iframe src="https://evil.example"></iframe>', "unsafe-iframe", "", id="iframe"),
    pytest.param('<object data="https://evil.example/x.swf"></object>', "unsafe-iframe", "", id="object"),
    pytest.param('<embed src="https://evil.example/x.swf" />', "unsafe-iframe", "", id="embed"),
    pytest.param(
        '<form action="https://evil.example"><input name="password" /></form>', "unsafe-form", "", id="form"
    ),
    pytest.param('<base href="https://evil.example/" />', "unsafe-base", "", id="base"),
    pytest.param(
        '<meta http-equiv="refresh" content="0;url=https://evil.example" />',
        "unsafe-meta-refresh",
        '<meta content="0;url=https://evil.example">',
        id="meta-refresh",
    ),
    pytest.param(
        '<div style="width: expression(alert(1))">x</div>',
        "unsafe-css",
        '<div style="width: /* removed */(alert(1))">x</div>',
        id="style-expression",
    ),
    pytest.param(
        "<div style=\"background: url('javascript:alert(1)')\">x</div>",
        "unsafe-css",
        '<div style="background: /* removed */(alert(1)\')">x</div>',
        id="style-url-javascript",
    ),
    pytest.param(
        "<style>.x { -moz-binding: url(https://evil.example/x.xml#xss) }</style>",
        "unsafe-css",
        "<style>.x { /* removed */(: url(https://evil.example/x.xml#xss) }</style>",
        id="moz-binding",
    ),
    pytest.param(
        "<style>.x { behavior: url(x.htc) }</style>",
        "unsafe-css",
        "<style>.x { /* removed */( url(x.htc) }</style>",
        id="behavior",
    ),
]


@pytest.mark.parametrize("where", ["mj-raw", "mj-text"])
@pytest.mark.parametrize(("hostile", "rule", "left"), HOSTILE)
def test_hostile_html_is_removed_and_reported_with_its_line(where, hostile, rule, left):
    email = render_email(_email(where, hostile))
    assert _between_markers(email.html) == left
    findings = {f.rule: f for f in email.findings}
    assert rule in findings
    assert findings[rule].severity == "error"
    assert findings[rule].line == (8 if where == "mj-raw" else 10)
    assert "Safe text" in email.html


def test_every_kind_of_removal_is_its_own_finding():
    hostile = '<script>x()</script><img src="a.png" alt="" onerror="x()"/><a href="javascript:x()">y</a><iframe src="https://e.example"></iframe>'
    rules = sorted(f.rule for f in render_email(_email("mj-raw", hostile)).findings)
    assert rules == ["unsafe-event-handler", "unsafe-iframe", "unsafe-javascript-url", "unsafe-script"]


def test_hostile_css_in_mj_style_is_neutralised():
    source = (
        "<mjml><mj-head><mj-style>.a { background: url(javascript:alert(1)); width: expression(alert(2)) }"
        '</mj-style></mj-head><mj-body><mj-section><mj-column><mj-text css-class="a">x</mj-text>'
        "</mj-column></mj-section></mj-body></mjml>"
    )
    email = render_email(source)
    assert "javascript" not in email.html.lower()
    assert "expression(" not in email.html.lower()
    assert {f.rule for f in email.findings} == {"unsafe-javascript-url", "unsafe-css"}


def test_email_markup_survives_sanitising():
    source = (
        "<mjml><mj-head><mj-style>.note { color: #555555; }</mj-style></mj-head>"
        '<mj-body background-color="#f4efe9"><mj-section background-color="#ffffff"><mj-column>'
        '<mj-text css-class="note" font-size="16px"><p style="margin:0">Hello <a href="https://example.com/a?b=1" '
        'target="_blank">link</a> <a href="mailto:hi@example.com">mail</a> <a href="tel:+15035550100">call</a></p></mj-text>'
        '<mj-table><tr style="border-bottom:1px solid #ecedee"><td width="50%" bgcolor="#eeeeee" align="left">A</td></tr></mj-table>'
        '<mj-button href="https://example.com/go">Go</mj-button>'
        "</mj-column></mj-section></mj-body></mjml>"
    )
    email = render_email(source)
    html = email.html
    assert email.findings == []
    assert "<style" in html
    assert ".note { color: #555555; }" in html
    assert 'style="margin:0"' in html
    assert 'bgcolor="#eeeeee"' in html
    assert 'width="50%"' in html
    assert 'align="left"' in html
    assert "<table" in html
    assert "<td" in html
    assert re.search(r'class="[^"]*\bnote\b', html)
    assert 'href="https://example.com/a?b=1"' in html
    assert 'href="mailto:hi@example.com"' in html
    assert 'href="tel:+15035550100"' in html
    assert "<!--[if mso | IE]>" in html  # Outlook conditional comments are kept
    assert '<meta name="viewport"' in html


def test_words_that_look_hostile_in_plain_text_are_not_findings():
    email = render_email(
        _email("mj-text", "Never paste javascript: links or an onload= handler, says the guide.")
    )
    assert email.findings == []
    assert "javascript: links" in email.html


def test_sanitize_html_on_its_own_reports_without_a_line():
    clean, findings = sanitize_html(
        '<html><head></head><body><p onclick="x()">hi</p><script>x()</script></body></html>'
    )
    assert "<script" not in clean
    assert "onclick" not in clean
    assert {(f.rule, f.line) for f in findings} == {("unsafe-event-handler", None), ("unsafe-script", None)}


def test_an_unreadable_css_address_is_a_warning_that_says_how_to_fix_it_not_a_refused_scheme():
    source = "<mj-style>\n.hero { background: url('https://img.example/it's.png') }\n</mj-style>"
    html = "<html><head><style>.hero { background: url('https://img.example/it's.png') }</style></head><body>x</body></html>"
    cleaned, findings = sanitize_html(html, source=source)
    assert "it's.png" not in cleaned
    assert [(f.rule, f.severity, f.line) for f in findings] == [("unreadable-css-url", "warning", 2)]
    assert "%27" in findings[0].fix


def test_a_refused_scheme_beside_an_unreadable_address_is_still_the_error():
    source = "<mj-style>\n.a { background: url('https://x/it's.png') }\n.b { background: url(data:image/png,AA) }\n</mj-style>"
    html = f"<html><head><style>{source.splitlines()[1]}{source.splitlines()[2]}</style></head><body>x</body></html>"
    _, findings = sanitize_html(html, source=source)
    assert [(f.rule, f.line) for f in findings] == [("unsafe-url", 3)]
