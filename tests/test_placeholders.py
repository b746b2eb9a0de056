"""Previews never go blank over a merge tag: unfilled tags show as placeholders and are error findings."""

from __future__ import annotations

import re

import pytest

from journey.core.errors import TemplateError
from journey.core.findings import finding_text
from journey.write.checks import check_email
from journey.write.merge import merge_preview
from journey.write.render import PLACEHOLDER_STYLE, preview, render_email


def _email(*texts: str, button_href: str = "https://fernhill.example/shop") -> str:
    body = "".join(f"\n<mj-text>{text}</mj-text>" for text in texts)
    return (
        "<mjml><mj-body><mj-section><mj-column>"
        f"{body}\n"
        f'<mj-button href="{button_href}">Shop</mj-button>\n'
        '<mj-text><a href="{{ unsubscribe_url }}">Unsubscribe</a></mj-text>\n'
        "</mj-column></mj-section></mj-body></mjml>"
    )


def _highlighted(html: str) -> list[str]:
    return re.findall(r'<span style="' + re.escape(PLACEHOLDER_STYLE) + r'"[^>]*>(.*?)</span>', html)


def test_an_unknown_variable_in_text_is_a_highlighted_placeholder_and_an_error():
    result = preview(_email("Hi {{ frist_name }}, welcome."), {"first_name": "Olivia"})
    assert result.error is None
    assert _highlighted(result.email.html) == ["{{ frist_name }}"]
    assert "welcome." in result.email.html  # the rest of the email is there
    (finding,) = [f for f in result.findings if f.severity == "error"]
    assert (finding.rule, finding.line, finding.column) == ("merge-tag-unknown", 2, 16)
    assert finding.message.startswith("Unknown merge tag 'frist_name'")
    assert finding_text(finding).startswith("Line 2, column 16: Unknown merge tag 'frist_name'")


def test_an_unknown_variable_in_href_is_plain_text_never_markup():
    result = preview(_email("Hi", button_href="{{ shop_url }}"))
    html = result.email.html
    assert 'href="{{ shop_url }}"' in html
    assert _highlighted(html) == []
    assert [(f.rule, f.line) for f in result.findings if f.severity == "error"] == [("merge-tag-unknown", 3)]


def test_a_foreign_block_tag_shows_as_written_and_the_preview_keeps_its_content():
    result = preview(_email("{{#if vip}}Gold member{{/if}} *|FNAME|*"))
    assert _highlighted(result.email.html) == ["{{#if vip}}", "{{/if}}", "*|FNAME|*"]
    assert "Gold member" in result.email.html
    foreign = [f for f in result.findings if f.rule == "merge-tag-foreign"]
    assert [f.fix for f in foreign] == [
        "Write {% if vip %} instead (Convert to Liquid in the studio, or convert-tags, does it).",
        "Write {% endif %} instead (Convert to Liquid in the studio, or convert-tags, does it).",
        "Write {{ first_name }} instead (Convert to Liquid in the studio, or convert-tags, does it).",
    ]
    assert "Handlebars" in foreign[0].message
    assert "merge-tag-unresolved" not in [
        f.rule for f in check_email(_email("*|FNAME|*"), subject="s", preheader="")
    ]


def test_a_liquid_block_that_cannot_parse_is_a_placeholder_with_its_end_tag_silent():
    result = preview(_email("{% if plan = 'pro' %}Pro{% endif %} after"))
    assert _highlighted(result.email.html) == ["{% if plan = 'pro' %}", "{% endif %}"]
    assert "Pro" in result.email.html
    assert "after" in result.email.html
    assert [f.rule for f in result.findings if f.severity == "error"] == ["merge-tag-syntax"]


def test_placeholder_text_is_html_escaped():
    result = preview(_email('{{ "<b>bold</b>" | append: nope }}'))
    (shown,) = _highlighted(result.email.html)
    assert shown == '{{ "&lt;b&gt;bold&lt;/b&gt;" | append: nope }}'  # the sanitiser writes " as is in text
    assert "<b>bold</b>" not in result.email.html


def test_the_preview_is_never_blank_for_the_real_templates_of_other_engines():
    from pathlib import Path

    for path in sorted((Path(__file__).resolve().parent / "fixtures" / "tags").glob("*.mjml")):
        result = preview(path.read_text(encoding="utf-8"))
        assert result.error is None, path.name
        assert result.email is not None, path.name
        assert _highlighted(result.email.html), path.name
        assert result.tag_errors, path.name


def test_mjml_checks_still_run_beside_merge_tag_findings():
    source = _email("Hi *|FNAME|*").replace("<mj-text>Hi", '<mj-text padding="lots">Hi')
    rules = [f.rule for f in check_email(source, subject="Hello", preheader="")]
    assert "merge-tag-foreign" in rules
    assert "mjml-invalid-value" in rules
    assert "image-alt-missing" not in rules  # there is no image: the other rules ran on the render


def test_a_strict_render_refuses_what_a_preview_shows():
    source = _email("Hi {{ frist_name }} *|FNAME|*")
    assert render_email(source, strict=False).html
    with pytest.raises(TemplateError) as caught:
        render_email(source)
    assert caught.value.rule == "merge-tag-unknown"
    assert caught.value.line == 2
    assert "(1 more merge-tag problem; run the checks.)" in str(caught.value)


def test_placeholders_keep_lines_and_length_of_the_source():
    source = "a\n{{ x }}\nb {{!-- two\nlines --}} c {{ y }}"
    merged = merge_preview(source, {"y": "Y"})
    assert len(merged.text) == len(source) - len("{{ y }}") + 1
    assert merged.text.count("\n") == source.count("\n")
    assert merged.tags == ("{{!-- two\nlines --}}", "{{ x }}")
    assert [(e.rule, e.line) for e in merged.errors] == [("merge-tag-unknown", 2), ("merge-tag-foreign", 3)]


def test_the_sandbox_limits_still_stop_a_preview():
    result = preview(_email("{% for i in (1..5000) %}x{% endfor %}{{ *|FNAME|* }}"))
    assert result.email is None
    assert result.error.rule == "merge-tag-limit"
