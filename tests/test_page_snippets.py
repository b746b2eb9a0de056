"""Snippets page: list with usage, create, edit (stale saves refused), delete refused while used; the studio
previews an email with its snippets in place; the editor's gallery import."""

import base64
import io
import json
import zipfile
from pathlib import Path

from support import click, in_db, make_journey, open_page, run_page, texts

from journey.plan import journeys
from journey.write import snippets

FOOTER = (
    '<mj-section><mj-column><mj-text><a href="{{ unsubscribe_url }}">Unsubscribe</a> · '
    "Fernhill Coffee, 214 Alder Street</mj-text></mj-column></mj-section>"
)
EMAIL = (
    '<mjml><mj-body><mj-section><mj-column><mj-text>Hi</mj-text><mj-button href="https://x.example/go">Go'
    '</mj-button></mj-column></mj-section><mj-include path="footer.mjml" /></mj-body></mjml>'
)
MJML = Path(__file__).parent / "fixtures" / "mjml"


def _previews(at) -> list[str]:
    return [base64.b64decode(f.proto.src.split(",", 1)[1]).decode("utf-8") for f in at.get("iframe")]


def test_empty_library_says_what_to_do_and_offers_a_footer_to_adapt(app_db):
    at = open_page("snippets")
    assert not at.exception
    assert "No snippets yet" in texts(at)
    assert "Unsubscribe" in at.text_area(key="snippets_mjml").value
    assert "Your company, 1 Main Street" in _previews(at)[0]


def test_create_a_snippet_and_see_it_listed_with_how_to_include_it(app_db):
    at = open_page("snippets")
    at.text_input(key="snippets_name").input("Footer")
    at.text_area(key="snippets_mjml").input(FOOTER)
    click(at, "Save snippet")
    assert not at.exception
    table = at.dataframe[0].value
    assert list(table["snippet"]) == ["footer"]
    assert list(table["include with"]) == ['<mj-include path="footer.mjml" />']
    assert list(table["used by emails"]) == [0]
    with in_db(app_db) as session:
        assert snippets.snippet_library(session) == {"footer": FOOTER}


def test_a_bad_name_is_refused_and_the_text_kept(app_db):
    at = open_page("snippets")
    at.text_input(key="snippets_name").input("my footer")
    click(at, "Save snippet")
    assert "lower-case letters, digits, - and _" in texts(at)
    assert at.text_input(key="snippets_name").value == "my footer"


def test_edit_shows_usage_and_delete_is_refused_while_an_email_includes_it(app_db):
    with in_db(app_db) as session:
        footer = snippets.create_snippet(session, name="footer", mjml=FOOTER)
        make_journey(session, "Coffee", stages={"Awareness": [{"name": "Welcome", "mjml": EMAIL}]})
    at = open_page("snippets")
    assert list(at.dataframe[0].value["used by emails"]) == [1]
    at.selectbox(key="snippets_selected").select(footer.id).run()
    assert "Used by 1 email" in texts(at)
    assert "Coffee › Awareness › Welcome" in texts(at)
    click(at, "Delete snippet")
    assert 'Snippet "footer" cannot be deleted: it is included by “Welcome”' in texts(at)
    with in_db(app_db) as session:
        assert snippets.list_snippets(session)[0].name == "footer"


def test_a_stale_save_is_refused_and_keeps_what_was_typed(app_db):
    with in_db(app_db) as session:
        footer = snippets.create_snippet(session, name="footer", mjml=FOOTER)
    at = open_page("snippets")
    at.selectbox(key="snippets_selected").select(footer.id).run()
    with in_db(app_db) as session:
        snippets.update_snippet(session, footer.id, 1, mjml="<mj-text>theirs</mj-text>")
    at.text_area(key="snippets_mjml").input("<mj-text>mine</mj-text>")
    click(at, "Save snippet")
    assert "Local user (no sign-in) saved this snippet at" in texts(at)
    assert at.text_area(key="snippets_mjml").value == "<mj-text>mine</mj-text>"


def test_the_studio_previews_and_checks_an_email_with_its_footer_snippet(app_db):
    with in_db(app_db) as session:
        snippets.create_snippet(session, name="footer", mjml=FOOTER)
        made = make_journey(session, "Coffee", stages={"Awareness": [{"name": "Welcome", "mjml": EMAIL}]})
    at = run_page("studio", studio_email_id=made.emails["Welcome"].id)
    [studio_preview] = [
        e for e in at.get("bidi_component") if e.proto.component_name == "journey_email_preview"
    ]
    assert "214 Alder Street" in json.loads(studio_preview.proto.json)["html"]
    shown = texts(at)
    assert "unsubscribe-missing" not in shown
    assert "mjml-include" not in shown


def test_the_studio_reports_an_unknown_include_with_its_line(app_db):
    with in_db(app_db) as session:
        made = make_journey(session, "Coffee", stages={"Awareness": [{"name": "Welcome", "mjml": EMAIL}]})
    at = run_page("studio", studio_email_id=made.emails["Welcome"].id)
    assert not at.exception
    assert '<mj-include path="footer.mjml">: there is no snippet named "footer"' in texts(at)
    assert "Line 1" in [b.label for b in at.button if b.key and b.key.endswith("_goto")]  # on its button


def _zip(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def test_the_editor_imports_a_zip_of_templates_after_showing_what_it_found(app_db):
    with in_db(app_db) as session:
        made = make_journey(session, "Coffee", stages={"Awareness": [], "Retention": []})
    at = open_page("editor")
    at.selectbox(key="editor_gallery_stage").select(made.stages["Retention"].id).run()
    content = _zip(
        {
            "welcome.mjml": (MJML / "welcome-email.mjml")
            .read_text()
            .replace("</mj-body>", '<mj-include path="./footer" /></mj-body>'),
            "partials/footer.mjml": FOOTER,
        }
    )
    at.file_uploader(key="editor_gallery_file").set_value(("gallery.zip", content, "application/zip")).run()
    assert not at.exception
    assert "Found 1 email and 1 snippet" in texts(at)
    table = at.dataframe[0].value
    assert list(table["becomes"]) == ["email “Welcome”", "snippet “footer”"]
    assert list(table["includes"]) == ["footer ✓", ""]
    with in_db(app_db) as session:
        assert snippets.list_snippets(session) == []  # nothing saved before Import
    click(at, "Import into Retention")
    assert not at.exception
    with in_db(app_db) as session:
        tree = journeys.load_tree(session, made.id)
        assert [e.name for e in tree.stages[1].emails] == ["Welcome"]
        assert snippets.snippet_library(session) == {"footer": FOOTER}


def test_the_editor_refuses_a_file_that_is_not_a_zip_naming_it(app_db):
    with in_db(app_db) as session:
        make_journey(session, "Coffee", stages={"Awareness": []})
    at = open_page("editor")
    at.file_uploader(key="editor_gallery_file").set_value(
        ("old.zip", b"PK\x03\x04 nope", "application/zip")
    ).run()
    assert not at.exception
    assert "old.zip is not a zip file we can read" in texts(at)


def test_the_studio_imports_a_template_and_names_its_engine_first(app_db):
    with in_db(app_db) as session:
        made = make_journey(session, "Coffee", stages={"Awareness": [{"name": "Welcome", "mjml": EMAIL}]})
    at = run_page("studio", studio_email_id=made.emails["Welcome"].id)
    mailchimp = (
        (MJML / "basic.mjml").read_text().replace("</mj-body>", "<mj-raw>Hi *|FNAME|*</mj-raw></mj-body>")
    )
    at.file_uploader(key="studio_gallery_file").set_value(
        ("promo.mjml", mailchimp.encode(), "text/plain")
    ).run()
    assert not at.exception
    (table,) = [d.value for d in at.dataframe if "becomes" in d.value.columns]  # not the History tab's
    assert (list(table["becomes"]), list(table["engine"]), list(table["merge tags"])) == (
        ["email “Promo”"],
        ["Mailchimp"],
        ["*|FNAME|*"],
    )
    assert "press “Convert to Liquid”" in list(table["problems"])[0]
    click(at, "Import into Awareness")
    assert not at.exception
    with in_db(app_db) as session:
        assert [e.name for e in journeys.load_tree(session, made.id).stages[0].emails] == ["Welcome", "Promo"]
