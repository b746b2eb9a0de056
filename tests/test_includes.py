"""mj-include against a library of snippets: the path rule, nesting, cycles, unknown includes, lines kept."""

import pytest

from journey.core.errors import IncludeError
from journey.write.checks import check_email
from journey.write.includes import as_email, find_includes, resolve_includes, snippet_name
from journey.write.render import preview, render_email

FOOTER = (
    "<mj-section>\n  <mj-column>\n"
    '    <mj-text>Not for you? <a href="{{ unsubscribe_url }}">Unsubscribe</a>. 214 Alder Street</mj-text>\n'
    "  </mj-column>\n</mj-section>"
)


def email(*includes: str) -> str:
    lines = "\n".join(includes)
    return (
        "<mjml>\n<mj-body>\n<mj-section><mj-column><mj-text>Hi there</mj-text></mj-column></mj-section>\n"
        f"{lines}\n</mj-body>\n</mjml>\n"
    )


@pytest.mark.parametrize(
    ("path", "name"),
    [
        pytest.param("footer.mjml", "footer", id="file-name"),
        pytest.param("./footer", "footer", id="relative-no-ending"),
        pytest.param("snippets/footer.mjml", "footer", id="folder"),
        pytest.param("../partials/Footer.MJML", "footer", id="parent-folder-any-case"),
        pytest.param("styles\\brand.css", "brand", id="windows-path-css"),
        pytest.param(" header.html ", "header", id="html-spaces"),
    ],
)
def test_an_include_path_names_the_snippet_by_its_last_segment(path, name):
    assert snippet_name(path) == name


def test_includes_are_replaced_in_place_and_every_line_of_the_email_keeps_its_number():
    source = email('<mj-include path="footer.mjml" />', "<mj-text>after</mj-text>")
    resolved = resolve_includes(source, {"footer": FOOTER})
    assert resolved.count("\n") == source.count("\n")
    lines = resolved.split("\n")
    assert "Unsubscribe" in lines[3]  # the include's line (4th) holds the whole snippet
    assert lines[4] == "<mj-text>after</mj-text>"
    assert "<mj-include" not in resolved


def test_nested_includes_resolve_and_the_checks_see_the_nested_content():
    snippets = {
        "footer": '<mj-include path="legal.mjml" />',
        "legal": FOOTER,
    }
    result = preview(email('<mj-include path="footer.mjml" />'), snippets=snippets)
    assert result.error is None
    assert "Unsubscribe (https://example.com/unsubscribe)" in result.email.text
    assert "214 Alder Street" in result.email.text


def test_a_cycle_is_refused_with_its_chain_and_the_line_of_the_include():
    snippets = {"footer": '<mj-include path="legal.mjml" />', "legal": '<mj-include path="footer.mjml"/>'}
    with pytest.raises(IncludeError) as caught:
        resolve_includes(email("", '<mj-include path="footer.mjml" />'), snippets)
    assert caught.value.rule == "mjml-include-cycle"
    assert caught.value.line == 5
    assert "footer.mjml → legal.mjml → footer.mjml" in str(caught.value)


def test_a_snippet_that_includes_itself_is_a_cycle():
    with pytest.raises(IncludeError, match="footer → footer"):
        resolve_includes(email('<mj-include path="footer" />'), {"footer": '<mj-include path="footer"/>'})


def test_an_unknown_include_is_an_error_in_render_with_its_line():
    with pytest.raises(IncludeError) as caught:
        render_email(email('<mj-include path="./header.mjml" />'), snippets={"footer": FOOTER})
    assert caught.value.line == 4
    assert str(caught.value).startswith(
        'Line 4: <mj-include path="./header.mjml">: there is no snippet named "header"'
    )


def test_an_unknown_nested_include_names_the_path_through_the_snippets():
    with pytest.raises(IncludeError, match=r'no snippet named "legal" \(through footer → legal.mjml\)'):
        resolve_includes(email('<mj-include path="footer" />'), {"footer": '<mj-include path="legal.mjml"/>'})


def test_an_unknown_include_is_one_error_finding_in_check_with_its_line_and_the_other_checks_still_run():
    findings = check_email(email("", "", '<mj-include path="footer.mjml" />'), subject="Hi", preheader="")
    errors = [f for f in findings if f.severity == "error"]
    assert [(f.rule, f.line) for f in errors if f.rule.startswith("mjml-")] == [("mjml-include", 6)]
    # the email is checked without the footer it could not find: its opt-out link is missing too
    assert "unsubscribe-missing" in {f.rule for f in errors}


def test_a_preview_renders_without_the_includes_it_cannot_resolve_and_lists_each_one():
    source = email('<mj-include path="header.mjml" />', "", '<mj-include path="footer.mjml" />')
    result = preview(source, snippets={})
    assert result.error is None
    assert result.email is not None
    assert [(f.rule, f.line) for f in result.findings if f.rule == "mjml-include"] == [
        ("mjml-include", 4),
        ("mjml-include", 6),
    ]
    with pytest.raises(IncludeError, match="header"):
        render_email(source, snippets={})  # a send refuses


def test_the_pre_send_checks_count_an_unsubscribe_link_in_the_footer_snippet():
    source = email('<mj-include path="footer.mjml" />')
    without = {f.rule for f in check_email(email(""), subject="Hi", preheader="")}
    assert {"unsubscribe-missing", "address-missing"} <= without
    with_footer = {
        f.rule for f in check_email(source, subject="Hi", preheader="", snippets={"footer": FOOTER})
    }
    assert "unsubscribe-missing" not in with_footer
    assert "address-missing" not in with_footer
    assert "mjml-include" not in with_footer


def test_a_finding_inside_a_snippet_points_at_the_line_that_includes_it():
    snippets = {
        "logo": '<mj-section>\n<mj-column>\n<mj-image src="https://x.example/logo.png" />\n</mj-column>\n</mj-section>'
    }
    findings = check_email(email('<mj-include path="logo" />'), subject="Hi", preheader="", snippets=snippets)
    alt = [f for f in findings if f.rule == "image-alt-missing"]
    assert [f.line for f in alt] == [4]


def test_a_whole_document_snippet_gives_its_body_in_place_and_its_head_to_the_email():
    brand = (
        '<mjml>\n<mj-head>\n<mj-attributes><mj-text color="#123456" /></mj-attributes>\n</mj-head>\n'
        '<mj-body width="500px">\n<mj-section><mj-column><mj-text>Brand</mj-text></mj-column></mj-section>\n</mj-body>\n</mjml>'
    )
    source = '<mjml>\n<mj-head><mj-title>T</mj-title></mj-head>\n<mj-body>\n<mj-include path="brand"/>\n</mj-body>\n</mjml>'
    resolved = resolve_includes(source, {"brand": brand})
    lines = resolved.split("\n")
    assert (
        lines[1]
        == '<mj-head><mj-title>T</mj-title><mj-attributes><mj-text color="#123456" /></mj-attributes></mj-head>'
    )
    assert lines[3] == "<mj-section><mj-column><mj-text>Brand</mj-text></mj-column></mj-section>"
    assert "#123456" in render_email(source, snippets={"brand": brand}).html


def test_css_includes_become_a_head_style_and_html_includes_raw_html():
    source = email(
        '<mj-include path="brand.css" type="css" css-inline="inline" />',
        '<mj-include path="promo.html" type="html"/>',
    )
    resolved = resolve_includes(source, {"brand": ".cta { color: #ff0066; }", "promo": "<p>Sale</p>"})
    assert resolved.startswith(
        '<mjml><mj-head><mj-style inline="inline">.cta { color: #ff0066; }</mj-style></mj-head>\n'
    )
    assert "<mj-raw><p>Sale</p></mj-raw>" in resolved
    assert resolved.count("\n") == source.count("\n")


def test_an_unknown_include_type_is_refused():
    with pytest.raises(IncludeError, match='type="js" is not an include type'):
        resolve_includes(email('<mj-include path="x" type="js" />'), {"x": ""})


def test_includes_in_comments_and_in_text_content_are_left_alone():
    source = email(
        '<!-- <mj-include path="old.mjml" /> -->',
        '<mj-text>write &lt;mj-include&gt; <mj-include path="x"/></mj-text>',
    )
    assert find_includes(source) == []
    assert resolve_includes(source, {}) == source


def test_a_snippet_fragment_is_previewed_inside_a_body_with_its_own_lines():
    wrapped = as_email(FOOTER)
    assert wrapped.startswith("<mjml><mj-body><mj-section>\n")
    result = preview(wrapped)
    assert result.error is None
    assert "Unsubscribe" in result.email.text
    whole = "<mjml><mj-body></mj-body></mjml>"
    assert as_email(whole) == whole
