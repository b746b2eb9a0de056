"""Snippets in the workspace: the table and its migration, the services, and what the checks see."""

import pytest
from alembic import command
from sqlalchemy import inspect

from db.engine import make_engine
from db.migrate import alembic_config, upgrade
from journey.core.errors import DuplicateName, InvalidInput, NotFound, StaleEdit
from journey.plan.checks import check_journey
from journey.plan.maps import map_view
from journey.write import snippets
from journey.write.checks import check_email
from journey.write.variants import add_variant
from tests.support import make_journey

FOOTER = (
    '<mj-section><mj-column><mj-text><a href="{{ unsubscribe_url }}">Unsubscribe</a> · '
    "214 Alder Street, Portland</mj-text></mj-column></mj-section>"
)
BUTTON = '<mj-button href="https://shop.example/go">Shop now</mj-button>'


def body(extra: str = "") -> str:
    return (
        f"<mjml><mj-body><mj-section><mj-column><mj-text>Hi</mj-text>{BUTTON}</mj-column></mj-section>"
        f"{extra}</mj-body></mjml>"
    )


def welcome(mjml: str) -> dict:
    return {
        "name": "Welcome",
        "purpose": "Say hello",
        "trigger": "signup",
        "subject": "Welcome aboard",
        "cta_label": "Shop now",
        "cta_url": "https://shop.example/go",
        "mjml": mjml,
    }


def test_migration_0004_creates_the_snippet_table_and_downgrades_cleanly(migrated_db_url):
    engine = make_engine(migrated_db_url)
    try:
        assert "snippet" in inspect(engine).get_table_names()
        command.downgrade(alembic_config(engine), "0003")
        assert "snippet" not in inspect(engine).get_table_names()
        upgrade(engine)
        columns = {c["name"] for c in inspect(engine).get_columns("snippet")}
        assert columns == {"id", "name", "mjml", "version", "created_at", "updated_at", "updated_by"}  # 0009
    finally:
        engine.dispose()


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        pytest.param("footer", "footer", id="plain"),
        pytest.param("  Footer.mjml ", "footer", id="case-and-ending"),
        pytest.param("brand-header_2", "brand-header_2", id="dash-underscore-digit"),
    ],
)
def test_snippet_names_are_lower_case_without_an_ending(session, typed, stored):
    assert snippets.create_snippet(session, name=typed, mjml="").name == stored


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        pytest.param("", "Snippet name is empty", id="empty"),
        pytest.param("my footer", "lower-case letters, digits, - and _", id="space"),
        pytest.param("legal/footer", "lower-case letters, digits, - and _", id="slash"),
        pytest.param("x" * 61, "keep it under 60", id="too-long"),
    ],
)
def test_a_bad_snippet_name_is_refused_naming_the_field(session, typed, message):
    with pytest.raises(InvalidInput, match=message) as caught:
        snippets.create_snippet(session, name=typed)
    assert caught.value.field == "name"


def test_snippet_names_are_unique_in_the_workspace(session):
    snippets.create_snippet(session, name="footer")
    with pytest.raises(DuplicateName, match='A snippet named "footer" already exists'):
        snippets.create_snippet(session, name="FOOTER")


def test_update_is_versioned_and_a_stale_edit_is_refused(session):
    footer = snippets.create_snippet(session, name="footer", mjml="<mj-text>v1</mj-text>")
    saved = snippets.update_snippet(session, footer.id, 1, mjml="<mj-text>v2</mj-text>")
    assert (saved.version, saved.mjml) == (2, "<mj-text>v2</mj-text>")
    with pytest.raises(StaleEdit):
        snippets.update_snippet(session, footer.id, 1, mjml="<mj-text>mine</mj-text>")
    assert snippets.get_snippet(session, footer.id).mjml == "<mj-text>v2</mj-text>"


def test_emails_including_finds_direct_nested_and_variant_includes(session):
    snippets.create_snippet(session, name="legal", mjml="<mj-text>Legal</mj-text>")
    snippets.create_snippet(session, name="footer", mjml='<mj-include path="legal.mjml" />')
    made = make_journey(
        session,
        stages={
            "Awareness": [
                {"name": "Welcome", "mjml": body('<mj-include path="./footer" />')},
                {"name": "Guide", "mjml": body()},
            ],
            "Decision": [{"name": "Cart", "mjml": body('<mj-include path="snippets/legal.mjml"/>')}],
        },
    )
    add_variant(session, made.emails["Guide"].id, label="B", mjml=body('<mj-include path="footer.mjml"/>'))
    uses = snippets.emails_including(session, "legal")
    assert [(u.email, u.stage, u.variant) for u in uses] == [
        ("Welcome", "Awareness", None),
        ("Cart", "Decision", None),
        ("Guide", "Awareness", "B"),
    ]
    assert [u.email for u in snippets.emails_including(session, "footer")] == ["Welcome", "Guide"]
    assert snippets.usage_counts(session) == {"footer": 2, "legal": 3}


def test_delete_and_rename_are_refused_while_an_email_includes_the_snippet(session):
    footer = snippets.create_snippet(session, name="footer", mjml=FOOTER)
    make_journey(
        session, stages={"Awareness": [{"name": "Welcome", "mjml": body('<mj-include path="footer.mjml"/>')}]}
    )
    with pytest.raises(InvalidInput, match='Snippet "footer" cannot be deleted: it is included by “Welcome”'):
        snippets.delete_snippet(session, footer.id)
    with pytest.raises(InvalidInput, match='cannot be renamed to "bottom"'):
        snippets.update_snippet(session, footer.id, footer.version, name="bottom")
    assert snippets.get_snippet(session, footer.id).name == "footer"


def test_delete_is_refused_while_another_snippet_includes_it_and_works_once_unused(session):
    legal = snippets.create_snippet(session, name="legal", mjml="<mj-text>Legal</mj-text>")
    footer = snippets.create_snippet(session, name="footer", mjml='<mj-include path="legal"/>')
    with pytest.raises(InvalidInput, match="snippet “footer”"):
        snippets.delete_snippet(session, legal.id)
    snippets.delete_snippet(session, footer.id)
    snippets.delete_snippet(session, legal.id)
    assert snippets.list_snippets(session) == []
    with pytest.raises(NotFound):
        snippets.get_snippet(session, legal.id)


def test_an_unused_snippet_can_be_renamed(session):
    footer = snippets.create_snippet(session, name="footer", mjml=FOOTER)
    renamed = snippets.update_snippet(session, footer.id, footer.version, name="Bottom")
    assert (renamed.name, renamed.version) == ("bottom", 2)
    assert snippets.snippet_library(session) == {"bottom": FOOTER}


def test_check_journey_counts_the_unsubscribe_link_of_the_footer_snippet(session):
    made = make_journey(
        session, goal="Sell", stages={"Awareness": [welcome(body('<mj-include path="footer.mjml" />'))]}
    )
    snippets.create_snippet(
        session, name="footer", mjml="<mj-section><mj-column><mj-text>Bye</mj-text></mj-column></mj-section>"
    )
    assert "email-no-unsubscribe" in {f.rule for f in check_journey(session, made.id)}
    footer = snippets.get_snippet_by_name(session, "footer")
    snippets.update_snippet(session, footer.id, footer.version, mjml=FOOTER)
    assert "email-no-unsubscribe" not in {f.rule for f in check_journey(session, made.id)}
    assert "email-no-unsubscribe" not in {f.rule for f in map_view(session, made.id).findings}


def test_the_pre_send_checks_of_a_stored_email_see_its_footer_snippet(session):
    snippets.create_snippet(session, name="footer", mjml=FOOTER)
    library = snippets.snippet_library(session)
    findings = check_email(
        body('<mj-include path="footer.mjml" />'), subject="Hi", preheader="", snippets=library
    )
    rules = {f.rule for f in findings}
    assert not rules & {"unsubscribe-missing", "address-missing", "mjml-include"}


def test_an_exported_journey_carries_its_snippets_and_an_import_recreates_them(session):
    from journey.plan.journeys import erase_journey
    from journey.plan.transfer import export_journey, import_journey

    snippets.create_snippet(session, name="legal", mjml="<mj-text>Legal</mj-text>")
    snippets.create_snippet(session, name="footer", mjml='<mj-include path="legal.mjml" />')
    snippets.create_snippet(session, name="unused", mjml="<mj-text>x</mj-text>")
    made = make_journey(
        session, stages={"Awareness": [{"name": "Welcome", "mjml": body('<mj-include path="footer"/>')}]}
    )
    exported = export_journey(session, made.id)
    assert exported["snippets"] == [
        {"name": "footer", "mjml": '<mj-include path="legal.mjml" />'},
        {"name": "legal", "mjml": "<mj-text>Legal</mj-text>"},
    ]
    erase_journey(session, made.id)  # for good: a binned journey would keep its snippets in use
    for name in ("footer", "legal"):
        snippets.delete_snippet(session, snippets.get_snippet_by_name(session, name).id)
    import_journey(session, exported)
    assert snippets.snippet_library(session)["legal"] == "<mj-text>Legal</mj-text>"
    # a second import whose footer differs keeps the workspace's own footer
    exported["snippets"][0]["mjml"] = "<mj-text>Theirs</mj-text>"
    import_journey(session, exported, name="Spring again")
    assert snippets.snippet_library(session)["footer"] == '<mj-include path="legal.mjml" />'


def test_an_import_with_a_bad_snippet_name_changes_nothing(session):
    from journey.core.errors import InvalidJourneyFile
    from journey.plan.journeys import list_journeys
    from journey.plan.transfer import import_journey

    payload = {
        "format": "email-journey/1",
        "journey": {"name": "Imported"},
        "stages": [],
        "snippets": [{"name": "my footer", "mjml": ""}],
    }
    with pytest.raises(InvalidJourneyFile, match=r"snippets\[0\]\.name: Snippet name \"my footer\""):
        import_journey(session, payload)
    session.rollback()
    assert list_journeys(session) == []
    assert snippets.list_snippets(session) == []
