"""Email studio page (AppTest): the view switch over the preview: inbox row, dark mode, images off,
Gmail clipping, each with its PNG download."""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import pytest
from support import in_db, make_journey, make_persona, run_page, texts

from journey.write.views import CLIP_MARK

FIXTURES = Path(__file__).parent / "fixtures" / "mjml"
HAPPY_NEW_YEAR = (FIXTURES / "corpus" / "mjmlio-email-templates" / "happy-new-year.mjml").read_text(
    encoding="utf-8"
)
NEWSLETTER = (FIXTURES / "newsletter.mjml").read_text(encoding="utf-8")
SUBJECT = "Happy new year, {{ first_name }}! Our best wishes for 2026 inside"  # 55 characters once filled
PREHEADER = "A year of good coffee starts with one good cup, and here is yours."


def _big_newsletter() -> str:
    body = re.search(r"<mj-body[^>]*>(.*)</mj-body>", NEWSLETTER, re.DOTALL).group(1)
    return NEWSLETTER.replace(body, body * 8)  # about 127 KB of HTML


@pytest.fixture
def workspace(app_db):
    """A journey with Olivia and two emails: a real template (with and without alt text) and a huge one."""
    with in_db(app_db) as session:
        olivia = make_persona(session, "Olivia", merge_data={"first_name": "Olivia"})
        emails = [
            {"name": "New year", "subject": SUBJECT, "preheader": PREHEADER, "mjml": HAPPY_NEW_YEAR},
            {
                "name": "Big",
                "subject": "Everything at once",
                "preheader": PREHEADER,
                "mjml": _big_newsletter(),
            },
        ]
        made = make_journey(session, "Coffee", stages={"Retention": emails}, personas=[olivia])
        return {"new_year": made.emails["New year"].id, "big": made.emails["Big"].id}


def _documents(at) -> list[str]:
    return [base64.b64decode(f.proto.src.split(",", 1)[1]).decode("utf-8") for f in at.get("iframe")]


def _view(workspace, view: str, email: str = "new_year"):
    at = run_page("studio", studio_email_id=workspace[email])
    at.segmented_control(key="studio_check_view").set_value(view).run()
    assert not at.exception
    return at


def _png_keys(at) -> list[str]:
    return [
        button.proto.id.rsplit("-", 1)[-1]
        for button in at.get("download_button")
        if "studio_png" in button.proto.id
    ]


def test_the_studio_opens_on_the_email_with_the_views_to_switch_to(workspace):
    at = run_page("studio", studio_email_id=workspace["new_year"])

    switch = at.segmented_control(key="studio_check_view")
    assert switch.options == ["Email", "Inbox", "Dark mode", "Images off", "Gmail clipping"]
    assert switch.value == "Email"
    [preview] = [  # the Email view is the studio's own preview (ui.components), not a view's frame
        json.loads(e.proto.json)
        for e in at.get("bidi_component")
        if e.proto.component_name == "journey_email_preview"
    ]
    assert "<body" in preview["html"]
    assert _documents(at) == []


def test_inbox_view_shows_the_filled_subject_cut_as_each_client_cuts_it(workspace):
    at = _view(workspace, "Inbox")

    (page,) = _documents(at)
    assert "Happy new year, Olivia! Our best wishes for 2026 inside" in page  # Gmail desktop: 55 of 70
    assert "Happy new year, Olivia! Our best wishes…" in page  # Gmail app: 40
    assert "Subject 55 / 40 characters · cut" in page
    assert "Happy new year, Olivia! Our best wishes for 2026…" in page  # iPhone Mail: 48
    assert PREHEADER in page
    assert (
        "Gmail app · phone cuts the subject (55 characters, 40 show) and the preheader (66 characters, 50 show)."
        in texts(at)
    )
    assert "Your company" in page  # no brand yet: the sender field's default

    at.text_input(key="studio_inbox_sender").set_value("Fernhill Coffee Roasters Co.").run()
    (page,) = _documents(at)
    assert "Fernhill Coffee Roas…" in page
    assert "Gmail · desktop web cuts the sender (28 characters, 20 show)." in texts(at)


def test_dark_mode_view_inverts_the_email_and_says_it_declares_no_dark_styles(workspace):
    at = _view(workspace, "Dark mode")

    (inverted,) = _documents(at)
    assert "html{background-color:#000000;color:#ffffff}" in inverted
    assert "declares no dark styles" in texts(at)


def test_images_off_view_shows_alt_text_and_counts_images_without_it(workspace):
    at = _view(workspace, "Images off")

    (page,) = _documents(at)
    assert ">Happy New Year!</span>" in page
    assert page.count(">No alt text</span>") == 2
    assert "<img" not in page
    assert "4 images; 30 words of text without them. 2 have no alt text" in texts(at)


def test_gmail_clipping_view_passes_a_small_email_and_marks_the_cut_on_a_big_one(workspace):
    small = _view(workspace, "Gmail clipping")
    assert "Gmail shows it whole" in texts(small)
    assert CLIP_MARK not in _documents(small)[0]

    big = _view(workspace, "Gmail clipping", email="big")
    assert re.search(
        r"Gmail clips this email: its HTML is 12\d\.\d KB, over 102 KB\. Below the line, \d+ words",
        texts(big),
    )
    (page,) = _documents(big)
    assert page.count(CLIP_MARK) == 1
    assert "View entire message" in page


@pytest.mark.parametrize(
    ("view", "keys"),
    [
        pytest.param("Inbox", ["studio_png_inbox"], id="inbox"),
        pytest.param("Dark mode", ["studio_png_dark"], id="dark"),
        pytest.param("Images off", ["studio_png_images_off"], id="images-off"),
        pytest.param("Gmail clipping", ["studio_png_clipping"], id="clipping"),
    ],
)
def test_each_view_has_its_png_download(workspace, view, keys):
    at = _view(workspace, view)
    assert _png_keys(at) == keys


def test_the_view_stays_chosen_across_reruns(workspace):
    at = _view(workspace, "Images off")
    at.run()
    assert at.segmented_control(key="studio_check_view").value == "Images off"
    assert ">Happy New Year!</span>" in _documents(at)[0]
