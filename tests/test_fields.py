"""Field rules every form and import relies on."""

import pytest

from journey.core.errors import InvalidInput
from journey.core.fields import clean_int, clean_merge_data, clean_name, clean_text


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param("  Maya  ", "Maya", id="trimmed"),
        pytest.param("Busy\n  shop owner", "Busy shop owner", id="single-line"),
    ],
)
def test_clean_name_trims_and_joins_whitespace(raw, expected):
    assert clean_name(raw) == expected


@pytest.mark.parametrize(
    "raw", [pytest.param("", id="empty"), pytest.param("   ", id="blank"), pytest.param(None, id="none")]
)
def test_clean_name_refuses_empty_names_naming_the_field(raw):
    with pytest.raises(InvalidInput, match="empty") as caught:
        clean_name(raw, field="name", label="Persona name")
    assert caught.value.field == "name"


def test_clean_name_refuses_names_over_the_limit():
    with pytest.raises(InvalidInput, match="121 characters"):
        clean_name("x" * 121)


def test_clean_text_refuses_a_ten_megabyte_paste_instead_of_cutting_it():
    with pytest.raises(InvalidInput, match="10,000,000 characters") as caught:
        clean_text("x" * 10_000_000, field="goals", label="Goals")
    assert caught.value.field == "goals"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param("12", 12, id="text-number"),
        pytest.param(3.0, 3, id="whole-float"),
        pytest.param(0, 0, id="zero"),
    ],
)
def test_clean_int_accepts_whole_numbers(raw, expected):
    assert clean_int(raw, field="delay_hours", label="Delay", minimum=0, maximum=100) == expected


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        pytest.param("two days", "whole number", id="text"),
        pytest.param(2.5, "whole number", id="fraction"),
        pytest.param(True, "whole number", id="bool"),
        pytest.param(-1, "between 0 and 100", id="below"),
        pytest.param(101, "between 0 and 100", id="above"),
    ],
)
def test_clean_int_refuses_text_fractions_and_out_of_range(raw, message):
    with pytest.raises(InvalidInput, match=message):
        clean_int(raw, field="delay_hours", label="Delay", minimum=0, maximum=100)


def test_clean_merge_data_keeps_valid_keys_and_drops_blank_ones():
    assert clean_merge_data({"first_name": "Maya", " ": "ignored", "company": None}) == {
        "first_name": "Maya",
        "company": "",
    }


@pytest.mark.parametrize("key", ["First Name", "1st", "first-name"])
def test_clean_merge_data_refuses_keys_a_merge_tag_cannot_use(key):
    with pytest.raises(InvalidInput, match="not a valid name"):
        clean_merge_data({key: "x"})
