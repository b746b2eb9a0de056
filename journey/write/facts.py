"""The facts of one email, read once from its MJML: links, buttons, images, the unsubscribe link.

Both checkers judge an email from these facts, so they cannot disagree: the pre-send checks
(`journey.write.checks`, on the MJML document a preview already parsed) and the journey checks
(`journey.plan.checks`, through `email_facts_of(mjml)`, cached by a digest of the body).

- links (an `<mj-navbar-link>`'s href resolved against its `<mj-navbar base-url>`, as mjml does):
  every `href` a reader can click: `<mj-button>`, `<mj-navbar-link>`, `<mj-social-element>` and
  linked `<mj-image>`s, and each `<a href>` inside a component's content; with its URL after merge
  tags, the URL as written, its line and its label (text, else alt, else title). Components inside
  `<mj-attributes>` are defaults, not content, and are skipped.
- buttons: the links that are `<mj-button>`s (the primary call to action is one of them).
- images without alt text (`<mj-image>`, `<mj-carousel-image>`, `<img>` in content), with their line.
- has_unsubscribe: a link whose URL or text says unsubscribe, opt out or manage preferences
  (or whose URL mentions "unsub"), a link to the `unsubscribe_url` merge tag or its value, or an
  ESP's unsubscribe tag anywhere outside a comment (`{{ unsubscribe_url }}`, `*|UNSUB|*`, `%unsubscribe%`).
- `has_postal_address(text)`: a street address, PO box or postcode near the end of the rendered text.
"""

from __future__ import annotations

import contextlib
import hashlib
import html as html_lib
import re
import threading
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urljoin

from journey.core.errors import TemplateError
from journey.write.merge import merge_tags
from journey.write.mjml_validation import MJMLDocument, parse_mjml

__all__ = ["EmailFacts", "Image", "Link", "email_facts", "email_facts_of", "has_postal_address"]

_HREF_RE = re.compile(r"""<a\b([^<>]*?)\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s<>]+))""", re.IGNORECASE)
_IMG_RE = re.compile(r"<img\b[^<>]*>", re.IGNORECASE)
_ALT_RE = re.compile(r"\balt\s*=", re.IGNORECASE)
_SRC_RE = re.compile(r"""\bsrc\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)
_TAG_STRIP_RE = re.compile(r"<[^>]+>")
_UNSUBSCRIBE_WORDS_RE = re.compile(
    r"unsubscribe|opt[- ]?out|manage (?:your )?(?:preferences|subscription)", re.I
)
_UNSUBSCRIBE_URL_RE = re.compile(r"unsub|opt[-_]?out", re.I)
_UNSUBSCRIBE_TAG_RE = re.compile(r"\*\|UNSUB\|\*|%unsubscribe%|\{\{\s*unsubscribe", re.IGNORECASE)
_COMMENT_RE = re.compile(r"<!--.*?-->", re.DOTALL)
_LINK_TAGS = ("mj-button", "mj-navbar-link", "mj-social-element")
_IMAGE_TAGS = ("mj-image", "mj-carousel-image")

_STREET_WORDS = (
    r"street|st|road|rd|avenue|ave|boulevard|blvd|lane|ln|drive|dr|way|court|ct|place|pl|square|sq|"
    r"suite|ste|highway|hwy|parkway|pkwy|terrace|row|close|crescent|alley|plaza|strasse|straße|str|"
    r"rue|via|calle|weg|laan|gasse|platz|allee|avenida|rua|piazza|floor"
)
_ADDRESS_RES = [
    # 214 Alder Street / 10 Downing St / 1600 Amphitheatre Pkwy
    re.compile(rf"\b\d{{1,6}}[a-z]?\s+(?:[\w.'-]+\s+){{0,4}}?(?:{_STREET_WORDS})\b", re.IGNORECASE),
    # Rue de Rivoli 12 / Via Roma 5 / Calle Mayor 3
    re.compile(rf"\b(?:{_STREET_WORDS})\.?(?:\s+[\w.'-]+){{0,3}}?\s+\d{{1,5}}[a-z]?\b", re.IGNORECASE),
    # Hauptstraße 5 / Kerkweg 12
    re.compile(
        r"\w(?:straße|strasse|str\.|weg|gasse|platz|allee|laan|gracht)\s+\d{1,5}[a-z]?\b", re.IGNORECASE
    ),
    re.compile(r"\bP\.?\s?O\.?\s+Box\s+\d+", re.IGNORECASE),
    re.compile(r"\b[A-Z]{2}\s+\d{5}(?:-\d{4})?\b"),  # US state + ZIP
    re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b"),  # UK postcode
    re.compile(r"\b[A-Z]\d[A-Z]\s?\d[A-Z]\d\b"),  # Canadian postcode
    # EU postcode + city after a comma or at a line start (75001 Paris, D-10115 Berlin), not "© 2024 Acme"
    re.compile(r"(?:^|[,;])[ \t]*(?:[A-Z]{1,2}-)?\d{4,5}[ \t]+[A-ZÄÖÜÉ][a-zäöüßéèà-]+", re.MULTILINE),
]
FOOTER_CHARS = 800  # the postal address must be in the last part of the text


@dataclass(frozen=True)
class Link:
    url: str  # after merge tags
    raw: str  # as written
    line: int
    label: str
    source: str  # "mj-button", "a", …


@dataclass(frozen=True)
class Image:
    """An image without alt text."""

    src: str
    line: int
    source: str  # "mj-image", "mj-carousel-image" or "img"


@dataclass(frozen=True)
class EmailFacts:
    links: tuple[Link, ...]
    images_without_alt: tuple[Image, ...]
    has_unsubscribe: bool

    @property
    def buttons(self) -> tuple[Link, ...]:
        """The `<mj-button>` links, in document order."""
        return tuple(link for link in self.links if link.source == "mj-button")


def resolve(value: str, data: Mapping[str, object]) -> str:
    """An attribute value as the reader gets it: merge tags filled, HTML entities decoded."""
    if "{{" in value or "{%" in value:
        try:
            value = merge_tags(value, data)
        except TemplateError:
            return value
    return html_lib.unescape(value) if "&" in value else value


def text_of(html: str) -> str:
    """The words of an HTML fragment, tags dropped, whitespace collapsed."""
    return " ".join(_TAG_STRIP_RE.sub(" ", html).split())


def _content(node) -> str:
    """A component's content with HTML comments blanked out (offsets kept: a comment becomes spaces)."""
    if "<!--" not in node.content:
        return node.content
    return _COMMENT_RE.sub(lambda match: " " * len(match.group()), node.content)


def _is_default(node) -> bool:
    return node.parent is not None and node.parent.tag in ("mj-attributes", "mj-class")


def _links(document: MJMLDocument, data: Mapping[str, object]) -> list[Link]:
    links: list[Link] = []
    for node in document.nodes:
        if _is_default(node):
            continue
        linked = node.tag in _LINK_TAGS or (node.tag in _IMAGE_TAGS and "href" in node.attributes)
        if linked and not (node.tag == "mj-social-element" and "href" not in node.attributes):
            raw = node.attributes.get("href")
            line = document.position(node.attribute_offset("href"))[0]
            base = (
                node.parent.attributes.get("base-url")
                if node.tag == "mj-navbar-link" and node.parent
                else None
            )
            if base and raw is not None:
                raw = urljoin(base, raw)  # mjml resolves a navbar link against its navbar's base-url
            label = (
                text_of(node.content) or node.attributes.get("alt", "") or node.attributes.get("title", "")
            )
            url = resolve(raw, data).strip() if raw is not None else ""
            links.append(Link(url, raw or "", line, label, node.tag))
        if node.content and "href" in node.content:
            content = _content(node)
            for match in _HREF_RE.finditer(content):
                raw = next((g for g in match.group(2, 3, 4) if g is not None), "")
                line = document.position(node.content_offset + match.start())[0]
                opened = content.find(">", match.end())
                end = content.find("</a", match.end())
                label = text_of(content[opened + 1 : end]) if -1 < opened < end else ""
                links.append(Link(resolve(raw, data).strip(), raw, line, label, "a"))
    return links


def _images_without_alt(document: MJMLDocument) -> list[Image]:
    images: list[Image] = []
    for node in document.nodes:
        if node.tag in _IMAGE_TAGS and "alt" not in node.attributes and not _is_default(node):
            images.append(Image(node.attributes.get("src", ""), node.line, node.tag))
        if node.content and "<img" in node.content.lower():
            for match in _IMG_RE.finditer(_content(node)):
                if not _ALT_RE.search(match.group(0)):
                    src = _SRC_RE.search(match.group(0))
                    images.append(
                        Image(
                            (src.group(1) or src.group(2) or "") if src else "",
                            document.position(node.content_offset + match.start())[0],
                            "img",
                        )
                    )
    return images


def _is_unsubscribe(link: Link, unsubscribe_url: str) -> bool:
    if "unsubscribe_url" in link.raw or (unsubscribe_url and link.url == unsubscribe_url):
        return True
    if _UNSUBSCRIBE_URL_RE.search(link.raw) or _UNSUBSCRIBE_URL_RE.search(link.url):
        return True
    return bool(_UNSUBSCRIBE_WORDS_RE.search(link.url) or _UNSUBSCRIBE_WORDS_RE.search(link.label))


def email_facts(document: MJMLDocument, data: Mapping[str, object] | None = None) -> EmailFacts:
    """The links, images without alt and unsubscribe link of a parsed MJML document.

    `data` fills merge tags in link URLs (the preview's merge data; `unsubscribe_url` among them).
    """
    data = data or {}
    links = _links(document, data)
    unsubscribe_url = str(data.get("unsubscribe_url", "")).strip()
    has_unsubscribe = any(_is_unsubscribe(link, unsubscribe_url) for link in links) or bool(
        _UNSUBSCRIBE_TAG_RE.search(_COMMENT_RE.sub("", document.source))
    )
    return EmailFacts(tuple(links), tuple(_images_without_alt(document)), has_unsubscribe)


def email_facts_of(mjml: str, snippets: Mapping[str, str] | None = None) -> EmailFacts:
    """`email_facts` of an MJML body with the standard merge data, remembered by a digest of the body.

    A journey check re-reads every email on each page rerun; only the bodies that changed are
    parsed again. The cache keeps digests, not bodies (a body may be 500 KB). `<mj-include>`s are
    resolved against `snippets` first, so a footer snippet's unsubscribe link counts (an include that
    cannot be resolved leaves the body as written: the pre-send checks report it).
    """
    from journey.core.errors import IncludeError
    from journey.write.includes import resolve_includes
    from journey.write.render import standard_merge_data

    mjml = mjml or ""
    with contextlib.suppress(IncludeError):
        mjml = resolve_includes(mjml, snippets)
    key = hashlib.blake2b(mjml.encode("utf-8", "surrogatepass"), digest_size=16).digest()
    with _CACHE_LOCK:
        if key in _CACHE:
            _CACHE.move_to_end(key)
            return _CACHE[key]
    facts = email_facts(parse_mjml(mjml), standard_merge_data())
    with _CACHE_LOCK:
        _CACHE[key] = facts
        if len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return facts


def clear_cache() -> None:
    """Forget the remembered facts (benchmarks measure a cold check with it)."""
    with _CACHE_LOCK:
        _CACHE.clear()


_CACHE: OrderedDict[bytes, EmailFacts] = OrderedDict()
_CACHE_LOCK = threading.Lock()
_CACHE_SIZE = 4096


def has_postal_address(text: str) -> bool:
    """True when the last part of an email's text holds a street address, PO box or postcode (CAN-SPAM)."""
    footer = text[-FOOTER_CHARS:]
    return any(pattern.search(footer) for pattern in _ADDRESS_RES)
