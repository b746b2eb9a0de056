"""MJML validation (like the official soft mode), its schema, and the size and nesting guards."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from journey.core.errors import IncludeError, InputTooLarge
from journey.write.mjml_schema import ATTRIBUTES, CHILDREN, ENDING_TAGS
from journey.write.mjml_validation import (
    MAX_INPUT_BYTES,
    MAX_NESTING,
    guard_input,
    nesting_depth,
    parse_mjml,
    prepare_for_renderer,
    validate_mjml,
    value_type,
)
from journey.write.render import preview, render_email

FIXTURES = Path(__file__).parent / "fixtures" / "mjml"
TEMPLATES = sorted(FIXTURES.glob("*.mjml"))
OFFICIAL = json.loads((FIXTURES / "official_validation.json").read_text(encoding="utf-8"))


def _body(inner: str) -> str:
    return f"<mjml>\n<mj-body>\n<mj-section>\n<mj-column>\n{inner}\n</mj-column>\n</mj-section>\n</mj-body>\n</mjml>\n"


def _rules(findings) -> list[tuple[str, int | None]]:
    return [(f.rule, f.line) for f in findings]


# --- real templates ---------------------------------------------------------------------------


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: p.stem)
def test_real_mjml_templates_give_no_error_findings(template):
    findings = validate_mjml(template.read_text(encoding="utf-8"))
    assert [f for f in findings if f.severity == "error"] == []


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: p.stem)
def test_real_templates_get_exactly_the_official_renderers_findings(template):
    """Same elements, same kinds, same attributes as mjml 4.15.3 in soft mode (tests/fixtures/mjml/README.md)."""
    source = template.read_text(encoding="utf-8")
    document = parse_mjml(source)
    expected = set()
    for error in OFFICIAL["templates"][template.name]:
        message = error["message"]
        if "has invalid value" in message:
            name = re.match(r"Attribute (\S+) has invalid value", message).group(1)
            expected.add((error["line"], "mjml-invalid-value", name))
        elif "illegal" in message:
            names = re.match(r"Attributes? (.+?) (?:is|are) illegal", message).group(1).split(", ")
            expected |= {(error["line"], "mjml-unknown-attribute", name) for name in names}
        else:
            expected.add((error["line"], "other", error["tagName"]))
    ours = set()
    for finding in validate_mjml(source):
        # our line is the attribute's own line; the official one is the element's first line
        element = max((n for n in document.nodes if n.line <= finding.line), key=lambda n: n.offset)
        name = re.search(r"'([\w-]+)'|(\w[\w-]*)=\"", finding.message)
        ours.add((element.line, finding.rule, name.group(1) or name.group(2)))
    assert ours == expected


def test_schema_is_the_official_mjml_4_schema():
    official = json.loads((FIXTURES / "official_schema.json").read_text(encoding="utf-8"))
    for name, component in official["components"].items():
        assert ATTRIBUTES[name] == component["allowedAttributes"], name
        assert (name in ENDING_TAGS) == component["endingTag"], name
    for parent, children in official["dependencies"].items():
        if parent == "mj-attributes":
            continue  # any child: handled by the mj-attributes rules
        assert CHILDREN.get(parent, frozenset()) == frozenset(children), parent


def test_schema_has_no_component_the_official_package_lacks():
    official = json.loads((FIXTURES / "official_schema.json").read_text(encoding="utf-8"))
    assert official["version"] == "4.15.3"  # the MJML 4 that mjml-python follows (mjml_schema's docstring)
    # Tags mjml-core reads itself (the root, mj-include, the mj-attributes children), not components.
    parsed_by_the_core = {"mjml", "mj-include", "mj-class", "mj-all", "mj-selector", "mj-html-attribute"}
    assert set(ATTRIBUTES) - set(official["components"]) == parsed_by_the_core
    assert set(CHILDREN) <= set(official["dependencies"])


def test_starter_emails_validate_without_findings():
    from journey.plan import starter

    emails = [v for v in vars(starter).values() if isinstance(v, starter.StarterEmail)]
    assert emails
    for email in emails:
        assert validate_mjml(email.mjml) == [], email.name


# --- each kind of finding, with its line -------------------------------------------------------


def test_unknown_tag_is_an_error_with_its_line_and_a_suggestion():
    findings = validate_mjml(_body('<mj-txt font-size="16px">Hi</mj-txt>'))
    assert _rules(findings) == [("mjml-unknown-tag", 5)]
    assert findings[0].severity == "error"
    assert "mj-text" in findings[0].fix


def test_unknown_attribute_is_reported_on_the_attributes_own_line():
    source = _body('<mj-text\n  color="#000000"\n  font-colour="red"\n>Hi</mj-text>')
    findings = validate_mjml(source)
    assert _rules(findings) == [("mjml-unknown-attribute", 7)]
    assert "font-colour" in findings[0].message


def test_mj_class_and_css_class_are_accepted_everywhere():
    assert validate_mjml(_body('<mj-text mj-class="note" css-class="intro">Hi</mj-text>')) == []


@pytest.mark.parametrize(
    ("tag", "attribute", "value"),
    [
        pytest.param("mj-text", "padding", "banana", id="padding-word"),
        pytest.param("mj-text", "padding", "10px 10px 10px 10px 10px", id="padding-five-values"),
        pytest.param("mj-text", "font-size", "16", id="font-size-without-unit"),
        pytest.param("mj-text", "font-size", "1.2em", id="font-size-em"),
        pytest.param("mj-text", "color", "blurple", id="colour-name"),
        pytest.param("mj-text", "color", "#12345", id="colour-hex-5"),
        pytest.param("mj-text", "align", "middle", id="align"),
        pytest.param("mj-button", "vertical-align", "center", id="vertical-align"),
        pytest.param("mj-image", "fluid-on-mobile", "yes", id="boolean"),
        pytest.param("mj-image", "width", "50%", id="image-width-percent"),
    ],
)
def test_invalid_values_are_warnings_with_their_line(tag, attribute, value):
    findings = validate_mjml(_body(f'<{tag} {attribute}="{value}">x</{tag}>'))
    assert _rules(findings) == [("mjml-invalid-value", 5)]
    assert findings[0].severity == "warning"
    assert value in findings[0].message


@pytest.mark.parametrize(
    ("spec", "value"),
    [
        pytest.param("unit(px,%){1,4}", "10px 25px", id="two-values"),
        pytest.param("unit(px,%){1,4}", "0", id="zero"),
        pytest.param("unit(px,%){1,4}", "0 15px 0 15px", id="four-values"),
        pytest.param("unit(px,%)", "12.5%", id="decimal-percent"),
        pytest.param("unit(px,%,)", "1.5", id="unitless-line-height"),
        pytest.param("unitWithNegative(px,em)", "-0.5px", id="negative"),
        pytest.param("unit(px,auto)", "auto", id="auto"),
        pytest.param("color", "#ABC", id="short-hex"),
        pytest.param("color", "rgb(165, 176, 184)", id="rgb-with-spaces"),
        pytest.param("color", "rgba(0,0,0,0.5)", id="rgba"),
        pytest.param("color", "transparent", id="transparent"),
        pytest.param("color", "white", id="named"),
        pytest.param("enum(left,right,center,justify)", "justify", id="enum"),
    ],
)
def test_valid_values_are_accepted(spec, value):
    assert value_type(spec).accepts(value)


def test_component_in_a_parent_that_does_not_allow_it_is_an_error():
    source = "<mjml>\n<mj-body>\n<mj-text>Hi</mj-text>\n<mj-section><mj-column>\n<mj-section></mj-section>\n</mj-column></mj-section>\n</mj-body>\n</mjml>"
    findings = validate_mjml(source)
    assert _rules(findings) == [("mjml-invalid-parent", 3), ("mjml-invalid-parent", 5)]
    assert "<mj-column>" in findings[0].fix


def test_merge_tags_in_attribute_values_are_not_validated():
    assert validate_mjml(_body('<mj-text color="{{ brand_colour }}" padding="{{ pad }}">Hi</mj-text>')) == []


def test_mj_attributes_children_are_checked_against_their_component():
    source = (
        '<mjml>\n<mj-head>\n<mj-attributes>\n<mj-all font-family="Arial" />\n<mj-text font-size="16px" colour="red" />\n'
        '<mj-class name="x" color="red" />\n</mj-attributes>\n</mj-head>\n<mj-body></mj-body>\n</mjml>'
    )
    assert _rules(validate_mjml(source)) == [("mjml-unknown-attribute", 5)]


def test_mj_include_is_reported_and_never_reads_a_file(tmp_path):
    secret = tmp_path / "secret.mjml"
    secret.write_text("<mj-text>TOP SECRET</mj-text>")
    source = _body(f'<mj-include path="{secret}" />')
    findings = validate_mjml(source)
    assert _rules(findings) == [("mjml-include", 5)]
    # render resolves includes against the snippets only: a file path names no snippet, so it is an error
    with pytest.raises(IncludeError, match='no snippet named "secret"'):
        render_email(source)
    assert "TOP SECRET" not in render_email(source, snippets={"secret": "<mj-text>ok</mj-text>"}).html


def test_missing_mjml_root_and_body_are_errors():
    assert _rules(validate_mjml("just some text")) == [("mjml-no-root", 1)]
    assert [r for r, _ in _rules(validate_mjml("<mjml><mj-head></mj-head></mjml>"))] == ["mjml-no-body"]


def test_html_inside_mj_text_is_not_mistaken_for_components():
    assert (
        validate_mjml(_body("<mj-text><p>Hi <b>there</b><br/><mj-foo>literal</mj-foo></p></mj-text>")) == []
    )


# --- guards ------------------------------------------------------------------------------------


@pytest.mark.parametrize("tag", ["mj-section", "mj-wrapper"])
def test_ten_thousand_nested_sections_are_refused_and_the_process_lives(tag):
    source = "<mjml><mj-body>" + f"<{tag}>" * 10_000 + f"</{tag}>" * 10_000 + "</mj-body></mjml>"
    with pytest.raises(InputTooLarge) as caught:
        render_email(source)
    assert "10,002 levels" in str(caught.value)
    assert render_email(_body("<mj-text>still alive</mj-text>")).html  # this process did not crash


def test_deep_html_inside_mj_text_is_refused_before_the_renderer():
    inner = "<div>" * 20_000 + "x" + "</div>" * 20_000
    with pytest.raises(InputTooLarge):
        render_email(_body(f"<mj-text>{inner}</mj-text>"))


def test_nesting_at_the_limit_still_renders():
    depth = MAX_NESTING - 10
    inner = "<span>" * depth + "deep" + "</span>" * depth
    source = _body(f"<mj-text>{inner}</mj-text>")
    assert nesting_depth(source) <= MAX_NESTING
    assert "deep" in render_email(source).text


def test_input_over_the_size_limit_is_refused():
    source = _body("<mj-text>" + "x" * (MAX_INPUT_BYTES + 1) + "</mj-text>")
    with pytest.raises(InputTooLarge) as caught:
        guard_input(source)
    assert "KB" in str(caught.value)


def test_merge_tags_cannot_grow_the_email_past_the_guard():
    source = _body("<mj-text>{% for i in (1..999) %}<div>{% endfor %}</mj-text>")
    with pytest.raises(InputTooLarge):
        render_email(source)


_BODY_OPEN = "<mjml><mj-body><mj-section><mj-column>"
_BODY_CLOSE = "</mj-column></mj-section></mj-body></mjml>"


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        pytest.param(
            '<?xml version="1.0"?><!DOCTYPE x><mjml><!-- a --><mj-body><mj-raw><div><span>x</span></div>'
            "</mj-raw><mj-section><mj-column><mj-text><!-- b --><p>Hi</p></mj-text>" + _BODY_CLOSE,
            [],
            id="declarations-comments-and-closed-html",
        ),
        pytest.param(
            "<mjml><mj-body><!-- oops</mj-body></mjml>",
            [
                ((1, 16), "an HTML comment <!-- is never closed with -->"),
                ((1, 7), "<mj-body> is opened but never closed"),
                ((1, 1), "<mjml> is opened but never closed"),
            ],
            id="comment-never-closed",
        ),
        pytest.param(
            _BODY_OPEN + "<mj-text>Hi <!-- oops</mj-text>" + _BODY_CLOSE,
            [((1, 51), "an HTML comment <!-- is never closed with -->")],
            id="comment-never-closed-in-text",
        ),
        pytest.param(
            _BODY_OPEN + "<mj-text><div><b>x</div> <a href=x>y</a> <!x></mj-text>" + _BODY_CLOSE,
            [
                ((1, 53), "<b> is opened but never closed"),
                ((1, 67), 'an attribute value without quotes; write name="value"'),
            ],
            id="html-in-text-closed-over-an-open-one",
        ),
        pytest.param(
            "<mjml><mj-body></mj-body></mjml><mjml></mjml>",
            [((1, 33), "<mjml> comes after the closing </mjml>")],
            id="second-root",
        ),
        pytest.param(
            "<mjml><mj-body></mj-section></mj-body></mjml>",
            [((1, 16), "</mj-section> closes a tag that is not open")],
            id="stray-closing-tag",
        ),
        pytest.param(
            _BODY_OPEN + "<mj-text>Hi",
            [
                ((1, 39), "<mj-text> is opened but never closed"),
                ((1, 28), "<mj-column> is opened but never closed"),
                ((1, 16), "<mj-section> is opened but never closed"),
                ((1, 7), "<mj-body> is opened but never closed"),
                ((1, 1), "<mjml> is opened but never closed"),
            ],
            id="text-never-closed",
        ),
    ],
)
def test_parse_finds_the_structural_problems_where_they_are(source, expected):
    document = parse_mjml(source, html_problems=True)
    assert [(document.position(offset), message) for offset, message in document.problems] == expected


# --- merge tags masked, structure at its own line (issue 9, point 3) ----------------------------


def test_mask_merge_tags_keeps_length_and_newlines():
    from journey.write.mjml_validation import MASK, mask_merge_tags

    source = "a{{ x }}b\n{% if y > 1 %}\nc*|FNAME|*d%%Name%%e<%= z %>f{{{ raw }}}"
    masked = mask_merge_tags(source)
    assert len(masked) == len(source)
    assert masked.count("\n") == source.count("\n") == 2
    assert masked == f"a{MASK * 7}b\n{MASK * 14}\nc{MASK * 9}d{MASK * 8}e{MASK * 8}f{MASK * 11}"


@pytest.mark.parametrize(
    "tags",
    [
        pytest.param(("{% if vip > 1 %}", "{% endif %}"), id="liquid-with-greater-than"),
        pytest.param(("*|IF:VIP|*", "*|END:IF|*"), id="mailchimp"),
        pytest.param(("<% if vip %>", "<% end %>"), id="erb"),
        pytest.param(("{{#if vip}}", "{{/if}}"), id="handlebars"),
    ],
)
def test_validation_runs_through_other_engines_tags(tags):
    opening, closing = tags
    source = (
        "<mjml>\n<mj-body>\n<mj-section>\n<mj-column>\n"
        f'{opening}\n<mj-section padding="banana"></mj-section>\n{closing}\n'
        '<mj-image src="https://example.com/a.png" href="*|ARCHIVE|*" alt="" />\n'
        "</mj-column>\n</mj-section>\n</mj-body>\n</mjml>\n"
    )
    assert _rules(validate_mjml(source)) == [("mjml-invalid-parent", 6), ("mjml-invalid-value", 6)]


def test_attribute_values_keep_their_merge_tags_as_written():
    document = parse_mjml(_body('<mj-button href="{{ url | default: "https://a.example" }}">Go</mj-button>'))
    assert document.find("mj-button")[0].attributes["href"] == '{{ url | default: "https://a.example" }}'


def test_misspelt_closing_tag_is_an_error_at_its_own_line():
    source = "<mjml>\n<mj-body>\n<mj-section>\n<mj-column>\n<mj-text>Hi</mj-text>\n</mj-colum>\n</mj-section>\n</mj-body>\n</mjml>"
    findings = validate_mjml(source)
    assert _rules(findings) == [("mjml-tag-mismatch", 6), ("mjml-tag-mismatch", 4)]
    assert "</mj-colum>" in findings[0].message
    assert "mj-column" in findings[0].fix


def test_unclosed_element_is_reported_where_it_was_opened_once():
    source = "<mjml>\n<mj-body>\n<mj-section>\n<mj-column>\n<mj-text>Hi</mj-text>\n\n</mj-section>\n</mj-body>\n</mjml>"
    assert _rules(validate_mjml(source)) == [("mjml-tag-mismatch", 4)]
    findings = [f for f in render_preview(source).findings if f.severity == "error"]
    assert _rules(findings) == [("mjml-invalid", 4)]  # the renderer refuses it there; said once
    assert "<mj-column> is opened but never closed" in findings[0].message


def test_a_fragment_without_mjml_is_called_a_partial():
    findings = validate_mjml("\n<mj-section><mj-column><mj-text>Hi</mj-text></mj-column></mj-section>")
    assert _rules(findings) == [("mjml-no-root", 2)]
    assert "partial" in findings[0].message
    assert "<mjml><mj-body>" in findings[0].message


def test_mj_container_is_migrated_like_mjml_4_with_a_hint():
    source = (
        '<mjml>\n<mj-body width="500px">\n<mj-container background-color="#abcdef">\n'
        "<mj-section><mj-column><mj-text>Hi</mj-text></mj-column></mj-section>\n"
        "</mj-container>\n</mj-body>\n</mjml>"
    )
    findings = validate_mjml(source)
    assert [(f.rule, f.severity, f.line) for f in findings] == [("mjml-container", "info", 3)]
    email = render_email(source)
    assert "#abcdef" in email.html  # the container's attributes moved to mj-body
    assert "Hi" in email.text


def test_head_element_inside_mj_attributes_gives_defaults_only():
    source = (
        "<mjml><mj-head><mj-attributes><mj-preview>Hello there</mj-preview>"
        '<mj-all font-family="Arial" /></mj-attributes></mj-head>'
        "<mj-body><mj-section><mj-column><mj-text>Hi</mj-text></mj-column></mj-section></mj-body></mjml>"
    )
    assert validate_mjml(source) == []
    email = render_email(source)
    assert "Hello there" not in email.html  # mjml ignores it as the preview text too
    assert "Arial" in email.html


def render_preview(source):
    from journey.write.render import preview

    return preview(source)


def test_mj_html_attributes_is_left_out_of_the_preview_only():
    # the official renders it (tests/fixtures/mjml: FelixSchwarz/mjml-python's mj-html-attributes test shape)
    source = (
        '<mjml>\n<mj-head>\n<mj-html-attributes>\n<mj-selector path=".custom div">\n'
        '<mj-html-attribute name="data-id">42</mj-html-attribute>\n</mj-selector>\n</mj-html-attributes>\n'
        '</mj-head>\n<mj-body><mj-section><mj-column><mj-text css-class="custom">Hello</mj-text>'
        "</mj-column></mj-section></mj-body>\n</mjml>"
    )
    assert validate_mjml(source) == []
    assert "Hello" in render_email(source).text


def test_the_defaults_inside_mj_attributes_survive_the_renderers_preparation():
    # a self-closing default is kept as written; only an element's content is dropped, not the block
    source = (
        '<mjml><mj-head><mj-attributes><mj-text color="#123456" /><mj-preview>Hi</mj-preview>'
        "</mj-attributes></mj-head><mj-body></mj-body></mjml>"
    )
    prepared = prepare_for_renderer(source)
    assert '<mj-attributes><mj-text color="#123456" /><mj-preview /></mj-attributes>' in prepared


def test_comments_and_mj_class_children_inside_mj_attributes_do_not_stop_the_preview():
    # real templates (mjml-java's head-attributes, mjml-net issue 210) that mjml renders
    source = (
        '<mjml><mj-head><mj-attributes>\n<!-- all -->\n<mj-all padding="0" />\n'
        '<mj-class name="x" align="center">\n<mj-social-element padding="0" />\n</mj-class>\n'
        '</mj-attributes></mj-head><mj-body><mj-section><mj-column><mj-text mj-class="x">Hi</mj-text>'
        "</mj-column></mj-section></mj-body></mjml>"
    )
    prepared = prepare_for_renderer(source)
    assert prepared.count("\n") == source.count("\n")  # lines kept
    assert '<mj-all padding="0" />' in prepared
    assert '<mj-class name="x" align="center" />' in prepared
    result = preview(source)
    assert result.error is None
    assert "Hi" in result.email.html


def test_a_background_url_with_quotes_and_brackets_keeps_its_image_in_the_preview():
    # mjmlio/email-templates basic.mjml: mjml writes the address into CSS as url('…'), where its
    # apostrophes would end the string; percent-encoded, it names the same file and stays readable
    address = "http://img.example/New+York+in+The+1960's+-+70's+(2).jpg"
    source = (
        f'<mjml><mj-body><mj-section background-url="{address}"><mj-column><mj-text>Hi</mj-text>'
        "</mj-column></mj-section></mj-body></mjml>"
    )
    prepared = prepare_for_renderer(source)
    assert 'background-url="http://img.example/New+York+in+The+1960%27s+-+70%27s+%282%29.jpg"' in prepared
    result = preview(source)
    assert result.error is None
    assert "url('http://img.example/New+York+in+The+1960%27s+-+70%27s+%282%29.jpg')" in result.email.html
    assert not [f for f in result.findings if f.severity == "error"]


def test_the_real_basic_template_previews_without_an_error():
    result = preview((Path(__file__).parent / "fixtures" / "mjml" / "basic.mjml").read_text(encoding="utf-8"))
    assert [f.rule for f in result.findings if f.severity == "error"] == []
    assert "1960%27s" in result.email.html
