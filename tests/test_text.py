"""Shared text helpers: offset → line, lane items, the CSV formula escaper, encoding detection, plurals,
Markdown escaping, the rate column format."""

import pytest

from journey.core.text import (
    decode_text,
    detect_encoding,
    escape_formula,
    escape_markdown,
    lane_items,
    line_column,
    line_of,
    plural,
    rate_column_format,
    unescape_formula,
)


@pytest.mark.parametrize(
    ("offset", "expected"),
    [
        pytest.param(0, (1, 1), id="start"),
        pytest.param(2, (1, 3), id="newline-is-on-its-line"),
        pytest.param(3, (2, 1), id="second-line"),
        pytest.param(7, (3, 2), id="end"),
    ],
)
def test_line_column_of_an_offset(offset, expected):
    assert line_column("ab\ncd\nef", offset) == expected
    assert line_of("ab\ncd\nef", offset) == expected[0]


def test_lane_items_strip_bullets_and_skip_blank_lines():
    assert lane_items("- Find a roaster\n\n• Stay on budget \n\t\n  * Try first - now\n- -\n") == [
        "Find a roaster",
        "Stay on budget",
        "Try first - now",
    ]


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        pytest.param("=SUM(A1)", "'=SUM(A1)", id="equals"),
        pytest.param("+1", "'+1", id="plus-text"),
        pytest.param("-2", "'-2", id="minus-text"),
        pytest.param("@me", "'@me", id="at"),
        pytest.param("\tx", "'\tx", id="tab"),
        pytest.param("\rx", "'\rx", id="carriage-return"),
        pytest.param("Plain", "Plain", id="plain"),
        pytest.param(-2, -2, id="a-number-stays-a-number"),
    ],
)
def test_formula_cells_get_a_leading_apostrophe_and_come_back(cell, written):
    assert escape_formula(cell) == written
    if isinstance(cell, str):
        assert unescape_formula(escape_formula(cell)) == cell


@pytest.mark.parametrize(
    ("content", "encoding"),
    [
        pytest.param("Stage,É\n".encode(), "utf-8", id="utf-8"),
        pytest.param("Stage,É\n".encode("utf-8-sig"), "utf-8-sig", id="utf-8-bom"),
        pytest.param("Stage,É\n".encode("utf-16"), "utf-16", id="utf-16-bom"),
        pytest.param("Stage,É\n".encode("utf-16-le"), "utf-16-le", id="utf-16-le-no-bom"),
        pytest.param("Stage,É\n".encode("utf-16-be"), "utf-16-be", id="utf-16-be-no-bom"),
    ],
)
def test_encodings_are_told_apart_by_the_first_bytes(content, encoding):
    assert detect_encoding(content[:4]) == encoding
    assert decode_text(content) == "Stage,É\n"


def test_latin_1_is_refused():
    with pytest.raises(UnicodeDecodeError):
        decode_text("Éé".encode("latin-1"))


@pytest.mark.parametrize(
    ("count", "words", "expected"),
    [
        pytest.param(1, ("row",), "1 row", id="one"),
        pytest.param(0, ("row",), "0 rows", id="zero-is-plural"),
        pytest.param(2, ("error",), "2 errors", id="two"),
        pytest.param(1_200, ("row",), "1,200 rows", id="thousands-separator"),
        pytest.param(1, ("entry", "entries"), "1 entry", id="irregular-one"),
        pytest.param(3, ("entry", "entries"), "3 entries", id="irregular-many"),
    ],
)
def test_plural_writes_the_count_with_the_right_noun(count, words, expected):
    assert plural(count, *words) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("Row 3: the name is empty.", "Row 3: the name is empty.", id="plain-text-unchanged"),
        pytest.param("Hi *|COMPANY|*", r"Hi \*\|COMPANY\|\*", id="mailchimp-tag-keeps-asterisks"),
        pytest.param("write &lt; for a bare <", r"write \&lt; for a bare \<", id="entity-stays-an-entity"),
        pytest.param('<mj-include path="a_b.mjml">', r'\<mj-include path="a_b.mjml"\>', id="html-tag"),
        pytest.param("_em_ or a_b_ __x", r"\_em\_ or a_b\_ \_\_x", id="underscore-at-a-word-edge"),
        pytest.param("`code` [link](x) ~~no~~", r"\`code\` \[link\](x) \~\~no\~\~", id="code-link-strike"),
        pytest.param(
            ":red[alarm] costs $5 to $9", r"\:red\[alarm\] costs \$5 to \$9", id="streamlit-colour-math"
        ),
        pytest.param("a :smile: b", r"a \:smile\: b", id="emoji-shortcode"),
        pytest.param("C:\\dir", r"C:\\dir", id="backslash"),
        pytest.param("https://a.example/x", "https:\u2060//a.example/x", id="web-address-no-autolink"),
        pytest.param(
            "see www.a.example, WWW.b", "see www\u2060.a.example, WWW\u2060.b", id="www-no-autolink"
        ),
        pytest.param("ana@a.example", "ana@\u2060a.example", id="mail-address-no-autolink"),
        pytest.param("![i](http://h/x)", "!\\[i\\](http:\u2060//h/x)", id="image-no-image"),
        pytest.param("<img src=x onerror=alert(1)>", r"\<img src=x onerror=alert(1)\>", id="raw-html"),
        pytest.param(
            "# Title\n- item\n12. step\n> quote",
            r"\# Title  " "\n" r"\- item  " "\n" r"12\. step  " "\n" r"\> quote",
            id="blocks-at-line-start",
        ),
        pytest.param("a - b. 3 + 4", "a - b. 3 + 4", id="marks-inside-a-line-unchanged"),
    ],
)
def test_escape_markdown_shows_the_words_as_written(text, expected):
    assert escape_markdown(text) == expected


@pytest.mark.parametrize(
    ("rates", "expected"),
    [
        pytest.param([0.483, 0.05, None], "%.1f %%", id="engagement-rates-one-decimal"),
        pytest.param([0.0021, 0.0015], "%.2f %%", id="all-under-1-percent"),
        pytest.param([0.0041, 0.042], "%.2f %%", id="one-under-1-percent-keeps-the-second-decimal"),
        pytest.param([0.0, 0.3], "%.1f %%", id="zero-is-not-under-1-percent"),
        pytest.param([None, float("nan")], "%.1f %%", id="nothing-defined"),
    ],
)
def test_rate_column_format_keeps_format_rates_decimals_for_the_whole_column(rates, expected):
    assert rate_column_format(rates) == expected
