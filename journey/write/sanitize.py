"""Sanitise rendered email HTML with nh3 and an email allowlist, and report what was removed.

nh3's defaults strip `<style>` and `style=`, which wrecks MJML output, so the allowlist keeps
tables, `style` attributes, `<style>` blocks, `class`, width/height/align/bgcolor and the head
elements MJML writes (`title`, `meta` without refresh, font `link`s). URL schemes: http, https,
mailto, tel, and cid: (an image attached to the message; kept, `render.preview_src` shows a placeholder). Comments are kept (MJML's Outlook conditional comments live in them; a comment is inert).

Never in the output: `<script>`, `on*` attributes, `javascript:` URLs, `<iframe>`, `<object>`,
`<embed>`, `<form>`, `<base>`, `<meta http-equiv="refresh">`, SVG, CSS `expression(…)`,
`url(javascript:…)`, `-moz-binding` and `behavior:`; link and image addresses with other schemes
(however entity-encoded, e.g. `&#106;avascript:`, or a `data:` image) are dropped and reported as
`unsafe-url`.

Every other place an email can name an image passes the same scheme rule as `src` (`url_allowed`):
a `background=` attribute (what `mj-section`/`mj-hero` `background-url` and HTML's `background` become;
nh3 checks only href and src) is dropped, and in CSS (style attributes and `<style>` blocks) a
declaration or rule whose `url(…)`, `src(…)`, `image-set(…)` or `@import` address fails it is dropped,
whatever property carries it (`background`, `content:`, `list-style`, `border-image`…), and in the
Outlook conditional comments MJML writes (VML `<v:fill src=…>`, `<v:image src=…>`) an address that
fails it is emptied. The CSS is read
as the browser reads it first: comments out, escapes decoded (`u\72l(`, `\6a avascript:`), so an
encoded address is judged by what it says; an address that cannot be read to its end is refused.

`sanitize_html(html, source=...)` returns the clean HTML and one Finding per kind of removal,
with the line in the MJML source where the hostile fragment sits (when it can be found there).
"""

from __future__ import annotations

import html as html_lib
import re
from dataclasses import dataclass

import nh3

from journey.core.findings import Finding
from journey.core.text import line_of

_TEXT_TAGS = {
    "a", "abbr", "address", "article", "b", "big", "blockquote", "br", "caption", "center", "cite",
    "code", "col", "colgroup", "dd", "del", "dfn", "div", "dl", "dt", "em", "figcaption", "figure",
    "font", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "i", "img", "ins", "kbd",
    "li", "main", "mark", "nav", "ol", "p", "pre", "q", "s", "section", "small", "span", "strike",
    "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "tt", "u", "ul",
    "wbr", "style", "title", "meta", "link",
}  # fmt: skip
_GENERIC_ATTRIBUTES = {
    "style", "class", "id", "align", "valign", "width", "height", "bgcolor", "border", "dir", "lang",
    "title", "role", "aria-label", "aria-hidden", "aria-roledescription", "aria-labelledby",
    "aria-describedby", "color", "face", "size", "cellpadding", "cellspacing",
}  # fmt: skip
_TAG_ATTRIBUTES = {
    "a": {"href", "target", "name"},
    "img": {"src", "alt", "height", "width"},
    "td": {"colspan", "rowspan", "headers", "scope", "nowrap", "background", "vertical-align"},
    "th": {"colspan", "rowspan", "headers", "scope", "nowrap", "background"},
    "table": {"summary", "frame", "rules", "background"},
    "col": {"span"},
    "colgroup": {"span"},
    "ol": {"start", "type", "reversed"},
    "ul": {"type"},
    "li": {"value"},
    "style": {"type", "media"},
    "meta": {"name", "content", "charset"},
    "link": {"href", "rel", "type", "media"},
    "blockquote": {"cite"},
    "q": {"cite"},
}
_META_HTTP_EQUIV = {"Content-Type", "content-type", "X-UA-Compatible", "x-ua-compatible"}
_URL_SCHEMES = {"http", "https", "mailto", "tel", "cid"}  # cid: an image attached to the message (RFC 2392)

_CLEANER = nh3.Cleaner(
    tags=_TEXT_TAGS,
    attributes={"*": _GENERIC_ATTRIBUTES, **_TAG_ATTRIBUTES},
    tag_attribute_values={"meta": {"http-equiv": _META_HTTP_EQUIV}},
    url_schemes=_URL_SCHEMES,
    clean_content_tags={
        "script",
        "noscript",
        "iframe",
        "object",
        "embed",
        "svg",
        "math",
        "template",
        "frameset",
    },
    strip_comments=False,
    link_rel=None,
    set_tag_attribute_values={"a": {"rel": "noopener noreferrer"}},
)

# Dangerous CSS inside style attributes and <style> blocks (nh3 does not parse CSS).
_CSS_DANGER_RE = re.compile(
    r"expression\s*\(|url\s*\(\s*['\"]?\s*(?:javascript|vbscript|data\s*:\s*text/html)\s*:?|"
    r"-moz-binding|behaviou?r\s*:|@import\s+(?:url\s*\(\s*)?['\"]?\s*(?:javascript|vbscript)",
    re.IGNORECASE,
)
_STYLE_BLOCK_RE = re.compile(r"(<style\b[^>]*>)(.*?)(</style>)", re.IGNORECASE | re.DOTALL)
_COMMENT_RE = re.compile(r"<!--.*?-->", re.DOTALL)
_STYLE_ATTR_RE = re.compile(r'\sstyle="([^"]*)"', re.IGNORECASE)
_HEAD_RE = re.compile(r"<head\b[^>]*>(.*?)</head>", re.IGNORECASE | re.DOTALL)
_BODY_RE = re.compile(r"<body\b([^>]*)>(.*)</body>", re.IGNORECASE | re.DOTALL)
_HTML_OPEN_RE = re.compile(r"<html\b([^>]*)>", re.IGNORECASE)

SKELETON_HTML_ATTRS = (
    'xmlns="http://www.w3.org/1999/xhtml" xmlns:v="urn:schemas-microsoft-com:vml" '
    'xmlns:o="urn:schemas-microsoft-com:office:office"'
)


@dataclass(frozen=True)
class _Danger:
    rule: str
    label: str
    html_re: re.Pattern[str]  # what to look for in the HTML before cleaning
    source_re: re.Pattern[str]  # where to find it in the MJML source (for the line)
    probes: tuple[str, ...] = ()  # lowercase substrings one of which must be present (a fast pre-check)

    def maybe_in(self, lowered: str) -> bool:
        return not self.probes or any(probe in lowered for probe in self.probes)


def _both(pattern: str) -> tuple[re.Pattern[str], re.Pattern[str]]:
    compiled = re.compile(pattern, re.IGNORECASE)
    return compiled, compiled


_CSS_PROBES = ("expression", "javascript", "vbscript", "binding", "behavio", "text/html")


_DANGERS = [
    _Danger("unsafe-script", "a <script> element", *_both(r"<script\b"), ("<script",)),
    _Danger("unsafe-event-handler", "an event-handler attribute (on…=)", *_both(r"<[a-z][^<>]*?\son[a-z]+\s*="), (" on", "\ton", "\non", "/on")),
    _Danger("unsafe-javascript-url", "a javascript: URL", *_both(r"(?:java|vb)script\s*:"), ("javascript", "vbscript")),
    _Danger("unsafe-iframe", "an <iframe>, <object> or <embed>", *_both(r"<(?:iframe|object|embed|frame)\b"), ("<iframe", "<object", "<embed", "<frame")),
    _Danger("unsafe-form", "a form or form control", *_both(r"<(?:form|input|button|select|textarea)\b"), ("<form", "<input", "<button", "<select", "<textarea")),
    _Danger("unsafe-base", "a <base> element", *_both(r"<base\b"), ("<base",)),
    _Danger("unsafe-meta-refresh", 'a <meta http-equiv="refresh">', *_both(r"<meta\b[^<>]*http-equiv\s*=\s*['\"]?refresh"), ("refresh",)),
    _Danger("unsafe-svg", "an <svg> or <math> element", *_both(r"<(?:svg|math)\b"), ("<svg", "<math")),
    _Danger("unsafe-css", "dangerous CSS (expression(), javascript: in url(), -moz-binding, behavior)", _CSS_DANGER_RE, _CSS_DANGER_RE, _CSS_PROBES),
]  # fmt: skip


# Everything any danger could start with (a superset of the _DANGERS patterns), checked in one cheap
# pass over the lowercased text: substring tests plus one regex with a literal prefix.
_DANGER_WORDS = (
    "<script", "<iframe", "<object", "<embed", "<frame", "<form", "<input", "<button", "<select",
    "<textarea", "<base", "<meta", "<svg", "<math", "javascript", "vbscript", "expression", "binding",
    "behavio", "text/html",
)  # fmt: skip
_HANDLER_RE = re.compile(r"on[a-z]+\s*=")


def _may_be_hostile(text: str) -> bool:
    lowered = text.lower()
    return any(word in lowered for word in _DANGER_WORDS) or _HANDLER_RE.search(lowered) is not None


_URL_ATTR_RE = re.compile(r"""\s(?:href|src)\s*=""", re.IGNORECASE)
_SOURCE_URL_RE = re.compile(
    r"""\s(?:href|src|background-url|background)\s*=\s*(?:"([^"]*)"|'([^']*)')|url\(\s*["']?([^"')]*)""",
    re.IGNORECASE,
)
_SAFE_URL_RE = re.compile(r"(?:https?|mailto|tel|cid):|[^:]*(?:[/?#]|$)", re.IGNORECASE)


def _dropped_url_finding(source: str) -> Finding:
    """A link or image address the allowlist refused (javascript:, data:, … however it is encoded), or a
    CSS address that could not be read to its end (`unreadable-css-url`, a warning: nothing was refused,
    but the image is gone, as it is in email clients)."""
    line = None
    for match in _SOURCE_URL_RE.finditer(source):
        value = next(group for group in match.groups() if group is not None)
        if "{{" not in value and not url_allowed(_css_read(value) if match.group(3) is not None else value):
            line = line_of(source, match.start())
            break
    else:  # a CSS address with escapes (`u\\72l(…)`) or in image-set()/@import: read each line as CSS
        problems = [(n, _css_piece_problem(text)) for n, text in enumerate(source.splitlines(), 1)]
        line = next((n for n, problem in problems if problem == "refused"), None)
        unreadable = next((n for n, problem in problems if problem == "unreadable"), None)
        if line is None and unreadable is not None:
            return Finding(
                rule="unreadable-css-url",
                severity="warning",
                message="A CSS address could not be read to its end (a quote or bracket inside url(…) ends it "
                "early); the declaration was removed, as email clients drop it.",
                fix="Percent-encode quotes and brackets in the address (' → %27, ( → %28, ) → %29).",
                line=unreadable,
            )
    return Finding(
        rule="unsafe-url",
        severity="error",
        message="A link or image address uses a scheme emails cannot use (javascript:, data:, …); it was removed.",
        fix="Use https:// addresses for links and images (mailto: and tel: for contact links).",
        line=line,
    )


def _clean_css(css: str) -> str:
    return _CSS_DANGER_RE.sub("/* removed */(", css) if _CSS_DANGER_RE.search(css) else css


def url_allowed(address: str) -> bool:
    """True for an address an email may use where `src` is allowed: http(s), mailto, tel, cid or relative.

    Entities are decoded and spaces and control characters dropped first, as browsers read it."""
    address = "".join(ch for ch in html_lib.unescape(address) if ch > " ")
    return _SAFE_URL_RE.match(address) is not None


# CSS as the browser tokenises it: comments are gone, escapes stand for their characters.
_CSS_COMMENT_RE = re.compile(r"/\*.*?(?:\*/|\Z)", re.DOTALL)
_CSS_ESCAPE_RE = re.compile(r"\\(?:([0-9a-fA-F]{1,6})[ \t\r\n\f]?|(\n)|(.)|\Z)", re.DOTALL)
_CSS_URL_PROBES = ("url(", "src(", "image-set(", "@import", "\\", "/*")
_CSS_URL_FN_RE = re.compile(r"url\(\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s\"'()]*))\s*\)", re.IGNORECASE)
_CSS_URL_START_RE = re.compile(r"url\(\s*[\"']?([^\"')]*)", re.IGNORECASE)
_CSS_STRING_RE = re.compile(r"\"([^\"]*)\"|'([^']*)'")
_CSS_STRING_URL_RE = re.compile(r"\bsrc\(|image-set\(|@import", re.IGNORECASE)


def _css_char(match: re.Match[str]) -> str:
    if match.group(1):
        code = int(match.group(1), 16)
        return chr(code) if 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else "\ufffd"
    if match.group(2):
        return ""  # an escaped newline continues a string
    return match.group(3) or ""


def _css_read(css: str) -> str:
    """The CSS with its comments removed and its escapes decoded (what the browser's tokenizer sees)."""
    return _CSS_ESCAPE_RE.sub(_css_char, _CSS_COMMENT_RE.sub("", css))


def _css_piece_problem(piece: str) -> str | None:
    """Why one declaration, selector or at-rule cannot stay: "refused" (an address fails `url_allowed`),
    "unreadable" (a `url(` that does not end where CSS ends it, e.g. a quote inside a quoted address:
    refused rather than guessed at), or None when it may."""
    read = _css_read(piece)
    lowered = read.lower()
    if "url(" not in lowered and _CSS_STRING_URL_RE.search(read) is None:
        return None
    urls = _CSS_URL_FN_RE.findall(read)
    addresses = [quoted or single or bare for quoted, single, bare in urls]
    if _CSS_STRING_URL_RE.search(read):
        addresses += [quoted or single for quoted, single in _CSS_STRING_RE.findall(read)]
    if not all(url_allowed(address) for address in addresses):
        return "refused"
    if len(urls) == lowered.count("url("):
        return None
    # where an address cannot be read to its end, its start still shows its scheme
    starts = _CSS_URL_START_RE.findall(read)
    return "unreadable" if all(url_allowed(start) for start in starts) else "refused"


def _css_piece_safe(piece: str) -> bool:
    """True when every address in one declaration, selector or at-rule can be read and passes `url_allowed`."""
    return _css_piece_problem(piece) is None


def _css_pieces(css: str) -> list[str]:
    """`css` cut at each `;`, `{` and `}` that ends a declaration, selector or at-rule (not one inside a
    string, parentheses, a comment or an escape): pieces and separators alternate, pieces at even places."""
    pieces: list[str] = []
    start = depth = 0
    quote = ""
    index, end = 0, len(css)
    while index < end:
        char = css[index]
        if char == "\\":
            index += 2
            continue
        if quote:
            quote = "" if char == quote else quote
        elif css.startswith("/*", index):
            close = css.find("*/", index + 2)
            index = end if close < 0 else close + 2
            continue
        elif char in "\"'":
            quote = char
        elif char == "(":
            depth += 1
        elif char == ")":
            depth = max(depth - 1, 0)
        elif char in ";{}" and not depth:
            pieces += [css[start:index], char]
            start = index + 1
        index += 1
    return [*pieces, css[start:]]


def clean_css_urls(css: str) -> tuple[str, int]:
    """`css` without the declarations and rules whose addresses fail `url_allowed`, and how many went."""
    lowered = css.lower()
    if not any(probe in lowered for probe in _CSS_URL_PROBES):
        return css, 0
    pieces = _css_pieces(css)
    removed = 0
    for index in range(0, len(pieces), 2):
        if not _css_piece_safe(pieces[index]):
            pieces[index] = ""
            removed += 1
    return "".join(pieces), removed


# A tag as nh3 writes it: every attribute value in double quotes (a > may sit inside one).
_TAG_RE = re.compile(r"""<[a-zA-Z][^\s/>]*(?:\s+[^\s=/>"]+(?:="[^"]*")?)*\s*/?>""")
_BACKGROUND_RE = re.compile(r'\sbackground="([^"]*)"', re.IGNORECASE)
_STYLE_VALUE_RE = re.compile(r'(\sstyle=")([^"]*)(")', re.IGNORECASE)


def _clean_tag_urls(tag: str, removed: list[int]) -> str:
    """One tag: a background attribute that fails `url_allowed` dropped, its style's CSS addresses checked."""
    match = _BACKGROUND_RE.search(tag)
    if match and not url_allowed(match.group(1)):
        tag = tag[: match.start()] + tag[match.end() :]
        removed[0] += 1

    def style(match: re.Match[str]) -> str:
        css, count = clean_css_urls(html_lib.unescape(match.group(2)))
        if not count:
            return match.group()
        removed[0] += count
        return match.group(1) + html_lib.escape(css, quote=True) + match.group(3)

    return _STYLE_VALUE_RE.sub(style, tag) if "style=" in tag.lower() else tag


_COMMENT_URL_RE = re.compile(r"""(\s(?:src|href|background)\s*=\s*)(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)


def _clean_comment(comment: str, removed: list[int]) -> str:
    """An Outlook conditional comment (`<!--[if mso]><v:fill src=…>`): its addresses held to the same rule."""

    def address(match: re.Match[str]) -> str:
        if url_allowed(match.group(2) if match.group(2) is not None else match.group(3)):
            return match.group()
        removed[0] += 1
        return match.group(1) + '""'

    return _COMMENT_URL_RE.sub(address, comment)


def _clean_urls(cleaned: str) -> tuple[str, int]:
    """Background attributes, CSS addresses and those in comments held to the scheme rule of src; how
    many were removed."""
    lowered = cleaned.lower()
    if "background=" not in lowered and not any(probe in lowered for probe in (*_CSS_URL_PROBES, "<!--")):
        return cleaned, 0
    removed = [0]
    if "<!--" in cleaned:
        cleaned = _COMMENT_RE.sub(lambda m: _clean_comment(m.group(), removed), cleaned)

    def block(match: re.Match[str]) -> str:
        css, count = clean_css_urls(match.group(2))
        removed[0] += count
        return match.group(1) + css + match.group(3)

    cleaned = _STYLE_BLOCK_RE.sub(block, cleaned)
    cleaned = _TAG_RE.sub(lambda m: _clean_tag_urls(m.group(), removed), cleaned)
    return cleaned, removed[0]


def _clean_fragment(fragment: str, removed: list[int]) -> str:
    cleaned = _CLEANER.clean(fragment)
    lowered = cleaned.lower()
    if any(probe in lowered for probe in _CSS_PROBES) and _CSS_DANGER_RE.search(cleaned):
        # a url(javascript:…) counts as a dropped address (its source may hide it: `&#106;avascript:`)
        removed[0] += sum(match.lower().startswith("url") for match in _CSS_DANGER_RE.findall(cleaned))
        cleaned = _STYLE_BLOCK_RE.sub(lambda m: m.group(1) + _clean_css(m.group(2)) + m.group(3), cleaned)
        cleaned = _STYLE_ATTR_RE.sub(lambda m: ' style="' + _clean_css(m.group(1)) + '"', cleaned)
    cleaned, count = _clean_urls(cleaned)
    removed[0] += count
    return cleaned


def _clean_document(html: str, removed: list[int]) -> str:
    """Clean head and body separately (nh3 works on fragments) and rebuild a safe skeleton.

    `removed[0]` counts the background and CSS addresses dropped (nh3 drops href and src itself)."""
    body_match = _BODY_RE.search(html)
    if body_match is None:
        return _clean_fragment(html, removed)
    head_match = _HEAD_RE.search(html, 0, body_match.start())
    head = _clean_fragment(head_match.group(1), removed) if head_match else ""
    body = _clean_fragment(body_match.group(2), removed)
    # Body attributes: clean them on a <div> carrying the same attributes, then rename the tag.
    body_open = _clean_fragment(f"<div{body_match.group(1)}></div>", removed)[: -len("</div>")]
    body_open = "<body" + body_open[len("<div") :]
    lang = re.search(
        r'\slang="([a-zA-Z-]{1,20})"',
        _HTML_OPEN_RE.search(html).group(1) if _HTML_OPEN_RE.search(html) else "",
    )
    lang_attr = f' lang="{lang.group(1)}"' if lang else ""
    return f"<!doctype html><html{lang_attr} {SKELETON_HTML_ATTRS}><head>{head}</head>{body_open}{body}</body></html>"


def sanitize_html(html: str, *, source: str = "") -> tuple[str, list[Finding]]:
    """Clean `html` with the email allowlist; one Finding per kind of hostile content removed.

    With `source` (the MJML as written) a finding is reported only for what the author wrote (not for
    markup the renderer generates, such as mj-navbar's hamburger checkbox) and carries its line.
    """
    removed = [0]
    cleaned = _clean_document(html, removed)
    findings: list[Finding] = []
    dropped_urls = len(_URL_ATTR_RE.findall(html)) - len(_URL_ATTR_RE.findall(cleaned)) + removed[0]
    if not _may_be_hostile(source or html):
        if dropped_urls > 0:  # e.g. an entity-encoded javascript: or a data: image
            findings.append(_dropped_url_finding(source))
        return cleaned, findings  # the usual case: one pass finds nothing hostile at all
    lowered = source.lower() if source else html.lower()
    for danger in _DANGERS:
        if not danger.maybe_in(lowered):
            continue
        if source:
            where = danger.source_re.search(source)
            if where is None:
                continue
            line: int | None = line_of(source, where.start())
        else:
            line = None
        before = len(danger.html_re.findall(html))
        if not before or len(danger.html_re.findall(cleaned)) >= before:
            continue  # nothing of this kind was removed (e.g. the words "javascript:" in text)
        findings.append(
            Finding(
                rule=danger.rule,
                severity="error",
                message=f"The email contains {danger.label}; it was removed (email clients block it too).",
                fix="Delete it from the MJML: emails cannot run scripts, forms or embedded pages.",
                line=line,
            )
        )
    if dropped_urls > 0 and not any(f.rule == "unsafe-javascript-url" for f in findings):
        findings.append(_dropped_url_finding(source))
    return cleaned, findings
