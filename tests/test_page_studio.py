"""Email studio page (AppTest): open an email, edit, preview as a persona, save, stale saves, drafts, A/B, send.

AppTest does not run the code editor's JavaScript (tests/test_browser_studio.py does): an edit here is
what the editor's callback does, `st.session_state["studio_mjml"]` set before a run, and what the page
sends to the editor and to the preview is read from their components' data.
"""

from __future__ import annotations

import email as email_lib
from email import policy
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest
from support import (
    APP_PATH,
    components,
    in_db,
    make_journey,
    make_persona,
    preview_documents,
    run_page,
    texts,
)

from journey.plan import journeys
from journey.plan.demo_content import DEMO_BRAND, DEMO_STAGES
from journey.plan.starter import blank_email_mjml
from journey.write import variants
from journey.write.brand import save_brand
from ui.navigation import page_path

ROOT = Path(__file__).resolve().parent.parent
STUDIO = str(ROOT / page_path("studio"))
WELCOME = DEMO_STAGES[0].emails[0]
BROKEN_MJML = "<mjml><mj-body><mj-section><mj-column><mj-text>Hi</mj-text></mj-section></mj-body></mjml>"


@pytest.fixture
def workspace(app_db):
    """A journey with one persona (Olivia), one stage and two emails; their ids."""
    with in_db(app_db) as session:
        olivia = make_persona(
            session, "Office manager Olivia", merge_data={"first_name": "Olivia", "company": "Brightside"}
        )
        welcome = {
            "name": "Welcome",
            "subject": WELCOME.subject,
            "preheader": WELCOME.preheader,
            "mjml": WELCOME.mjml,
            "cta_label": WELCOME.cta_label,
            "cta_url": WELCOME.cta_url,
        }
        second = {
            "name": "Second",
            "subject": "A second email for the team",
            "preheader": "Everything you need to know about the second email, in one place.",
            "mjml": blank_email_mjml("Read more", "https://fernhillcoffee.example/more"),
            "cta_label": "Read more",
            "cta_url": "https://fernhillcoffee.example/more",
        }
        made = make_journey(session, "Coffee", stages={"Awareness": [welcome, second]}, personas=[olivia])
        save_brand(session, {**DEMO_BRAND, "name": "Fernhill"}, 0)  # the starter's {{ brand.… }} tags
        ids = {"journey": made.id, "first": made.emails["Welcome"].id, "second": made.emails["Second"].id}
        ids["stage"] = made.stages["Awareness"].id
    return {"url": app_db, **ids}


def _load(workspace, email_id):
    with in_db(workspace["url"]) as session:
        return journeys.get_email(session, email_id)


def _open(workspace, email_key: str = "first") -> AppTest:
    return run_page("studio", studio_email_id=workspace[email_key])


def _open_tab(workspace, tab: str) -> AppTest:
    """The studio opened as a user does (on its Editor tab), then switched to `tab`: only the open tab runs."""
    at = _open(workspace)
    assert at.session_state["studio_tab"] == "Editor"
    assert not at.get("iframe")  # the variants' previews are not built while their tab is closed
    with pytest.raises(KeyError):
        at.button(key="studio_send")
    at.session_state["studio_tab"] = tab
    at.run()
    assert not at.exception
    return at


_components = components
_previews = preview_documents


def _editor(at: AppTest) -> dict:
    [editor] = _components(at, "journey_code_editor")
    return editor


def _edit(at: AppTest, mjml: str) -> AppTest:
    """What the code editor does after a pause in typing: the text in studio_mjml, and a rerun."""
    at.session_state["studio_mjml"] = at.session_state["studio_mjml_shown"] = mjml
    at.run()
    assert not at.exception
    return at


def _unsaved(at: AppTest) -> bool:
    return "Unsaved changes" in _texts(at.markdown)


def _texts(elements) -> str:
    return "\n".join(str(e.value) for e in elements)


def test_studio_shows_the_desktop_preview_with_the_personas_name(workspace):
    at = _open(workspace)

    [preview] = _components(at, "journey_email_preview")
    assert [screen["width"] for screen in preview["screens"]] == [680]  # desktop: 600 px content
    assert preview["phone"]["width"] == 375  # what a phone shows
    documents = _previews(at)
    assert len(documents) == 1
    assert all("Welcome to Fernhill, Olivia" in d for d in documents)
    assert all("Content-Security-Policy" in d for d in documents)
    assert at.text_input(key="studio_subject").value == WELCOME.subject
    assert "No problems found" in _texts(at.success)


def test_an_edit_updates_the_preview_without_a_button_and_warns_of_unsaved_changes(workspace):
    at = _open(workspace)

    _edit(at, WELCOME.mjml.replace("Thanks for asking", "Fresh beans, {{ company }}! Thanks for asking"))

    assert all("Fresh beans, Brightside!" in d for d in _previews(at))
    assert _unsaved(at)
    assert not [b for b in at.button if b.label == "Apply"]
    assert _load(workspace, workspace["first"]).mjml == WELCOME.mjml


def test_save_draft_writes_the_edit_and_clears_the_warning(workspace):
    at = _open(workspace)
    _edit(at, WELCOME.mjml.replace("Thanks for asking", "Thank you for asking"))

    at.button(key="studio_save_draft").click().run()

    saved = _load(workspace, workspace["first"])
    assert "Thank you for asking" in saved.mjml
    assert saved.status == "draft"
    assert saved.version == 2
    assert not _unsaved(at)
    assert "Saved “Welcome” as draft" in _texts(at.success)


def test_mark_ready_saves_a_clean_email_as_ready(workspace):
    at = _open(workspace)
    at.text_input(key="studio_subject").set_value("Your coffee guide is here").run()

    at.button(key="studio_mark_ready").click().run()

    saved = _load(workspace, workspace["first"])
    assert saved.subject == "Your coffee guide is here"
    assert saved.status == "ready"


def test_stale_save_is_refused_and_keeps_the_draft(workspace):
    at = _open(workspace)
    with in_db(workspace["url"]) as session:  # a teammate saves first
        journeys.update_email(session, workspace["first"], 1, subject="Teammate's subject line here")
    mine = WELCOME.mjml.replace("Thanks for asking", "My edit")
    _edit(at, mine)

    at.button(key="studio_save_draft").click().run()

    assert not at.exception
    assert "Local user (no sign-in) saved this email at" in _texts(at.warning)
    saved = _load(workspace, workspace["first"])
    assert saved.subject == "Teammate's subject line here"
    assert "My edit" not in saved.mjml
    assert at.session_state["studio_mjml"] == mine
    assert _editor(at)["value"] == mine
    assert _unsaved(at)


def test_broken_mjml_shows_an_error_and_can_only_be_saved_as_draft(workspace):
    at = _open(workspace)
    _edit(at, BROKEN_MJML)

    assert "cannot be rendered" in _texts(at.error)
    assert at.button(key="studio_mark_ready").disabled
    [preview] = _components(at, "journey_email_preview")
    assert preview["html"] is None
    assert preview["empty_message"].startswith("No preview")

    at.button(key="studio_save_draft").click().run()

    saved = _load(workspace, workspace["first"])
    assert saved.mjml == BROKEN_MJML
    assert saved.status == "draft"
    assert "can be saved only as a draft" in _texts(at.error)


def test_downloads_offer_html_text_and_mjml(workspace):
    at = _open(workspace)

    assert len(at.get("download_button")) == 3
    labels = {button.proto.label for button in at.get("download_button")}
    assert labels == {"HTML", "Plain text", "MJML"}
    assert {button.proto.icon for button in at.get("download_button")} == {"⬇️"}
    assert all(not button.proto.disabled for button in at.get("download_button"))


def test_switching_email_with_unsaved_edits_asks_and_the_draft_comes_back(workspace):
    at = _open(workspace)
    mine = WELCOME.mjml.replace("Thanks for asking", "Draft that must survive")
    _edit(at, mine)

    at.selectbox(key="studio_email").set_value(workspace["second"]).run()

    assert "Unsaved changes** to Welcome" in _texts(at.warning)
    assert _editor(at)["value"] == mine  # still on the first email
    at.button(key="studio_switch_confirm").click().run()
    assert "Read more" in _editor(at)["value"]
    assert _editor(at)["doc"] == str(workspace["second"])
    [preview] = _components(at, "journey_email_preview")
    assert preview["doc"] == str(workspace["second"])  # another email: the preview opens at its top

    at.selectbox(key="studio_email").set_value(workspace["first"]).run()

    assert _editor(at)["value"] == mine
    assert _editor(at)["doc"] == str(workspace["first"])
    assert _unsaved(at)


def test_staying_on_the_email_keeps_the_picker_on_it(workspace):
    at = _open(workspace)
    _edit(at, WELCOME.mjml.replace("Thanks for asking", "Stay here"))
    at.selectbox(key="studio_email").set_value(workspace["second"]).run()

    at.button(key="studio_switch_cancel").click().run()

    assert at.selectbox(key="studio_email").value == workspace["first"]
    assert "Stay here" in _editor(at)["value"]


def test_add_preview_and_delete_an_ab_variant(workspace):
    at = _open_tab(workspace, "A/B variants")
    at.text_input(key="studio_variant_new_label").set_value("B")
    at.text_input(key="studio_variant_new_subject").set_value("Olivia, your coffee guide")
    at.checkbox(key="studio_variant_new_body").check()
    at.button(key="FormSubmitter:studio_variant_new-Add variant").click().run()
    assert not at.exception

    with in_db(workspace["url"]) as session:
        [variant] = variants.list_variants(session, workspace["first"])
    assert variant.subject == "Olivia, your coffee guide"
    assert variant.mjml == WELCOME.mjml.strip()
    assert len(_previews(at)) == 2  # the variant: base + B (the editor's tab is closed)
    assert not _components(at, "journey_code_editor")
    prefix = f"studio_variant_{variant.id}_"
    assert at.text_input(key=prefix + "subject").value == "Olivia, your coffee guide"

    at.text_area(key=prefix + "mjml").set_value(WELCOME.mjml.replace("Thanks for asking", "Variant B body"))
    at.button(key=prefix + "save").click().run()
    with in_db(workspace["url"]) as session:
        assert "Variant B body" in variants.get_variant(session, variant.id).mjml
    assert any("Variant B body" in d for d in _previews(at))

    at.checkbox(key=prefix + "confirm_delete").check().run()
    at.button(key=prefix + "delete").click().run()
    with in_db(workspace["url"]) as session:
        assert variants.list_variants(session, workspace["first"]) == []


def test_duplicate_variant_label_shows_an_error(workspace):
    with in_db(workspace["url"]) as session:
        variants.add_variant(session, workspace["first"], label="B")
    at = _open_tab(workspace, "A/B variants")
    at.text_input(key="studio_variant_new_label").set_value("b")
    at.button(key="FormSubmitter:studio_variant_new-Add variant").click().run()

    assert "already has a variant labelled" in _texts(at.error)


def test_test_send_is_disabled_with_an_explanation_without_smtp(workspace, smtp_env):
    at = _open_tab(workspace, "Test send")  # smtp_env removed any SMTP_* variable set outside

    assert at.button(key="studio_send").disabled
    assert "no SMTP server is configured" in _texts(at.info)


def test_test_send_delivers_the_edited_email_as_the_persona(workspace, inbox, smtp_env):
    smtp_env(inbox.port)
    at = _open_tab(workspace, "Test send")
    at.text_area(key="studio_send_to").set_value("olivia@brightside.example")
    at.button(key="studio_send").click().run()

    assert not at.exception
    assert "Sent to olivia@brightside.example" in texts(at)  # escapes read back
    [envelope] = inbox.envelopes
    assert envelope.rcpt_tos == ["olivia@brightside.example"]
    message = email_lib.message_from_bytes(envelope.original_content, policy=policy.default)
    assert message["Subject"] == f"[Test] {WELCOME.subject}"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    html = message.get_body(("html",)).get_content()
    assert "Welcome to Fernhill, Olivia" in html


def test_discarding_after_a_stale_save_loads_the_teammates_version(workspace):
    at = _open(workspace)
    with in_db(workspace["url"]) as session:
        journeys.update_email(session, workspace["first"], 1, subject="Teammate's subject line here")
    _edit(at, WELCOME.mjml.replace("Thanks for asking", "My edit"))
    at.button(key="studio_save_draft").click().run()

    at.button(key=f"stale_studio_{workspace['first']}_reload").click().run()

    assert not at.exception
    assert at.text_input(key="studio_subject").value == "Teammate's subject line here"
    assert "My edit" not in _editor(at)["value"]
    assert not _unsaved(at)


def test_the_email_can_be_opened_from_the_url(workspace):
    at = AppTest.from_file(STUDIO, default_timeout=60)
    at.query_params["email"] = str(workspace["second"])
    at.run()

    assert not at.exception
    assert at.selectbox(key="studio_email").value == workspace["second"]
    assert "Read more" in _editor(at)["value"]


def test_unsaved_edits_survive_a_page_switch(workspace):
    at = AppTest.from_file(APP_PATH, default_timeout=60)
    at.session_state["studio_email_id"] = workspace["first"]
    at.run()
    at.switch_page(page_path("studio")).run()
    mine = WELCOME.mjml.replace("Thanks for asking", "Kept across pages")
    _edit(at, mine)

    at.switch_page(page_path("personas")).run()
    assert not at.exception
    at.switch_page(page_path("studio")).run()

    assert not at.exception
    assert _editor(at)["value"] == mine
    assert _unsaved(at)


def test_open_in_studio_from_the_journey_editor_opens_that_email(workspace):
    at = AppTest.from_file(APP_PATH, default_timeout=60)
    at.run()
    at.session_state[f"editor_open_s{workspace['stage']}"] = True  # the stage's expander, open
    at.switch_page(page_path("editor")).run()
    assert not at.exception
    at.toggle(key=f"editor_open_e{workspace['second']}").set_value(True).run()

    at.button(key=f"editor_e{workspace['second']}_studio").click().run()

    assert not at.exception
    assert at.selectbox(key="studio_email").value == workspace["second"]
    assert "Read more" in _editor(at)["value"]


def test_convert_to_liquid_rewrites_the_editor_keeps_it_unsaved_and_lists_what_it_left(workspace):
    at = _open(workspace)
    foreign = WELCOME.mjml.replace(
        "Thanks for asking", "*|IF:COMPANY|*Hi *|COMPANY|*!*|END:IF|* {{> footer}} Thanks for asking"
    )
    _edit(at, foreign)
    assert at.button(key="studio_mark_ready").disabled
    assert "looks like a Mailchimp merge tag" in _texts(at.error)
    assert all("*|COMPANY|*" in d for d in _previews(at))  # a placeholder, not a blank preview
    typed = _editor(at)["revision"]

    at.button(key="studio_convert_tags").click().run()
    assert not at.exception

    assert _editor(at)["revision"] == typed + 1  # the editor takes Python's text in, once
    converted = _editor(at)["value"]
    assert "{% if company %}Hi {{ company }}!{% endif %} {{> footer}} Thanks for asking" in converted
    assert "Converted 3 merge tags to Liquid" in _texts(at.warning)
    assert "{{> footer}} (Handlebars) → no Liquid equivalent" in texts(at)  # as shown: not Markdown
    assert all("Hi Brightside!" in d for d in _previews(at))
    assert _unsaved(at)
    assert _load(workspace, workspace["first"]).mjml == WELCOME.mjml  # saved only when she saves


def test_what_came_from_the_editor_is_not_sent_back_as_a_new_revision(workspace):
    at = _open(workspace)
    opened = _editor(at)["revision"]

    _edit(at, WELCOME.mjml.replace("Thanks for asking", "Typed in the editor"))
    _edit(at, WELCOME.mjml.replace("Thanks for asking", "Typed some more"))

    assert _editor(at)["revision"] == opened  # so a rerun never replaces what is being typed
    assert "Typed some more" in _editor(at)["value"]


def test_the_editor_opens_on_the_first_section_of_the_body_not_the_head(workspace):
    at = _open(workspace)

    editor = _editor(at)
    lines = editor["value"].splitlines()
    assert (
        lines.index('    <mj-section background-color="{{ brand.background_color }}">') + 1 == 19
    )  # counted by hand
    assert editor["open_line"] == 19
    assert editor["doc"] == str(workspace["first"])
    assert editor["markers"] == []


def test_the_editor_opens_on_the_first_error_and_marks_its_line_in_the_gutter(workspace):
    lines = WELCOME.mjml.splitlines()
    at_line = next(i for i, line in enumerate(lines, 1) if "Thanks for asking" in line)
    assert at_line > 19  # below the first section, so the test tells the two apart
    at = _open(workspace)
    _edit(at, WELCOME.mjml.replace("Thanks for asking", "{{ nickname }} Thanks for asking"))

    editor = _editor(at)
    assert editor["open_line"] == at_line
    assert [(m["line"], m["severity"]) for m in editor["markers"]][:1] == [(at_line, "error")]
    assert "nickname" in editor["markers"][0]["message"]


def test_a_click_on_a_finding_moves_the_editor_to_its_line(workspace):
    at = _open(workspace)
    lines = WELCOME.mjml.splitlines()
    at_line = next(i for i, line in enumerate(lines, 1) if "Thanks for asking" in line)
    _edit(at, WELCOME.mjml.replace("Thanks for asking", "{{ nickname }} Thanks for asking"))
    [goto] = [
        b for b in at.button if b.key and b.key.endswith("_goto") and b.label.startswith(f"Line {at_line},")
    ]
    assert _editor(at)["goto"] is None
    assert f"Line {at_line}: " not in _texts(at.error)  # the line is on the button, not said twice

    goto.click().run()

    assert not at.exception
    assert _editor(at)["goto"] == {"line": at_line, "nonce": 1}
    assert {"line": at_line, "severity": "error"}.items() <= _editor(at)["markers"][0].items()


def test_the_preview_shows_desktop_mobile_or_both_and_the_choice_outlives_a_page_switch(workspace):
    at = AppTest.from_file(APP_PATH, default_timeout=60)
    at.session_state["studio_email_id"] = workspace["first"]
    at.run()
    at.switch_page(page_path("studio")).run()

    at.segmented_control(key="studio_view").set_value("mobile").run()
    [preview] = _components(at, "journey_email_preview")
    assert [s["width"] for s in preview["screens"]] == [375]
    at.segmented_control(key="studio_view").set_value("both").run()
    [preview] = _components(at, "journey_email_preview")
    assert [s["width"] for s in preview["screens"]] == [680, 375]

    at.switch_page(page_path("personas")).run()
    at.switch_page(page_path("studio")).run()

    assert not at.exception
    assert at.segmented_control(key="studio_view").value == "both"
    assert len(_previews(at)) == 2


def test_the_plain_text_box_edits_the_same_draft(workspace):
    at = _open(workspace)
    at.toggle(key="studio_plain_editor").set_value(True).run()
    assert not _components(at, "journey_code_editor")

    at.text_area(key="studio_mjml_plain").set_value(
        WELCOME.mjml.replace("Thanks for asking", "Plain edit")
    ).run()

    assert not at.exception
    assert all("Plain edit" in d for d in _previews(at))
    assert "Plain edit" in at.session_state["studio_mjml"]
    at.toggle(key="studio_plain_editor").set_value(False).run()
    assert "Plain edit" in _editor(at)["value"]
    assert _unsaved(at)


FOREIGN_TAG_MJML = """<mjml>
  <mj-body>
    <mj-section>
      <mj-column>
        <mj-text>Hi from *|COMPANY|*</mj-text>
        <mj-text><a href="{{ unsubscribe_url }}">Unsubscribe</a></mj-text>
    </mj-section>
  </mj-body>
</mjml>
"""


def test_findings_show_their_words_as_written_with_the_line_said_once(app_db):
    """Not Markdown: `*|COMPANY|*` keeps its asterisks and `&lt;` stays `&lt;`; the line (and column) is
    said once, on the button that shows it in the editor."""
    with in_db(app_db) as session:
        made = make_journey(
            session, "Coffee", stages={"Awareness": [{"name": "Welcome", "mjml": FOREIGN_TAG_MJML}]}
        )
    at = run_page("studio", studio_email_id=made.emails["Welcome"].id)
    alerts = [str(e.value) for e in at.error]
    assert (
        "The MJML cannot be rendered: \\<mj-column\\> is opened but never closed. "
        "`mjml-invalid`  \n*Fix:* Fix the MJML at that line: close every tag, quote attribute values, "
        "write \\&lt; for a bare \\<."
    ) in alerts
    assert any(a.startswith("\\*\\|COMPANY\\|\\* looks like a Mailchimp") for a in alerts)
    assert "**3 errors** · **1 warning** · **0 hints**" in [m.value for m in at.markdown]
    assert "This email has 3 errors: it can be saved only as a draft." in alerts
    buttons = [b.label for b in at.button if b.key and b.key.startswith("studio_finding_")]
    assert "Line 4, column 7" in buttons
    assert "Line 5, column 26" in buttons
    shown = texts(at)
    assert "*|COMPANY|* looks like a Mailchimp merge tag" in shown
    assert "Line 4: Line" not in shown
    assert "Line 4, column 7: The MJML" not in shown  # the location is on the button, not said again


def test_an_edit_survives_a_switch_to_another_tab_and_back(workspace, inbox, smtp_env):
    # Only the open tab runs, so the editor's widgets are not drawn while the Test send tab is open.
    smtp_env(inbox.port)
    at = _open(workspace)
    _edit(at, WELCOME.mjml.replace("Thanks for asking", "Edited before the switch"))
    at.text_input(key="studio_subject").set_value("Subject edited before the switch").run()
    at.session_state["studio_tab"] = "Test send"
    at.run()
    at.text_area(key="studio_send_to").set_value("olivia@brightside.example")
    at.button(key="studio_send").click().run()
    assert not at.exception
    [envelope] = inbox.envelopes
    message = email_lib.message_from_bytes(envelope.original_content, policy=policy.default)
    assert message["Subject"] == "[Test] Subject edited before the switch"
    assert "Edited before the switch" in message.get_body(("html",)).get_content()

    at.session_state["studio_tab"] = "Editor"
    at.run()
    assert not at.exception
    assert "Edited before the switch" in _editor(at)["value"]
    assert at.text_input(key="studio_subject").value == "Subject edited before the switch"
    assert _unsaved(at)
