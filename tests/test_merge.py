"""Merge tags: Liquid in a sandbox with strict undefined, autoescape, limits and no file access."""

from __future__ import annotations

import pytest

from journey.core.errors import TemplateError
from journey.write.merge import (
    LOOP_ITERATION_LIMIT,
    OUTPUT_STREAM_LIMIT,
    merge_preview,
    merge_tags,
    merge_variables,
)


def test_merge_fills_values_and_default_filter_covers_missing_fields():
    source = 'Hi {{ first_name }}! Hello {{ nickname | default: "there" }}.'
    assert merge_tags(source, {"first_name": "Olivia"}) == "Hi Olivia! Hello there."


def test_default_filter_also_covers_empty_values():
    assert merge_tags('{{ city | default: "your city" }}', {"city": ""}) == "your city"


def test_source_without_merge_tags_is_returned_unchanged():
    source = "<mjml><mj-body></mj-body></mjml>"
    assert merge_tags(source, {}) is source


@pytest.mark.parametrize(
    ("source", "line", "column"),
    [
        pytest.param("Hi {{ first_nme }}", 1, 7, id="first-line"),
        pytest.param("<mjml>\n  <mj-text>\n    Hi {{ last_name }}\n", 3, 11, id="third-line"),
        pytest.param("a\n{% if vip %}x{% endif %}", 2, 7, id="inside-if-tag"),
        pytest.param("{{ first_name }}\n{{ company.name }}", 2, 4, id="dotted-path"),
    ],
)
def test_unknown_variable_is_an_error_with_line_and_column_never_blank(source, line, column):
    with pytest.raises(TemplateError) as caught:
        merge_tags(source, {"first_name": "Olivia"})
    assert (caught.value.line, caught.value.column) == (line, column)
    assert f"Line {line}, column {column}" in str(caught.value)
    assert caught.value.rule == "merge-tag-unknown"


def test_values_are_html_escaped():
    merged = merge_tags("<mj-text>{{ first_name }}</mj-text>", {"first_name": '<script>alert(1)</script>"&'})
    assert "<script>" not in merged
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&#34;&amp;" in merged


@pytest.mark.parametrize(
    ("source", "rule", "words"),
    [
        pytest.param("{{ self }}", "merge-tag-unknown", "Unknown merge tag 'self'", id="self"),
        pytest.param(
            "{{ first_name.__class__ }}",
            "merge-tag-unknown",
            "Unknown merge tag 'first_name.__class__'",
            id="dunder-class",
        ),
        pytest.param(
            "{{ first_name.__class__.__mro__ }}",
            "merge-tag-unknown",
            "Unknown merge tag 'first_name.__class__'",
            id="mro",
        ),
        pytest.param(
            "{{ ''.__class__ }}",
            "merge-tag-syntax",
            "expected end of expression, found '.'",
            id="string-literal-class",
        ),
        pytest.param(
            "{{ first_name.upper }}",
            "merge-tag-unknown",
            "Unknown merge tag 'first_name.upper'",
            id="python-method",
        ),
        pytest.param(
            "{{ __builtins__ }}", "merge-tag-unknown", "Unknown merge tag '__builtins__'", id="builtins"
        ),
        pytest.param(
            "{{ first_name | attr: '__class__' }}",
            "merge-tag-syntax",
            "unknown filter 'attr'",
            id="unknown-filter",
        ),
        pytest.param(
            "{% for c in first_name.__class__.__subclasses__ %}{{ c }}{% endfor %}",
            "merge-tag-unknown",
            "Unknown merge tag 'first_name.__class__'",
            id="subclasses-loop",
        ),
    ],
)
def test_templates_cannot_reach_python_internals(source, rule, words):
    """Liquid sees a persona's fields as data only: a Python attribute is an unknown field, never an object."""
    with pytest.raises(TemplateError) as caught:
        merge_tags(source, {"first_name": "Olivia"})
    assert caught.value.rule == rule
    assert words in str(caught.value)
    assert "<class" not in str(caught.value)  # no Python object was reached and shown
    assert "built-in" not in str(caught.value)


@pytest.mark.parametrize(
    "source",
    [
        pytest.param("{% include 'secret.txt' %}", id="include"),
        pytest.param("{% render 'secret.txt' %}", id="render"),
        pytest.param("{% include '/etc/passwd' %}", id="absolute-path"),
    ],
)
def test_include_and_render_never_read_files(source, tmp_path, monkeypatch):
    (tmp_path / "secret.txt").write_text("TOP SECRET")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(TemplateError) as caught:
        merge_tags(source, {})
    assert caught.value.rule == "merge-tag-include"
    assert "TOP SECRET" not in str(caught.value)


def test_huge_loop_stops_at_the_iteration_limit():
    with pytest.raises(TemplateError) as caught:
        merge_tags("{% for i in (1..5000) %}{% endfor %}", {})  # a bigger range is refused as a range
    assert caught.value.rule == "merge-tag-limit"
    assert f"{LOOP_ITERATION_LIMIT:,}" in str(caught.value)


def test_nested_loops_count_towards_the_same_limit():
    with pytest.raises(TemplateError) as caught:
        merge_tags("{% for i in (1..100) %}{% for j in (1..100) %}x{% endfor %}{% endfor %}", {})
    assert caught.value.rule == "merge-tag-limit"


def test_output_bomb_stops_at_the_output_limit():
    block = "x" * (OUTPUT_STREAM_LIMIT // 500)
    with pytest.raises(TemplateError) as caught:
        merge_tags("{% for i in (1..999) %}{{ block }}{% endfor %}", {"block": block})
    assert caught.value.rule == "merge-tag-limit"


def test_doubling_assign_stops_at_the_namespace_limit():
    source = (
        "{% assign a = 'xx' %}{% for i in (1..60) %}{% assign a = a | append: a %}{% endfor %}{{ a | size }}"
    )
    with pytest.raises(TemplateError) as caught:
        merge_tags(source, {})
    assert caught.value.rule == "merge-tag-limit"


def test_huge_merge_value_cannot_blow_up_the_output():
    with pytest.raises(TemplateError):
        merge_tags("{{ a }}{{ a }}{{ a }}", {"a": "y" * OUTPUT_STREAM_LIMIT})


@pytest.mark.parametrize(
    ("source", "message"),
    [
        pytest.param("Hi {{ first_name", "syntax", id="unclosed-output"),
        pytest.param("{% if first_name %}x", "never closed", id="unclosed-if"),
        pytest.param("{{ first_name | nofilter }}", "filter", id="unknown-filter"),
    ],
)
def test_syntax_errors_are_template_errors_with_a_line(source, message):
    with pytest.raises(TemplateError) as caught:
        merge_tags(source, {"first_name": "Olivia"})
    assert caught.value.line == 1
    assert message in str(caught.value).lower()


@pytest.mark.parametrize(
    "source",
    [
        pytest.param('Hi {{ first_name | default: "there" }}, {{ city | upcase }}!', id="outputs-only"),
        pytest.param('{% if city %}In {{ city }}{% endif %} {{ first_name | default: "x" }}', id="with-tags"),
        pytest.param("{{- first_name -}} , {{ city }}", id="whitespace-control"),
    ],
)
def test_fast_snippet_path_and_whole_template_agree(source):
    from journey.write.merge import ENV

    data = {"first_name": "Sam", "city": "Seattle"}
    assert merge_tags(source, data) == ENV.from_string(source).render(**data)


def test_merge_variables_lists_the_fields_an_email_reads():
    source = '{{ first_name | default: "x" }} <a href="{{ unsubscribe_url }}">{% if plan %}{{ plan }}{% endif %}</a>'
    assert merge_variables(source) == ["first_name", "plan", "unsubscribe_url"]
    assert merge_variables("no tags") == []


def test_a_pasted_run_of_unclosed_tags_is_one_syntax_error_at_the_first_that_never_closes():
    source = "<p>Hi {{ first_name }}</p>\n<p>" + "{{ " * 100_000 + "</p>"
    with pytest.raises(TemplateError) as caught:
        merge_tags(source, {"first_name": "Olivia"})
    assert caught.value.rule == "merge-tag-syntax"
    assert (caught.value.line, caught.value.column) == (2, 4)
    assert "never closed" in caught.value.message


def test_the_preview_keeps_what_comes_before_an_unclosed_tag_and_lists_the_error():
    merged = merge_preview("Hi {{ first_name }}, see {{ offer", {"first_name": "Olivia"})
    assert merged.text.startswith("Hi Olivia, see ")
    assert [error.rule for error in merged.errors] == ["merge-tag-syntax"]
    assert merged.errors[0].column == 26


def test_a_lone_open_tag_inside_a_raw_block_is_not_an_error():
    assert merge_tags("{% raw %}{{ {% endraw %}", {}) == "{{ "
