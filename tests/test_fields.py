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


def test_field_limits_are_read_from_the_models():
    from db.models import EmailCreate, JourneyCreate, StageCreate
    from journey.core.fields import FieldLimits, field_limits

    assert field_limits(EmailCreate, "cta_url") == FieldLimits(max_length=2000)
    assert field_limits(StageCreate, "emotion") == FieldLimits(ge=-2, le=2)
    assert field_limits(JourneyCreate, "max_emails_per_week") == FieldLimits(ge=1, le=50)
    assert field_limits(EmailCreate, "name").required
    assert not field_limits(EmailCreate, "subject").required


@pytest.mark.parametrize(
    ("base", "update", "name"),
    [
        pytest.param("EmailBase", "EmailUpdate", "cta_url", id="email-cta-url"),
        pytest.param("EmailBase", "EmailUpdate", "delay_hours", id="email-delay"),
        pytest.param("JourneyBase", "JourneyUpdate", "goal", id="journey-goal"),
        pytest.param("PersonaBase", "PersonaUpdate", "name", id="persona-name"),
        pytest.param("StageBase", "StageUpdate", "obstacles", id="stage-lane"),
        pytest.param("EmailVariantBase", "EmailVariantUpdate", "label", id="variant-label"),
    ],
)
def test_update_models_have_the_base_rules_with_every_field_optional(base, update, name):
    import db.models
    from journey.core.fields import field_limits

    base_model, update_model = getattr(db.models, base), getattr(db.models, update)
    assert field_limits(update_model, name) == field_limits(base_model, name)
    assert set(update_model.model_fields) == set(base_model.model_fields)
    assert update_model().model_dump(exclude_unset=True) == {}


@pytest.mark.parametrize(
    ("model_name", "file_model", "name", "extra"),
    [
        pytest.param(
            "EmailUpdate", "EmailFile", "cta_url", {"name": "Hi", "trigger": "signup"}, id="cta-url"
        ),
        pytest.param("JourneyUpdate", "JourneyFile", "goal", {"name": "J"}, id="journey-goal"),
        pytest.param("PersonaUpdate", "PersonaFile", "segment", {"name": "Maya"}, id="persona-segment"),
        pytest.param("StageUpdate", "StageFile", "obstacles", {"name": "Awareness"}, id="stage-lane"),
    ],
)
def test_the_journey_file_and_the_services_refuse_text_at_the_same_length(
    model_name, file_model, name, extra
):
    from pydantic import ValidationError

    import db.models
    from journey.core.fields import clean_field, field_limits
    from journey.plan import transfer

    model, schema = getattr(db.models, model_name), getattr(transfer, file_model)
    limit = field_limits(model, name).max_length
    assert clean_field(model, name, "x" * limit, label="Field") == "x" * limit
    schema.model_validate({**extra, name: "x" * limit})
    with pytest.raises(InvalidInput, match=f"limit is {limit:,}"):
        clean_field(model, name, "x" * (limit + 1), label="Field")
    with pytest.raises(ValidationError, match=f"at most {limit} characters"):
        schema.model_validate({**extra, name: "x" * (limit + 1)})
