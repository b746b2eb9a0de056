"""The views a marketer checks before sending, each computed from the same sanitised HTML.

    inbox_rows(html, subject=..., sender=...) -> (InboxRow, ...)   the row in Gmail (desktop and app)
        and the iPhone's Mail list: sender, subject and preview text as each cuts them
    inbox_html(rows) -> an HTML page drawing those rows, with every limit and count
    dark_mode(html) -> DarkMode(inverted, own)   the colour inversion the Gmail and Outlook apps apply,
        and the email's own `prefers-color-scheme: dark` styles (None when it declares none)
    images_off(html) -> ImagesOff(html, images, words)   every image as a box of its size with its alt
        text (or "No alt text"), background images dropped, and the words left without images
    gmail_clipping(html) -> Clipping(size, clipped, html, ...)   where Gmail cuts the message at
        102 KB of HTML, marked with a line and "[Message clipped] View entire message"
    remote_images_off(html) -> the email as a mail client first shows it, remote images not loaded:
        each remote `<img>` a box of its size with its alt text (what the preview shows until the
        marketer turns "Load remote images" on; the preview's CSP fetches nothing meanwhile)

Every function takes the sanitised HTML (`RenderedEmail.html`) and returns HTML just as safe: it only
adds inline styles and escaped text, never a URL or a script. Show it through `render.preview_src`.

Where the inbox figures come from (characters, counted as Python counts them: an emoji is one):
- iPhone Mail (iPhone 14 / SE, Apple Mail): subject 48, preview 99 (two lines), measured by
  emailtooltester.com, "Email subject line character limit" (2023).
- Gmail app on a phone: subject 40, preview 50 (one line each): "~40 on mobile" (Gmail, typecount.com,
  wordcounterfree.com; 30-40 in docs/REFERENCE.md), preview "on iOS, may be truncated to 50"
  (emailpreview.github.io).
- Gmail on the desktop web: subject 70 ("~70 characters on desktop"), and subject and preview share one
  line, so the preview gets what the subject leaves of about 140 characters (preview 120-140 on Gmail
  desktop, wordcounternow.com; "the pre-header text is pushed by the subject line", rocktheinbox.com).
- Sender name: 25 characters on a phone (Braze's email guidelines: a from name under 25 characters for
  mobile), 20 in Gmail's desktop sender column.
The preview text is what a client shows after the subject: the hidden preheader, then the email's own
text until the line is full (as Gmail and Apple Mail fill it), unless the preheader ends in a run of
invisible padding (`&zwnj;&nbsp;` …), which keeps the body text out.
"""

from __future__ import annotations

import colorsys
import html as html_lib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from html.parser import HTMLParser

from journey.core.errors import TemplateError
from journey.write.checks import HTML_CLIP_BYTES
from journey.write.merge import fill_placeholders, merge_preview
from journey.write.render import html_to_text

# --- the inbox row ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class InboxClient:
    """How one mail list shows a message: characters of sender, subject and preview text it keeps."""

    key: str
    name: str
    sender: int
    subject: int
    preview: int
    shared_line: int | None = None  # subject and preview on one line of this many characters (Gmail web)


INBOX_CLIENTS = (
    InboxClient("gmail_desktop", "Gmail · desktop web", sender=20, subject=70, preview=140, shared_line=140),
    InboxClient("gmail_app", "Gmail app · phone", sender=25, subject=40, preview=50),
    InboxClient("iphone_mail", "iPhone Mail", sender=25, subject=48, preview=99),
)
ELLIPSIS = "…"
SEPARATOR = " – "  # Gmail web: between the subject and the preview text


@dataclass(frozen=True)
class InboxField:
    """One field of an inbox row: the full text, what shows, and the limit it was cut at."""

    text: str
    shown: str
    limit: int

    @property
    def cut(self) -> bool:
        return self.shown != self.text

    @property
    def length(self) -> int:
        return len(self.text)


@dataclass(frozen=True)
class InboxRow:
    client: InboxClient
    sender: InboxField
    subject: InboxField
    preview: InboxField  # the preheader, then the email's own text
    preheader: int = 0  # characters of the preheader itself (what the marketer writes)

    @property
    def preheader_cut(self) -> bool:
        return self.preheader > self.preview.limit


def cut_text(text: str, limit: int) -> InboxField:
    """`text` as a list shows it in `limit` characters: whole, or its first `limit` characters and "…"."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return InboxField(text, text, limit)
    return InboxField(text, text[: max(limit, 0)].rstrip() + ELLIPSIS, limit)


_BODY_OPEN_RE = re.compile(r"<body\b[^>]*>", re.IGNORECASE)
_HIDDEN_DIV_RE = re.compile(r'\s*<div\b[^>]*style="[^"]*display:\s*none[^"]*"[^>]*>(.*?)</div\s*>', re.DOTALL)
_TAG_RE = re.compile(r"<[^>]*>")
_UNSEEN_RE = re.compile(
    r"<!--.*?-->|<(style|title|script)\b.*?</\1\s*>|<div\b[^>]*display:\s*none[^>]*>.*?</div\s*>",
    re.DOTALL | re.IGNORECASE,
)
_INVISIBLE = "\u200b\u200c\u200d\u034f\u00ad\u2060\ufeff"
_PADDING_RE = re.compile(f"[{_INVISIBLE}\u00a0\u2007 ]{{10,}}$")


def _body_start(html: str) -> tuple[str, re.Match[str] | None]:
    """The HTML after <body>, and its leading hidden preheader <div> if it has one."""
    body = _BODY_OPEN_RE.search(html)
    rest = html[body.end() :] if body else html
    return rest, _HIDDEN_DIV_RE.match(rest)


def preheader_of(html: str) -> str:
    """The email's hidden preheader text (the studio's preheader field, or `<mj-preview>`), or ""."""
    _, hidden = _body_start(html)
    return _one_line(html_lib.unescape(_TAG_RE.sub(" ", hidden.group(1)))) if hidden else ""


def preview_text(html: str) -> str:
    """The text a mail list shows after the subject: the hidden preheader, then the email's own text."""
    rest, hidden = _body_start(html)
    preheader = ""
    if hidden:
        preheader = html_lib.unescape(_TAG_RE.sub(" ", hidden.group(1)))
        if _PADDING_RE.search(preheader):  # padded on purpose: the body text stays out of the preview
            return _one_line(preheader)
        rest = rest[hidden.end() :]
    rest = _UNSEEN_RE.sub(" ", rest)
    return _one_line(preheader + " " + html_lib.unescape(_TAG_RE.sub(" ", rest)))


def _one_line(text: str) -> str:
    return " ".join(text.translate(dict.fromkeys(map(ord, _INVISIBLE))).split())


def filled_subject(subject: str, data: Mapping[str, object]) -> str:
    """The subject with its merge tags filled from `data`; a tag that cannot be filled shows as written."""
    try:
        merged = merge_preview(subject, data, field="subject")
    except TemplateError:
        return subject
    return html_lib.unescape(fill_placeholders(merged.text, merged.tags, lambda tag, _: tag))


def inbox_rows(html: str, *, subject: str, sender: str) -> tuple[InboxRow, ...]:
    """The email's row in each client of INBOX_CLIENTS: sender, subject and preview text as each cuts them."""
    text, preheader = preview_text(html), len(preheader_of(html))
    rows = []
    for client in INBOX_CLIENTS:
        shown_subject = cut_text(subject, client.subject)
        preview_limit = client.preview
        if client.shared_line is not None:
            preview_limit = max(client.shared_line - len(shown_subject.shown) - len(SEPARATOR), 0)
        rows.append(
            InboxRow(
                client,
                cut_text(sender, client.sender),
                shown_subject,
                cut_text(text, preview_limit),
                preheader,
            )
        )
    return tuple(rows)


def _count(field: InboxField, what: str) -> str:
    verdict = "cut" if field.cut else "fits"
    return f"{what} {field.length} / {field.limit} characters · {verdict}"


_ROW_STYLES = {
    "gmail_desktop": "display:flex;gap:12px;align-items:baseline;",
    "gmail_app": "display:block;",
    "iphone_mail": "display:block;",
}


def inbox_html(rows: tuple[InboxRow, ...]) -> str:
    """A page drawing each inbox row as its client lays it out, with the counts and limits under it."""
    esc = html_lib.escape
    parts = []
    for row in rows:
        key = row.client.key
        sender = f'<b style="min-width:150px">{esc(row.sender.shown)}</b>'
        subject = f"<b>{esc(row.subject.shown)}</b>"
        preview = f'<span style="color:#5f6368">{esc(row.preview.shown)}</span>'
        if key == "gmail_desktop":
            line = f'{sender}<span style="flex:1">{subject}{esc(SEPARATOR) if row.preview.shown else ""}{preview}</span>'
        else:
            line = f"<div>{sender}</div><div>{subject}</div><div>{preview}</div>"
        preheader = f"Preheader {row.preheader} / {row.preview.limit} characters · " + (
            "cut" if row.preheader_cut else "fits"
        )
        counts = " · ".join((_count(row.sender, "Sender"), _count(row.subject, "Subject"), preheader))
        parts.append(
            f'<section data-client="{key}" style="margin:0 0 18px">'
            f'<div style="font-size:12px;color:#374151;font-weight:bold;margin:0 0 4px">{esc(row.client.name)}</div>'
            f'<div style="{_ROW_STYLES[key]}border:1px solid #dadce0;border-radius:8px;padding:10px 12px;'
            f'background:#ffffff;color:#202124;font-size:14px;line-height:1.45">{line}</div>'
            f'<div style="font-size:12px;color:#6b7280;margin-top:4px">{esc(counts)}</div></section>'
        )
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Inbox row</title></head>'
        '<body style="margin:0;padding:16px;background:#f6f8fc;font-family:Arial,Helvetica,sans-serif">'
        + "".join(parts)
        + "</body></html>"
    )


# --- dark mode -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DarkMode:
    inverted: str  # as the Gmail and Outlook apps show it: every colour's lightness inverted
    own: str | None  # with the email's own @media (prefers-color-scheme: dark) styles; None: it has none

    @property
    def declares_dark(self) -> bool:
        return self.own is not None


_NAMED_COLOURS = {
    "white": "#ffffff", "black": "#000000", "red": "#ff0000", "green": "#008000", "blue": "#0000ff",
    "gray": "#808080", "grey": "#808080", "silver": "#c0c0c0", "yellow": "#ffff00", "orange": "#ffa500",
    "navy": "#000080", "purple": "#800080", "teal": "#008080", "maroon": "#800000", "lightgray": "#d3d3d3",
    "lightgrey": "#d3d3d3", "darkgray": "#a9a9a9", "darkgrey": "#a9a9a9", "whitesmoke": "#f5f5f5",
}  # fmt: skip
_COLOUR_RE = re.compile(
    r"#(?:[0-9a-fA-F]{8}|[0-9a-fA-F]{6}|[0-9a-fA-F]{3,4})\b|rgba?\(\s*[\d.%\s,/]+\)|\b(?:"
    + "|".join(_NAMED_COLOURS)
    + r")\b",
    re.IGNORECASE,
)
_STYLE_ATTR_RE = re.compile(r'(\sstyle=")([^"]*)(")', re.IGNORECASE)
_COLOUR_ATTR_RE = re.compile(r'(\s(?:bgcolor|color)=")([^"]*)(")', re.IGNORECASE)
_STYLE_BLOCK_RE = re.compile(r"(<style\b[^>]*>)(.*?)(</style\s*>)", re.IGNORECASE | re.DOTALL)
_DECLARATIONS_RE = re.compile(r"\{([^{}]*)\}")
_HEAD_CLOSE_RE = re.compile(r"</head\s*>", re.IGNORECASE)
_DARK_QUERY_RE = re.compile(r"\(\s*prefers-color-scheme\s*:\s*dark\s*\)", re.IGNORECASE)
_LIGHT_QUERY_RE = re.compile(r"\(\s*prefers-color-scheme\s*:\s*light\s*\)", re.IGNORECASE)
_URL_SPLIT_RE = re.compile(r"(url\([^)]*\))", re.IGNORECASE)
_COLOUR_PROPERTIES = ("color", "background", "border", "outline", "fill", "stroke", "text-decoration")


def _channels(token: str) -> tuple[tuple[float, float, float], str] | None:
    """(r, g, b in 0-1, alpha suffix as written) of a CSS colour, or None when it is not one we read."""
    token = _NAMED_COLOURS.get(token.lower(), token)
    if token.startswith("#"):
        digits = token[1:]
        if len(digits) in (3, 4):
            digits = "".join(c * 2 for c in digits)
        rgb = tuple(int(digits[i : i + 2], 16) / 255 for i in (0, 2, 4))
        return rgb, digits[6:8]  # type: ignore[return-value]
    numbers = re.findall(r"[\d.]+%?", token)
    if len(numbers) < 3:
        return None
    values = [float(n[:-1]) * 2.55 if n.endswith("%") else float(n) for n in numbers[:3]]
    alpha = numbers[3] if len(numbers) > 3 else ""
    return tuple(min(v, 255.0) / 255 for v in values), alpha  # type: ignore[return-value]


def invert_colour(token: str) -> str:
    """A colour with its lightness inverted and its hue kept (white → black, #f4f4f4 → #0b0b0b)."""
    read = _channels(token)
    if read is None:
        return token
    (r, g, b), alpha = read
    hue, lightness, saturation = colorsys.rgb_to_hls(r, g, b)
    r, g, b = colorsys.hls_to_rgb(hue, 1 - lightness, saturation)
    hex_colour = "#" + "".join(f"{round(c * 255):02x}" for c in (r, g, b))
    if not alpha:
        return hex_colour
    if token.startswith("#"):
        return hex_colour + alpha
    return f"rgba({round(r * 255)}, {round(g * 255)}, {round(b * 255)}, {alpha})"


def _invert_declarations(css: str) -> str:
    """Every colour in the colour-bearing declarations of `css` (a style attribute's text) inverted."""
    out = []
    for declaration in css.split(";"):
        name, colon, value = declaration.partition(":")
        if colon and name.strip().lower().startswith(_COLOUR_PROPERTIES):
            pieces = _URL_SPLIT_RE.split(value)  # odd pieces are url(…): an address is no colour
            value = "".join(
                piece if index % 2 else _COLOUR_RE.sub(lambda m: invert_colour(m.group()), piece)
                for index, piece in enumerate(pieces)
            )
        out.append(name + colon + value)
    return ";".join(out)


def _invert_style_block(css: str) -> str:
    return _DECLARATIONS_RE.sub(lambda m: "{" + _invert_declarations(m.group(1)) + "}", css)


def _add_head_style(html: str, css: str) -> str:
    style = f"<style>{css}</style>"
    match = _HEAD_CLOSE_RE.search(html)
    return html[: match.start()] + style + html[match.start() :] if match else style + html


def dark_mode(html: str) -> DarkMode:
    """The email in dark mode: inverted as the Gmail and Outlook apps do, and with its own dark styles."""
    inverted = _STYLE_ATTR_RE.sub(lambda m: m.group(1) + _invert_declarations(m.group(2)) + m.group(3), html)
    inverted = _COLOUR_ATTR_RE.sub(lambda m: m.group(1) + invert_colour(m.group(2)) + m.group(3), inverted)
    inverted = _STYLE_BLOCK_RE.sub(
        lambda m: m.group(1) + _invert_style_block(m.group(2)) + m.group(3), inverted
    )
    # what has no colour of its own (the page, plain text) is drawn in the app's dark defaults
    inverted = _add_head_style(inverted, "html{background-color:#000000;color:#ffffff}")
    own = None
    blocks = [m.group(2) for m in _STYLE_BLOCK_RE.finditer(html)]
    if any(_DARK_QUERY_RE.search(block) for block in blocks):
        # always true / never true media features: the dark rules apply whatever the viewer's setting
        own = _STYLE_BLOCK_RE.sub(
            lambda m: (
                m.group(1)
                + _LIGHT_QUERY_RE.sub("(max-width: 0px)", _DARK_QUERY_RE.sub("(min-width: 0px)", m.group(2)))
                + m.group(3)
            ),
            html,
        )
    return DarkMode(inverted, own)


# --- images off ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImageBox:
    """One image of the email as an inbox with images off shows it."""

    src: str
    alt: str | None  # None: no alt attribute at all; "": empty (decorative)
    width: int | None
    height: int | None


@dataclass(frozen=True)
class ImagesOff:
    html: str
    images: tuple[ImageBox, ...]
    words: int  # words the reader still sees with images off (alt text not counted)

    @property
    def without_alt(self) -> tuple[ImageBox, ...]:
        """Images with no alt text, or an empty one: a blank box where the image was."""
        return tuple(image for image in self.images if not (image.alt or "").strip())


_IMG_RE = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_ATTR_RE = re.compile(r'([a-zA-Z-]+)="([^"]*)"')
_BACKGROUND_ATTR_RE = re.compile(r'\sbackground="[^"]*"', re.IGNORECASE)
_CSS_URL_RE = re.compile(r"url\([^)]*\)", re.IGNORECASE)
_STYLE_PX_RE = re.compile(r"(?:^|;)\s*(?:max-)?width\s*:\s*(\d+)px", re.IGNORECASE)
_BOX_STYLE = (
    "display:block;box-sizing:border-box;max-width:100%;margin:0 auto;padding:6px;overflow:hidden;"
    "font:13px/1.35 Arial,Helvetica,sans-serif;text-align:center;"
)


def _px_attr(value: str | None) -> int | None:
    return int(value) if value and value.strip().isdigit() else None


def _image_box(tag: str, *, blocked: bool = False) -> tuple[ImageBox, str]:
    """The image of an `<img>` tag and the box drawn in its place: red without alt text, unless `blocked`
    (a remote image not loaded yet, which says so instead)."""
    attributes = {name.lower(): html_lib.unescape(value) for name, value in _ATTR_RE.findall(tag)}
    width = _px_attr(attributes.get("width"))
    if width is None:
        match = _STYLE_PX_RE.search(attributes.get("style", ""))
        width = int(match.group(1)) if match else None
    image = ImageBox(
        attributes.get("src", ""), attributes.get("alt"), width, _px_attr(attributes.get("height"))
    )
    size = (f"width:{image.width}px;" if image.width else "width:100%;") + (
        f"height:{image.height}px;" if image.height else "min-height:40px;"
    )
    if (image.alt or "").strip() or blocked:
        look = "border:1px dashed #9ca3af;background:#f3f4f6;color:#374151;"
        text = html_lib.escape(image.alt or "") if (image.alt or "").strip() else "Remote image"
    else:
        look = "border:2px dashed #d93025;background:#fdecea;color:#a50e0e;font-weight:bold;"
        text = "No alt text" if image.alt is None else "Empty alt text"
    title = ' title="Remote image, not loaded"' if blocked else ""
    box = f'<span role="img" data-alt="{"" if image.alt is None else "1"}"{title} style="{_BOX_STYLE}{size}{look}">{text}</span>'
    return image, box


def images_off(html: str) -> ImagesOff:
    """The email with images off: each image a box of its size with its alt text, no background images."""
    images: list[ImageBox] = []

    def replace(match: re.Match[str]) -> str:
        image, box = _image_box(match.group())
        images.append(image)
        return box

    shown = _IMG_RE.sub(replace, html)
    shown = _BACKGROUND_ATTR_RE.sub("", shown)
    shown = _STYLE_ATTR_RE.sub(lambda m: m.group(1) + _CSS_URL_RE.sub("none", m.group(2)) + m.group(3), shown)
    words = len(html_to_text(_IMG_RE.sub("", html)).split())
    return ImagesOff(shown, tuple(images), words)


_LOCAL_SRC_RE = re.compile(r'\ssrc="\s*(?:data:|cid:|")', re.IGNORECASE)


def remote_images_off(html: str) -> str:
    """The email with its remote images not loaded: each `<img>` whose address would be fetched (anything
    but data:, cid: or none) a box of its size with its alt text. Backgrounds stay (the CSP fetches none)."""

    def replace(match: re.Match[str]) -> str:
        if _LOCAL_SRC_RE.search(match.group()) or ' src="' not in match.group().lower():
            return match.group()
        return _image_box(match.group(), blocked=True)[1]

    return _IMG_RE.sub(replace, html)


# --- Gmail clipping --------------------------------------------------------------------------------

CLIP_MARK = "[Message clipped]"
VIEW_ENTIRE = "View entire message"
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@dataclass(frozen=True)
class Clipping:
    size: int  # bytes of HTML, as Gmail counts them (UTF-8)
    limit: int
    html: str  # the email as Gmail shows it: cut where it clips, with the mark; unchanged when it fits
    hidden_words: int = 0  # words of text below the cut
    unsubscribe_hidden: bool = False  # an unsubscribe link lies below the cut

    @property
    def clipped(self) -> bool:
        return self.size > self.limit


class _OpenElements(HTMLParser):
    """The elements still open at the end of a (cut) document, outermost first."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.stack: list[str] = []

    def handle_starttag(self, tag, attrs) -> None:
        if tag not in _VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag) -> None:
        if tag in self.stack:
            del self.stack[len(self.stack) - 1 - self.stack[::-1].index(tag) :]


def _safe_cut(html: str, offset: int) -> int:
    """`offset` moved back so it does not fall inside a tag or a comment."""
    tag_open = html.rfind("<", 0, offset)
    if tag_open > html.rfind(">", 0, offset):
        offset = tag_open
    comment = html.rfind("<!--", 0, offset)
    if comment != -1 and comment > html.rfind("-->", 0, offset):
        offset = comment
    return offset


def clip_mark(size: int, limit: int) -> str:
    """The line Gmail draws where it clips a message, with the sizes."""
    return (
        '<div data-clip="gmail" style="clear:both;border-top:3px dashed #d93025;margin:12px 0 0;'
        'padding:10px 14px;font:14px Arial,Helvetica,sans-serif;color:#5f6368;background:#ffffff">'
        f'{CLIP_MARK}&nbsp;&nbsp;<span style="color:#1a0dab;text-decoration:underline">{VIEW_ENTIRE}</span>'
        f'<div style="font-size:12px;color:#a50e0e;margin-top:6px">Gmail cuts here: the HTML is '
        f"{size / 1024:.1f} KB, over its {limit / 1024:g} KB limit.</div></div>"
    )


def gmail_clipping(html: str, *, limit: int = HTML_CLIP_BYTES) -> Clipping:
    """Where Gmail clips the email (HTML over `limit` bytes): the part it shows, the mark, what is lost."""
    encoded = html.encode("utf-8")
    size = len(encoded)
    if size <= limit:
        return Clipping(size, limit, html)
    offset = _safe_cut(html, len(encoded[:limit].decode("utf-8", "ignore")))
    kept, lost = html[:offset], html[offset:]
    parser = _OpenElements()
    parser.feed(kept)
    closing = [tag for tag in reversed(parser.stack) if tag not in ("html", "body")]
    in_head = "head" in parser.stack or "body" not in parser.stack
    body = "" if not in_head else "<body>"
    shown = kept + "".join(f"</{tag}>" for tag in closing) + body + clip_mark(size, limit) + "</body></html>"
    hidden = html_to_text(lost if not in_head else html)
    return Clipping(size, limit, shown, len(hidden.split()), "unsubscribe" in lost.lower())
