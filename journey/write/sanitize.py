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
_SOURCE_URL_RE = re.compile(r"""\s(?:href|src|background-url)\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)
_SAFE_URL_RE = re.compile(r"(?:https?|mailto|tel|cid):|[^:]*(?:[/?#]|$)", re.IGNORECASE)


def _dropped_url_finding(source: str) -> Finding:
    """A link or image address the allowlist refused (javascript:, data:, … however it is encoded)."""
    line = None
    for match in _SOURCE_URL_RE.finditer(source):
        value = html_lib.unescape(match.group(1) if match.group(1) is not None else match.group(2))
        value = "".join(ch for ch in value if ch > " ").strip()
        if "{{" not in value and _SAFE_URL_RE.match(value) is None:
            line = line_of(source, match.start())
            break
    return Finding(
        rule="unsafe-url",
        severity="error",
        message="A link or image address uses a scheme emails cannot use (javascript:, data:, …); it was removed.",
        fix="Use https:// addresses for links and images (mailto: and tel: for contact links).",
        line=line,
    )


def _clean_css(css: str) -> str:
    return _CSS_DANGER_RE.sub("/* removed */(", css) if _CSS_DANGER_RE.search(css) else css


def _clean_fragment(fragment: str) -> str:
    cleaned = _CLEANER.clean(fragment)
    lowered = cleaned.lower()
    if any(probe in lowered for probe in _CSS_PROBES) and _CSS_DANGER_RE.search(cleaned):
        cleaned = _STYLE_BLOCK_RE.sub(lambda m: m.group(1) + _clean_css(m.group(2)) + m.group(3), cleaned)
        cleaned = _STYLE_ATTR_RE.sub(lambda m: ' style="' + _clean_css(m.group(1)) + '"', cleaned)
    return cleaned


def _clean_document(html: str) -> str:
    """Clean head and body separately (nh3 works on fragments) and rebuild a safe skeleton."""
    body_match = _BODY_RE.search(html)
    if body_match is None:
        return _clean_fragment(html)
    head_match = _HEAD_RE.search(html, 0, body_match.start())
    head = _clean_fragment(head_match.group(1)) if head_match else ""
    body = _clean_fragment(body_match.group(2))
    # Body attributes: clean them on a <div> carrying the same attributes, then rename the tag.
    body_open = _clean_fragment(f"<div{body_match.group(1)}></div>")[: -len("</div>")]
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
    cleaned = _clean_document(html)
    findings: list[Finding] = []
    dropped_urls = len(_URL_ATTR_RE.findall(html)) - len(_URL_ATTR_RE.findall(cleaned))
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
