"""A/B variants: labels unique per email, overrides fall back to the email, versioned saves."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlmodel import Session

from db.models import EmailVariant
from journey.core.errors import DuplicateName, InvalidInput, NotFound, StaleEdit
from journey.plan import journeys
from journey.write.variants import (
    add_variant,
    delete_variant,
    get_variant,
    list_variants,
    update_variant,
)


@pytest.fixture
def email(session):
    journey = journeys.create_journey(session, name="Office coffee", template="starter")
    session.commit()
    first = journeys.load_tree(session, journey.id).emails[0]
    session.commit()  # end the read transaction: SQLite writers in other sessions would wait on it
    return first


def test_add_variant_with_subject_override_keeps_the_email_body(session, email):
    variant = add_variant(session, email.id, label="B", subject="Your free coffee guide, Olivia")
    session.commit()

    assert variant.label == "B"
    assert variant.subject == "Your free coffee guide, Olivia"
    assert variant.preheader is None  # None: the email's own preheader and body
    assert variant.mjml is None
    assert variant.version == 1


def test_variant_without_overrides_is_the_control(session, email):
    variant = add_variant(session, email.id, label="A", subject="  ", mjml="")
    assert variant.subject is None
    assert variant.mjml is None


def test_list_variants_by_label_for_one_email_only(session, email):
    other = journeys.load_tree(session, journeys.journey_of_email(session, email.id)).emails[1]
    add_variant(session, email.id, label="B")
    add_variant(session, email.id, label="A")
    add_variant(session, other.id, label="A")
    session.commit()

    assert [v.label for v in list_variants(session, email.id)] == ["A", "B"]


def test_duplicate_label_on_the_same_email_is_refused_case_insensitively(session, email):
    add_variant(session, email.id, label="Short subject")
    session.commit()
    with pytest.raises(DuplicateName, match="already has a variant labelled"):
        add_variant(session, email.id, label="short SUBJECT")


@pytest.mark.parametrize(
    ("values", "field"),
    [
        pytest.param({"label": ""}, "label", id="empty-label"),
        pytest.param({"label": "x" * 41}, "label", id="label-too-long"),
        pytest.param({"label": "B", "subject": "s" * 301}, "subject", id="subject-too-long"),
        pytest.param({"label": "B", "mjml": 42}, "mjml", id="mjml-not-text"),
    ],
)
def test_bad_variant_input_is_refused_and_nothing_is_written(session, email, values, field):
    with pytest.raises(InvalidInput) as caught:
        add_variant(session, email.id, **values)
    assert caught.value.field == field
    session.rollback()
    assert list_variants(session, email.id) == []


def test_variant_of_a_missing_email_is_not_found(session):
    with pytest.raises(NotFound):
        add_variant(session, 999_999, label="B")


def test_update_variant_bumps_the_version_and_clears_an_override(session, email):
    variant = add_variant(session, email.id, label="B", subject="Old", mjml="<mjml></mjml>")
    session.commit()

    updated = update_variant(session, variant.id, 1, subject="New subject", mjml="")
    session.commit()

    assert updated.version == 2
    assert updated.subject == "New subject"
    assert updated.mjml is None


def test_stale_variant_save_is_refused_and_overwrites_nothing(engine, email):
    with Session(engine, expire_on_commit=False) as first:
        variant = add_variant(first, email.id, label="B", subject="Original")
        first.commit()
        variant_id = variant.id
    with Session(engine, expire_on_commit=False) as teammate:
        update_variant(teammate, variant_id, 1, subject="Teammate's subject")
        teammate.commit()
    with Session(engine, expire_on_commit=False) as me:
        with pytest.raises(StaleEdit, match="saved this variant at .* after you opened it"):
            update_variant(me, variant_id, 1, subject="My subject")
        me.rollback()
        assert get_variant(me, variant_id).subject == "Teammate's subject"
        assert get_variant(me, variant_id).version == 2


def test_renaming_to_a_taken_label_is_refused(session, email):
    add_variant(session, email.id, label="A")
    b = add_variant(session, email.id, label="B")
    session.commit()
    with pytest.raises(DuplicateName):
        update_variant(session, b.id, b.version, label="a")


def test_delete_variant_removes_only_that_variant(session, email):
    a = add_variant(session, email.id, label="A")
    b = add_variant(session, email.id, label="B")
    session.commit()

    delete_variant(session, a.id)
    session.commit()

    assert [v.id for v in list_variants(session, email.id)] == [b.id]
    with pytest.raises(NotFound):
        delete_variant(session, a.id)


def test_deleting_the_email_deletes_its_variants(session, email):
    add_variant(session, email.id, label="B")
    session.commit()

    journeys.delete_email(session, email.id)
    session.commit()

    assert session.execute(select(func.count(EmailVariant.id))).scalar_one() == 0
