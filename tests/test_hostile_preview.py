"""The preview stays a preview (issue 13, point 3): links never load a page into the preview frame,
nothing is fetched until the marketer turns "Load remote images" on, and every place an email can name
an image (background=, CSS url(), content:, image-set(), @import, Outlook's VML) passes src's scheme rule."""

from __future__ import annotations

import base64
import re
from html.parser import HTMLParser

import pytest

from journey.write.render import PREVIEW_CSP, REMOTE_IMAGES_CSP, links_in_new_tab, preview, preview_src
from journey.write.sanitize import clean_css_urls, sanitize_html, url_allowed
from journey.write.views import remote_images_off

PIXEL = "http://127.0.0.1:8999/pixel.gif"


def _document(src: str) -> str:
    return base64.b64decode(src.removeprefix("data:text/html;base64,")).decode("utf-8")


def _csp(document: str) -> dict[str, str]:
    """The preview's CSP meta as directive → sources."""
    content = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">', document).group(1)
    return dict(part.strip().split(" ", 1) for part in content.split(";"))


class _Tags(HTMLParser):
    """Every start tag with its attributes as the browser lists them (duplicates kept)."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))


def _links(document: str) -> list[list[tuple[str, str | None]]]:
    parser = _Tags()
    parser.feed(document)
    return [attrs for tag, attrs in parser.tags if tag == "a"]


def _email(*blocks: str, head: str = "") -> str:
    """An email with `head` in its mj-head on line 2 and `blocks` in its body, each on its own line from 4 on."""
    return f"<mjml>\n<mj-head>{head}</mj-head>\n<mj-body>\n" + "\n".join(blocks) + "\n</mj-body>\n</mjml>\n"


def _section(text: str) -> str:
    return f"<mj-section><mj-column><mj-text>{text}</mj-text></mj-column></mj-section>"


# --- links ------------------------------------------------------------------------------------------


def test_every_link_in_the_preview_opens_in_a_new_tab_whatever_target_the_email_gave_it():
    source = _email(
        _section(
            '<a href="https://shop.example/a" target="_self">self</a> <a href="https://shop.example/b" '
            'target="_top">top</a> <a href="https://shop.example/c" target="preview">named</a> '
            '<a href="https://shop.example/d">none</a>'
        ),
        '<mj-section><mj-column><mj-button href="https://shop.example/buy">Buy</mj-button></mj-column></mj-section>',
    )
    document = _document(preview_src(preview(source).email.html))
    links = _links(document)
    hrefs = [dict(attrs)["href"] for attrs in links]
    assert hrefs == [f"https://shop.example/{x}" for x in ("a", "b", "c", "d", "buy")]
    for attrs in links:  # one target and one rel each: a browser takes the first of two
        assert [value for name, value in attrs if name == "target"] == ["_blank"]
        assert [value for name, value in attrs if name == "rel"] == ["noopener noreferrer"]


@pytest.mark.parametrize(
    ("tag", "expected"),
    [
        pytest.param(
            '<a href="x" target="_self">',
            '<a href="x" target="_blank" rel="noopener noreferrer">',
            id="target",
        ),
        pytest.param(
            "<A HREF=x TARGET=_top REL=opener>",
            '<a HREF=x target="_blank" rel="noopener noreferrer">',
            id="unquoted",
        ),
        pytest.param(
            "<a title=\"a>b target=_top\" href='y'>",
            '<a title="a>b target=_top" href=\'y\' target="_blank" rel="noopener noreferrer">',
            id="target-inside-a-value-stays-text",
        ),
        pytest.param("<abbr title='x'>", "<abbr title='x'>", id="not-a-link"),
    ],
)
def test_links_in_new_tab_rewrites_the_link_tag_only(tag, expected):
    assert links_in_new_tab(tag) == expected


# --- remote images --------------------------------------------------------------------------------------


def test_the_preview_fetches_no_image_by_default_and_remote_ones_once_allowed():
    html = f'<html><head></head><body><img src="{PIXEL}" width="1" height="1" alt=""></body></html>'
    off = _csp(_document(preview_src(html)))
    on = _csp(_document(preview_src(html, remote_images=True)))
    assert off["default-src"] == on["default-src"] == "'none'"  # no script, frame, font, fetch
    assert off["img-src"] == "data:"
    assert on["img-src"] == "https: http: data:"
    assert off["form-action"] == on["form-action"] == "'none'"
    assert _document(preview_src(html)).count("Content-Security-Policy") == 1
    assert PREVIEW_CSP != REMOTE_IMAGES_CSP


def test_a_remote_image_shows_as_a_box_of_its_size_with_its_alt_text_until_images_are_loaded():
    html = (
        f'<p><img src="{PIXEL}" width="1" height="1" alt="">'
        '<img alt="Autumn blend" src="https://cdn.example/autumn.jpg" width="300" height="200">'
        '<img src="cid:logo@shop" alt="Logo"><img src="data:image/png;base64,iVBORw0KGgo=" alt="dot"></p>'
    )
    shown = remote_images_off(html)
    assert "127.0.0.1" not in shown
    assert "cdn.example" not in shown
    boxes = re.findall(r'<span role="img"[^>]*style="([^"]*)">([^<]*)</span>', shown)
    assert [text for _, text in boxes] == ["Remote image", "Autumn blend"]
    assert "width:1px;height:1px;" in boxes[0][0]
    assert "width:300px;height:200px;" in boxes[1][0]
    # attachments and inline images are not remote: they stay images
    assert '<img src="cid:logo@shop" alt="Logo">' in shown
    assert '<img src="data:image/png;base64,iVBORw0KGgo=" alt="dot">' in shown


# --- the scheme rule of src, everywhere an image can be named -------------------------------------------


@pytest.mark.parametrize(
    "address",
    [
        pytest.param("https://cdn.example/a.png", id="https"),
        pytest.param("http://cdn.example/a.png", id="http"),
        pytest.param("//cdn.example/a.png", id="protocol-relative"),
        pytest.param("images/a.png", id="relative"),
        pytest.param("cid:logo@shop", id="cid"),
        pytest.param("", id="empty"),
    ],
)
def test_url_allowed_takes_what_src_takes(address):
    assert url_allowed(address)


HOSTILE_ADDRESSES = [
    pytest.param("javascript:alert(1)", id="javascript"),
    pytest.param(" JaVaScRiPt:alert(1)", id="javascript-mixed-case"),
    pytest.param("&#106;avascript:alert(1)", id="javascript-entity"),
    pytest.param("java\tscript:alert(1)", id="javascript-tab"),
    pytest.param("vbscript:msgbox(1)", id="vbscript"),
    pytest.param("data:text/html;base64,PHNjcmlwdD4=", id="data-html"),
    pytest.param("data:image/svg+xml,x", id="data-svg"),
    pytest.param("file:///etc/passwd", id="file"),
]


@pytest.mark.parametrize("address", HOSTILE_ADDRESSES)
def test_url_allowed_refuses_other_schemes(address):
    assert not url_allowed(address)


def _hostile_places(address: str) -> list[tuple[str, str]]:
    """(id, MJML block) for each place an email can name an image; an id "head:…" goes in mj-head."""
    # CSS's own escape for the entity case (mjml-python doubles a backslash in attributes: <style> only)
    css_address = address.replace("&#106;", "\\6a ")
    return [
        ("mj-section-background-url", f'<mj-section background-url="{address}"><mj-column><mj-text>x</mj-text></mj-column></mj-section>'),
        ("mj-hero-background-url", f'<mj-hero background-url="{address}" background-height="200px" background-width="600px" mode="fixed-height" height="200px"><mj-text>x</mj-text></mj-hero>'),
        ("html-background", f'<mj-raw><table><tr><td background="{address}">x</td></tr></table></mj-raw>'),
        ("style-url", f"<mj-raw><div style=\"color:red;background:url('{address}') no-repeat\">x</div></mj-raw>"),
        ("style-content", f"<mj-raw><div style=\"content: url('{address}')\">x</div></mj-raw>"),
        ("raw-style-escaped-url", f"<mj-raw><style>.x {{ background-image: u\\72l({css_address}); }}</style></mj-raw>"),
        ("head:mj-style-content", f'<mj-style>.x::after {{ content: url("{css_address}"); }}</mj-style>'),
        ("head:mj-style-image-set", f"<mj-style>.x {{ background-image: image-set('{css_address}' 1x); }}</mj-style>"),
        ("head:mj-style-import", f"<mj-style>@import '{css_address}';</mj-style>"),
    ]  # fmt: skip


@pytest.mark.parametrize("address", HOSTILE_ADDRESSES)
def test_background_and_css_addresses_pass_the_scheme_rule_of_src(address):
    for place, block in _hostile_places(address):
        in_head = place.startswith("head:")
        email = _email(_section("Safe text"), head=block) if in_head else _email(block, _section("Safe text"))
        line = 2 if in_head else 4
        result = preview(email)
        assert result.error is None, place
        html = result.email.html.lower()
        for word in ("javascript:", "vbscript:", "data:text/html", "data:image/svg", "file:"):
            assert word not in html.replace("\\6a ", "j").replace(" ", ""), (place, word)
        assert "safe text" in html, place
        rules = {(f.rule, f.line) for f in result.findings if f.rule.startswith("unsafe-")}
        assert rules & {("unsafe-url", line), ("unsafe-javascript-url", line), ("unsafe-css", line)}, (
            place,
            rules,
        )


def test_https_backgrounds_and_css_images_are_kept_without_findings():
    places = _hostile_places("https://cdn.example/bg.png")
    head = "".join(block for place, block in places if place.startswith("head:"))
    result = preview(_email(*(block for place, block in places if not place.startswith("head:")), head=head))
    assert result.error is None
    assert not [f for f in result.findings if f.rule.startswith("unsafe-")]
    html = result.email.html
    assert 'background="https://cdn.example/bg.png"' in html
    assert "url('https://cdn.example/bg.png')" in html
    assert "image-set('https://cdn.example/bg.png' 1x)" in html
    assert "@import 'https://cdn.example/bg.png';" in html


@pytest.mark.parametrize(
    ("css", "expected", "removed"),
    [
        pytest.param(
            "color:red;background:url(data:image/png;base64,AA) red;margin:0",
            "color:red;;margin:0",
            1,
            id="only-the-declaration-goes",
        ),
        pytest.param(".a{color:red}.b{content:url(javascript:x)}", ".a{color:red}.b{}", 1, id="in-a-rule"),
        pytest.param("background:url(https://ok.example/a.png", "", 1, id="unclosed-url-is-refused"),
        pytest.param("background:url(/*x*/javascript:x)", "", 1, id="comment-inside"),
        pytest.param("content:'url(' 'x'", "", 1, id="an-unreadable-url-even-in-a-string-is-refused"),
        pytest.param("color:red", "color:red", 0, id="nothing-to-check"),
    ],
)
def test_clean_css_urls_drops_the_declaration_that_names_a_refused_address(css, expected, removed):
    assert clean_css_urls(css) == (expected, removed)


def test_outlook_vml_addresses_are_held_to_the_same_rule():
    html, findings = sanitize_html(
        '<body><!--[if mso | IE]><v:fill src="data:text/html,x" type="tile" /><v:image src="https://ok.example/a.png" /><![endif]--></body>'
    )
    assert '<v:fill src="" type="tile" />' in html
    assert '<v:image src="https://ok.example/a.png" />' in html
    assert [f.rule for f in findings] == ["unsafe-url"]
