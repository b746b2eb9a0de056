"""Shared text helpers: offset → line, lane items, the CSV formula escaper, encoding detection."""

import pytest

from journey.core.text import (
    decode_text,
    detect_encoding,
    escape_formula,
    lane_items,
    line_column,
    line_of,
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
