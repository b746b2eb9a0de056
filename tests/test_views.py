"""The studio's pre-send views (journey.write.views) on real MJML templates: inbox row, dark mode,
images off, Gmail clipping; and their PNGs (journey.write.screenshots)."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from journey.core.errors import ScreenshotUnavailable
from journey.write import screenshots, views
from journey.write.render import render_email

FIXTURES = Path(__file__).parent / "fixtures" / "mjml"
CORPUS = FIXTURES / "corpus" / "mjmlio-email-templates"
SUBJECT = "Your March report is ready, plus three fixes for the team"  # 57 characters
PREHEADER = "Fresh deals for your summer, picked by our team."  # 48 characters
SENDER = "Fernhill Coffee Roasters Co."  # 28 characters
DARK_STYLE = (
    "<mj-head><mj-style>@media (prefers-color-scheme: dark) { .dark-card { background-color: #14110f "
    "!important; } }</mj-style></mj-head>"
)


def _html(path: Path, **kwargs) -> str:
    return render_email(path.read_text(encoding="utf-8"), {}, strict=False, **kwargs).html


@pytest.fixture(scope="module")
def welcome() -> str:
    return _html(FIXTURES / "welcome-email.mjml", preheader=PREHEADER)


# --- inbox row ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "limit", "shown"),
    [
        pytest.param("The quick brown fox", 19, "The quick brown fox", id="fits-exactly"),
        pytest.param("The quick brown fox", 10, "The quick…", id="cut-drops-the-trailing-space"),
        pytest.param("  Spaced \n  out  ", 20, "Spaced out", id="whitespace-collapsed"),
        pytest.param("Abc", 0, "…", id="no-room"),
    ],
)
def test_cut_text_keeps_the_first_characters_and_an_ellipsis(text, limit, shown):
    field = views.cut_text(text, limit)
    assert field.shown == shown
    assert field.cut == (shown != " ".join(text.split()))


def test_inbox_rows_cut_sender_subject_and_preview_as_each_client_does(welcome):
    rows = {row.client.key: row for row in views.inbox_rows(welcome, subject=SUBJECT, sender=SENDER)}

    gmail_app, iphone, desktop = rows["gmail_app"], rows["iphone_mail"], rows["gmail_desktop"]
    assert gmail_app.subject.shown == "Your March report is ready, plus three f…"  # 40 characters
    assert iphone.subject.shown == "Your March report is ready, plus three fixes for…"  # 48
    assert desktop.subject.shown == SUBJECT
    assert not desktop.subject.cut
    assert gmail_app.sender.shown == iphone.sender.shown == "Fernhill Coffee Roasters…"  # 25
    assert desktop.sender.shown == "Fernhill Coffee Roas…"  # 20
    # the preview text: the preheader, then the email's own first words
    assert gmail_app.preview.shown == "Fresh deals for your summer, picked by our team. W…"  # 50
    # Gmail on the desktop: subject and preview share 140 characters: 140 - 57 - 3 = 80 for the preview
    assert desktop.preview.limit == 80
    assert (
        desktop.preview.shown
        == "Fresh deals for your summer, picked by our team. Welcome aboard Dear [[FirstName…"
    )
    assert iphone.preview.limit == 99
    assert iphone.preview.shown.startswith(PREHEADER + " Welcome aboard Dear [[FirstName]] Welcome to")
    assert len(iphone.preview.shown) == 100  # 99 characters and the ellipsis
    assert gmail_app.preheader == 48
    assert not gmail_app.preheader_cut  # 48 of 50: the body's first letter fills the rest


def test_preheader_of_reads_the_hidden_preheader_and_its_cut(welcome):
    assert views.preheader_of(welcome) == PREHEADER
    assert views.preheader_of("<html><body><p>No preheader</p></body></html>") == ""
    long = _html(FIXTURES / "welcome-email.mjml", preheader="x" * 60)
    gmail_app = views.inbox_rows(long, subject=SUBJECT, sender=SENDER)[1]
    assert gmail_app.preheader == 60
    assert gmail_app.preheader_cut


def test_a_long_subject_leaves_gmail_desktop_no_room_for_the_preview(welcome):
    subject = "A" * 75
    desktop = views.inbox_rows(welcome, subject=subject, sender=SENDER)[0]
    assert desktop.subject.shown == "A" * 70 + "…"
    assert desktop.preview.limit == 140 - 71 - 3


def test_preview_text_stops_at_the_preheaders_invisible_padding():
    padded = "Your order is on its way" + "\u200c\u00a0" * 10
    html = _html(FIXTURES / "welcome-email.mjml", preheader=padded)
    assert views.preview_text(html) == "Your order is on its way"


def test_preview_text_skips_styles_comments_and_link_addresses():
    html = _html(CORPUS / "worldly.mjml")
    text = views.preview_text(html)
    assert text.startswith("[[HEADLINE]] [[PERMALINK_LABEL]] home Summer deals")
    assert "https://" not in text
    assert "{" not in text
    assert "mso" not in text


def test_inbox_html_shows_each_client_with_its_counts(welcome):
    page = views.inbox_html(views.inbox_rows(welcome, subject=SUBJECT, sender="Fernhill <b>&"))
    assert page.count("<section") == 3
    assert "Subject 57 / 40 characters · cut" in page
    assert "Subject 57 / 70 characters · fits" in page
    assert "Preheader 48 / 50 characters · fits" in page
    assert "Preheader 48 / 80 characters · fits" in page  # Gmail desktop: 140 - 57 - 3
    assert "Fernhill &lt;b&gt;&amp;" in page
    assert "<b>&" not in page


def test_filled_subject_fills_merge_tags_and_keeps_the_rest_as_written():
    assert views.filled_subject("Hi {{ first_name }} & co", {"first_name": "Olivia"}) == "Hi Olivia & co"
    assert views.filled_subject("Hi {{ nobody }}, *|FNAME|*", {}) == "Hi {{ nobody }}, *|FNAME|*"


# --- dark mode ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("colour", "inverted"),
    [
        pytest.param("#ffffff", "#000000", id="white-to-black"),
        pytest.param("#FFF", "#000000", id="short-hex"),
        pytest.param("#000000", "#ffffff", id="black-to-white"),
        pytest.param("#f4f4f4", "#0b0b0b", id="light-grey: L 0.957 -> 0.043"),
        pytest.param("#009FE3", "#1cbbff", id="blue keeps its hue: L 0.445 -> 0.555"),
        pytest.param("#14110f", "#f0edeb", id="near-black brown"),
        pytest.param("white", "#000000", id="named"),
        pytest.param("rgb(255, 255, 255)", "#000000", id="rgb"),
        pytest.param("rgba(255,255,255,0.5)", "rgba(0, 0, 0, 0.5)", id="rgba-keeps-alpha"),
        pytest.param("#ffffff80", "#00000080", id="hex-alpha"),
    ],
)
def test_invert_colour_inverts_lightness_and_keeps_hue(colour, inverted):
    assert views.invert_colour(colour) == inverted


def test_dark_mode_inverts_light_backgrounds_and_dark_text_of_a_real_email(welcome):
    dark = views.dark_mode(welcome)
    assert '<body style="word-spacing:normal;background-color:#ffffff;">' in welcome
    assert '<body style="word-spacing:normal;background-color:#000000;">' in dark.inverted
    assert 'bgcolor="#ffffff"' not in dark.inverted
    assert "html{background-color:#000000;color:#ffffff}" in dark.inverted
    assert dark.own is None
    assert not dark.declares_dark
    # images are left alone (the apps do not invert photos)
    assert re.findall(r"<img\b[^>]*>", dark.inverted) == re.findall(r"<img\b[^>]*>", welcome)


def test_dark_mode_leaves_addresses_and_non_colour_properties_alone():
    html = (
        '<html><head></head><body><td style="background:#ffffff url(https://x.example/bg-ffffff.png);'
        'font-family:White Rabbit;width:600px">x</td></body></html>'
    )
    inverted = views.dark_mode(html).inverted
    assert "background:#000000 url(https://x.example/bg-ffffff.png)" in inverted
    assert "font-family:White Rabbit" in inverted


def test_dark_mode_applies_the_emails_own_prefers_color_scheme_styles():
    source = (
        (FIXTURES / "welcome-email.mjml")
        .read_text(encoding="utf-8")
        .replace("<mjml>", "<mjml>" + DARK_STYLE, 1)
    )
    html = render_email(source, {}, strict=False).html
    assert "prefers-color-scheme: dark" in html
    dark = views.dark_mode(html)
    assert dark.declares_dark
    assert "@media (min-width: 0px) { .dark-card { background-color: #14110f !important; } }" in dark.own
    assert "prefers-color-scheme" not in dark.own
    # the rest of the email is as written: its own dark styles replace the inversion
    assert 'background-color:#ffffff;">' in dark.own
    # the apps that invert ignore those styles and invert them too
    assert "#f0edeb" in dark.inverted


# --- images off -----------------------------------------------------------------------------------


def test_images_off_shows_alt_text_in_a_box_of_the_images_size_and_flags_missing_alt():
    off = views.images_off(_html(CORPUS / "happy-new-year.mjml"))
    assert [(image.alt, image.width) for image in off.images] == [
        (None, 128),
        (None, 550),
        ("Happy New Year!", 399),
        ("Best wishes from all the Clothes Team!", 142),
    ]
    assert len(off.without_alt) == 2
    assert "<img" not in off.html
    assert off.html.count('role="img"') == 4
    assert ">Happy New Year!</span>" in off.html
    assert "width:399px;" in off.html
    assert off.html.count(">No alt text</span>") == 2


def test_images_off_marks_empty_alt_and_drops_background_images():
    html = (
        '<html><head></head><body><table background="https://x.example/bg.png"><tr>'
        '<td style="background:url(https://x.example/bg.png) #fff">Hello there</td></tr></table>'
        '<img alt="" src="https://x.example/spacer.gif" width="10" height="20"></body></html>'
    )
    off = views.images_off(html)
    assert off.images == (views.ImageBox("https://x.example/spacer.gif", "", 10, 20),)
    assert ">Empty alt text</span>" in off.html
    assert "width:10px;height:20px;" in off.html
    assert "bg.png" not in off.html
    assert off.words == 2


def test_images_off_counts_the_words_left_without_images():
    assert views.images_off(_html(CORPUS / "happy-new-year.mjml")).words == 30
    assert views.images_off(_html(FIXTURES / "basic.mjml")).words == 87


# --- Gmail clipping -------------------------------------------------------------------------------


def test_a_small_email_is_not_clipped_and_shows_unchanged(welcome):
    clip = views.gmail_clipping(welcome)
    assert not clip.clipped
    assert clip.size == len(welcome.encode("utf-8"))
    assert clip.html == welcome
    assert views.CLIP_MARK not in clip.html


def test_clipping_cuts_at_the_limit_closes_open_elements_and_marks_the_cut():
    html = (
        "<html><head></head><body><table><tr><td>"
        + "a" * 100
        + "</td></tr></table><p>Unsubscribe</p></body></html>"
    )
    clip = views.gmail_clipping(html, limit=60)
    assert clip.clipped
    assert clip.size == 190
    kept = html[:60]  # 40 characters of tags, then 20 of the a's
    assert clip.html.startswith(kept + "</td></tr></table><div data-clip")
    assert clip.html.endswith("</div></div></body></html>")
    assert "[Message clipped]" in clip.html
    assert "View entire message" in clip.html
    assert clip.hidden_words == 2  # the rest of the a's, "Unsubscribe"
    assert clip.unsubscribe_hidden


def test_clipping_never_cuts_inside_a_tag_or_a_character():
    html = (
        "<html><body><p>"
        + "é" * 20
        + '<a href="https://x.example/unsubscribe">Unsubscribe</a></p></body></html>'
    )
    # 15 bytes of tags, 40 bytes of é (2 each), then the <a …> tag; cut at 60 bytes: inside the tag
    clip = views.gmail_clipping(html, limit=60)
    assert clip.html.startswith("<html><body><p>" + "é" * 20 + "</p><div data-clip")
    assert clip.unsubscribe_hidden
    odd = views.gmail_clipping(html, limit=16)  # 16 bytes: the first é would be split
    assert odd.html.startswith("<html><body><p></p><div data-clip")


def test_a_real_email_over_102_kb_is_clipped_before_its_end():
    source = (FIXTURES / "newsletter.mjml").read_text(encoding="utf-8")
    body = re.search(r"<mj-body[^>]*>(.*)</mj-body>", source, re.DOTALL).group(1)
    html = render_email(source.replace(body, body * 8), {}, strict=False).html
    clip = views.gmail_clipping(html)
    assert clip.size > 102 * 1024 == clip.limit
    assert clip.clipped
    assert clip.html.count(views.CLIP_MARK) == 1
    before_mark = clip.html[: clip.html.index('<div data-clip="gmail"')]
    assert len(before_mark.encode("utf-8")) <= 102 * 1024 + 200  # the cut plus the tags it closes
    assert clip.hidden_words > 0
    assert "102 KB limit" in clip.html


# --- PNG ------------------------------------------------------------------------------------------

needs_chromium = pytest.mark.skipif(
    screenshots.screenshots_available() is not None, reason=str(screenshots.screenshots_available())
)


@needs_chromium
@pytest.mark.parametrize("width", [680, 375])
def test_view_png_is_a_real_png_of_the_view_at_its_width(welcome, width):
    from PIL import Image

    png = screenshots.view_png(views.images_off(welcome).html, width=width)
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG"
    assert image.size[0] == width
    assert image.size[1] >= 400
    # the view is drawn, not a blank page: the red "Empty alt text" box is in it
    assert (217, 48, 37) in {colour for _, colour in image.convert("RGB").getcolors(maxcolors=1 << 20)}


def test_view_png_without_chromium_says_why(monkeypatch):
    monkeypatch.setenv("CHROMIUM_PATH", "/nonexistent/chromium")
    monkeypatch.setattr(screenshots.shutil, "which", lambda name: None)
    with pytest.raises(ScreenshotUnavailable, match="need Chromium on the server"):
        screenshots.view_png("<p>Hi</p>")
