"""The template gallery import: an .mjml file or a zip with its includes, surveyed, then saved all or nothing."""

import io
import zipfile
from pathlib import Path

import pytest

from journey.core.errors import InvalidInput
from journey.plan.journeys import load_tree
from journey.write import gallery, snippets
from journey.write.render import preview
from tests.support import make_journey

MJML = Path(__file__).parent / "fixtures" / "mjml"
SALEOR = Path(__file__).parent / "fixtures" / "gallery" / "saleor"


def zipped(files: dict[str, str | bytes], *, compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def saleor_zip() -> bytes:
    return zipped(
        {
            "source/password_reset.mjml": (SALEOR / "password_reset.mjml").read_text(),
            "source/shared/header.mjml": (SALEOR / "shared/header.mjml").read_text(),
            "source/shared/footer.mjml": (SALEOR / "shared/footer.mjml").read_text(),
            "__MACOSX/source/._password_reset.mjml": b"\x00\x05\x16\x07",
        }
    )


def test_a_single_real_template_is_one_email_with_its_title_preview_and_merge_tags():
    found = gallery.survey_templates(
        gallery.read_templates("welcome-email.mjml", (MJML / "welcome-email.mjml").read_bytes()),
        library={},
        email_names=set(),
    )
    (email,) = found.templates
    assert (email.kind, email.name, email.problems) == ("email", "Welcome email", ())
    basic = gallery.survey_templates(
        [gallery.TemplateFile("basic.mjml", (MJML / "basic.mjml").read_text())], library={}, email_names=set()
    )
    assert basic.templates[0].subject == ""


def test_a_zip_with_includes_lists_emails_snippets_and_which_includes_resolve():
    files = gallery.read_templates("saleor.zip", saleor_zip())
    assert [f.path for f in files] == [
        "source/password_reset.mjml",
        "source/shared/header.mjml",
        "source/shared/footer.mjml",
    ]
    found = gallery.survey_templates(files, library={}, email_names=set())
    kinds = [(t.path, t.kind, t.name) for t in found.templates]
    assert kinds == [
        ("source/password_reset.mjml", "email", "Password reset"),
        ("source/shared/header.mjml", "snippet", "header"),
        ("source/shared/footer.mjml", "snippet", "footer"),
    ]
    email = found.emails[0]
    assert [(i.name, i.source) for i in email.includes] == [
        ("styles", None),
        ("header", "zip"),
        ("footer", "zip"),
    ]
    # Saleor's templates use Django tags ({% load i18n %}): named as the Jinja family, listed as written
    assert email.engines == ("Jinja",)
    assert email.merge_tags[:2] == (
        "{% load i18n %}",
        '{% trans "Hi!" context "Password reset e-mail text" %}',
    )
    assert len(email.merge_tags) == 5  # the two {% url … %} tags are the same tag
    assert email.notes == (
        "6 merge tags in Jinja syntax: after the import, open the email in the studio and press "
        "“Convert to Liquid”.",
    )
    assert found.rows()[0]["engine"] == "Jinja"
    assert found.rows()[0]["includes"] == "styles ✗ (no such snippet), header ✓, footer ✓"
    assert found.problems == []


def test_an_include_the_workspace_has_resolves_against_it():
    files = gallery.read_templates("saleor.zip", saleor_zip())
    found = gallery.survey_templates(files, library={"styles": "<mj-attributes />"}, email_names=set())
    assert [i.source for i in found.emails[0].includes] == ["workspace", "zip", "zip"]


def test_import_creates_the_emails_and_snippets_in_the_stage_in_one_go(session):
    made = make_journey(session, stages={"Retention": ["Tips"]})
    stage_id = made.stages["Retention"].id
    content = zipped(
        {
            "welcome.mjml": (MJML / "welcome-email.mjml")
            .read_text()
            .replace("</mj-body>", '<mj-include path="partials/footer.mjml" /></mj-body>'),
            "partials/footer.mjml": "<mj-section><mj-column><mj-text>214 Alder Street</mj-text></mj-column></mj-section>",
        }
    )
    result = gallery.import_upload(session, stage_id, "gallery.zip", content)
    assert [t.name for t in result.emails] == ["Welcome"]
    tree = load_tree(session, made.id)
    (stage,) = tree.stages
    assert [(e.name, e.status, e.position) for e in stage.emails] == [
        ("Tips", "draft", 0),
        ("Welcome", "draft", 1),
    ]
    assert snippets.snippet_library(session) == {
        "footer": "<mj-section><mj-column><mj-text>214 Alder Street</mj-text></mj-column></mj-section>"
    }
    rendered = preview(stage.emails[1].mjml, snippets=snippets.snippet_library(session))
    assert "214 Alder Street" in rendered.email.text


def test_an_email_name_the_journey_has_refuses_the_whole_import_naming_the_file(session):
    made = make_journey(session, stages={"Awareness": ["Password reset"]})
    session.commit()
    with pytest.raises(InvalidInput) as caught:
        gallery.import_upload(session, made.stages["Awareness"].id, "saleor.zip", saleor_zip())
    assert "source/password_reset.mjml: The journey already has an email named “Password reset”" in str(
        caught.value
    )
    session.rollback()
    assert snippets.list_snippets(session) == []
    assert [e.name for e in load_tree(session, made.id).stages[0].emails] == ["Password reset"]


def test_a_snippet_name_clash_with_other_mjml_is_refused_and_identical_is_reused(session):
    made = make_journey(session, stages={"Awareness": []})
    stage_id = made.stages["Awareness"].id
    snippets.create_snippet(session, name="footer", mjml="<mj-text>ours</mj-text>")
    found = gallery.survey_upload(session, stage_id, "saleor.zip", saleor_zip())
    assert found.problems == [
        "source/shared/footer.mjml: The workspace already has a snippet named “footer” with other MJML: rename the "
        "file, or change the workspace's snippet on the Snippets page."
    ]
    footer = snippets.get_snippet_by_name(session, "footer")
    snippets.update_snippet(
        session, footer.id, footer.version, mjml=(SALEOR / "shared/footer.mjml").read_text()
    )
    result = gallery.import_upload(session, stage_id, "saleor.zip", saleor_zip())
    assert [t.reused for t in result.snippets] == [False, True]
    assert sorted(snippets.snippet_library(session)) == ["footer", "header"]


@pytest.mark.parametrize(
    ("filename", "content", "message"),
    [
        pytest.param("notes.txt", b"hello", "notes.txt: upload an .mjml file, or a .zip", id="wrong-type"),
        pytest.param(
            "broken.zip", b"PK\x03\x04 not really", "broken.zip is not a zip file we can read", id="bad-zip"
        ),
        pytest.param("empty.zip", zipped({"readme.md": "hi"}), "empty.zip holds no .mjml file", id="no-mjml"),
        pytest.param("big.mjml", b"<mjml>" + b" " * 500_001, "big.mjml is 500,007 bytes", id="file-too-big"),
        pytest.param(
            "bomb.zip",
            zipped({"bomb.mjml": "<mjml>" + " " * 400_000 + "</mjml>"}),
            "bomb.zip: bomb.mjml unpacks to over 100 times its size",
            id="zip-bomb",
        ),
        pytest.param(
            "latin.mjml",
            "<mjml>café</mjml>".encode("latin-1"),
            "latin.mjml is not UTF-8 text (byte 9)",
            id="latin-1",
        ),
        pytest.param(
            "huge.zip", b"x" * (5 * 1024 * 1024 + 1), "huge.zip is 5,242,881 bytes", id="upload-too-big"
        ),
    ],
)
def test_a_bad_upload_is_refused_with_a_message_naming_the_file(filename, content, message):
    with pytest.raises(InvalidInput) as caught:
        gallery.read_templates(filename, content)
    assert str(caught.value).startswith(message)


def test_a_file_that_is_not_mjml_is_a_problem_naming_it():
    files = [gallery.TemplateFile("notes.mjml", "Dear customer, hello")]
    found = gallery.survey_templates(files, library={}, email_names=set())
    assert found.problems == ["notes.mjml: This is not MJML: it has no <mjml> or <mj-…> tag."]


def test_two_files_with_the_same_email_name_are_a_problem():
    files = [
        gallery.TemplateFile("a/welcome.mjml", "<mjml><mj-body></mj-body></mjml>"),
        gallery.TemplateFile("b/Welcome.mjml", "<mjml><mj-body></mj-body></mjml>"),
    ]
    found = gallery.survey_templates(files, library={}, email_names=set())
    assert found.problems == [
        "b/Welcome.mjml: a/welcome.mjml would also be named “Welcome”: rename one of them."
    ]


def test_the_table_names_the_engine_of_each_template():
    mailchimp = "<mjml><mj-body><mj-section><mj-column><mj-text>Hi *|FNAME|*</mj-text></mj-column></mj-section></mj-body></mjml>"
    liquid = mailchimp.replace("*|FNAME|*", "{{ first_name }}")
    plain = mailchimp.replace("*|FNAME|*", "there")
    files = [
        gallery.TemplateFile("mailchimp.mjml", mailchimp),
        gallery.TemplateFile("liquid.mjml", liquid),
        gallery.TemplateFile("plain.mjml", plain),
    ]
    rows = gallery.survey_templates(files, library={}, email_names=set()).rows()
    assert [(r["engine"], r["merge tags"]) for r in rows] == [
        ("Mailchimp", "*|FNAME|*"),
        ("Liquid", "first_name"),
        ("no merge tags", ""),
    ]
