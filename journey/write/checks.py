"""Pre-send checks: everything that would hurt an email, as findings with rule, severity, message, fix, line.

`check_email(mjml, subject=..., preheader=..., data=..., cta_label=..., cta_url=...)` runs the rendering
pipeline once (`journey.write.render.preview`) and returns every finding: these rules, MJML validation and
sanitiser removals. It never raises for bad input: an email that cannot be rendered becomes an error
finding with its line (and the checks that need no rendering still run). `subject=None` skips the
subject rules (the CLI without --subject); an empty preheader falls back to the `<mj-preview>` text.
`findings_for(preview_result, ...)` checks an already rendered `journey.write.render.preview(...)` result, so a
page that shows the preview and the findings renders once.

Rules (id: severity):
    subject-missing: error             subject-too-long: warning (> 60 characters)
    preheader-missing: warning         preheader-length: warning (outside 40-100 characters)
    cta-missing: warning               cta-competing: warning (buttons to more than one place)
    link-empty: error                  link-malformed: error
    link-scheme: error (not http, https, mailto or tel)
    link-broken: warning (only with check_links=True: HEAD request, short timeout)
    image-alt-missing: warning         unsubscribe-missing: error
    html-too-large: error (> 102 KB, Gmail clips)    html-large: warning (from 90 KB)
    text-too-small: warning (body text under 14 px)  button-too-small: warning (under 44 px tall)
    width-too-wide: warning (content wider than 600 px)
    merge-tag-unresolved: error (merge tags left in the output that no other rule names, e.g. [[Name]])
    address-missing: warning (no postal address near the end: CAN-SPAM)
    brand-missing: warning (a {{ brand.… }} tag whose workspace brand field is empty: fill it on Settings)
    personalisation-missing: info (no merge tag besides the standard ones)
    template-placeholder: warning (a [bracketed instruction] of a template left in the text, e.g. the starter's)
Also returned, from the pipeline: mjml-unknown-tag, mjml-invalid-parent, mjml-include, mjml-no-root,
mjml-no-body, mjml-tag-mismatch (errors), mjml-unknown-attribute, mjml-invalid-value (warnings),
mjml-container (info: MJML 3, migrated); unsafe-script,
unsafe-event-handler, unsafe-javascript-url, unsafe-iframe, unsafe-form, unsafe-base,
unsafe-meta-refresh, unsafe-svg, unsafe-css, unsafe-url (errors: removed by the sanitiser), unreadable-css-url
(a warning: a CSS address removed because it cannot be read to its end); and when the email cannot
be rendered one of mjml-invalid, merge-tag-limit, input-too-large (errors). A merge tag that cannot be
filled does not stop the preview (it shows as a placeholder) and is an error finding: merge-tag-unknown,
merge-tag-syntax, merge-tag-include, or merge-tag-foreign (another engine's syntax, with its Liquid
equivalent in the fix); so is an include that names no snippet (mjml-include) or that forms a cycle
(mjml-include-cycle), which the preview leaves out.
Sizes are computed as MJML does: the attribute, else its mj-class, else mj-attributes for the tag,
else mj-all, else the component's default (mj-text 13 px; mj-button 13 px, line-height 120%,
inner-padding 10px 25px).
"""

from __future__ import annotations

import html as html_lib
import re
import urllib.error
import urllib.request
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from urllib.parse import SplitResult, urlsplit

from journey.core.errors import TemplateError
from journey.core.findings import Finding
from journey.core.text import line_of
from journey.write.brand import BRAND_LABELS, SETTINGS_PAGE
from journey.write.facts import EmailFacts, Link, email_facts, has_postal_address, resolve, text_of
from journey.write.merge import merge_variables
from journey.write.mjml_validation import MJMLDocument, MJMLNode
from journey.write.render import STANDARD_MERGE_TAGS, Preview, preview

SUBJECT_MAX = 60
PREHEADER_MIN, PREHEADER_MAX = 40, 100
HTML_CLIP_BYTES = 102 * 1024
HTML_WARN_BYTES = 90 * 1024
MIN_TEXT_PX = 14.0
MIN_TAP_PX = 44.0
MAX_WIDTH_PX = 600.0
LINK_SCHEMES = ("http", "https", "mailto", "tel")

_DEFAULTS = {
    "mj-text": {"font-size": "13px", "line-height": "1"},
    "mj-button": {"font-size": "13px", "line-height": "120%", "inner-padding": "10px 25px"},
    "mj-body": {"width": "600px"},
}
_INLINE_FONT_RE = re.compile(r"font-size\s*:\s*(\d+(?:\.\d+)?)px", re.IGNORECASE)
_INLINE_WIDTH_RE = re.compile(r"""(?<![-\w])width\s*(?::\s*|=\s*["']?)(\d+(?:\.\d+)?)(px)?""", re.IGNORECASE)
_ESP_TAG_RE = re.compile(
    r"\*\|[A-Z0-9_:]+\|\*|%%[A-Za-z0-9_]+%%|\{\{\s*[^}]*\}\}|\{%[^%]*%\}|\[\[[A-Za-z0-9_ ]+\]\]"
)


def _f(rule, severity, message, fix, line=None) -> Finding:
    return Finding(rule=rule, severity=severity, message=message, fix=fix, line=line)


# --- effective attributes (mj-attributes, mj-class, defaults) ----------------------------------


class _Attributes:
    """Attribute lookup in MJML's order: inline, mj-class, mj-attributes tag, mj-all, default."""

    def __init__(self, document: MJMLDocument) -> None:
        self.by_tag: dict[str, dict[str, str]] = {}
        self.all: dict[str, str] = {}
        self.classes: dict[str, dict[str, str]] = {}
        for block in document.find("mj-attributes"):
            for child in block.children:
                if child.tag == "mj-all":
                    self.all.update(child.attributes)
                elif child.tag == "mj-class":
                    name = child.attributes.get("name", "")
                    self.classes[name] = {k: v for k, v in child.attributes.items() if k != "name"}
                else:
                    self.by_tag.setdefault(child.tag, {}).update(child.attributes)

    def get(self, node: MJMLNode, name: str) -> str | None:
        if name in node.attributes:
            return node.attributes[name]
        for class_name in reversed(node.attributes.get("mj-class", "").split()):
            if name in self.classes.get(class_name, {}):
                return self.classes[class_name][name]
        if name in self.by_tag.get(node.tag, {}):
            return self.by_tag[node.tag][name]
        if name in self.all:
            return self.all[name]
        return _DEFAULTS.get(node.tag, {}).get(name)


def _px(value: str | None, *, relative_to: float | None = None) -> float | None:
    """A CSS length in px ('16px', '1.5' and '120%' relative to a font size), or None."""
    if not value:
        return None
    value = value.strip().lower()
    match = re.fullmatch(r"(-?\d+(?:\.\d+)?)(px|%|em|rem|pt)?", value)
    if match is None:
        return None
    number, unit = float(match.group(1)), match.group(2)
    if unit in (None, "px") and (unit == "px" or relative_to is None):
        return number
    if unit == "pt":
        return number * 4 / 3
    if relative_to is None:
        return None
    if unit == "%":
        return relative_to * number / 100
    return relative_to * number  # unitless, em, rem


def _box(value: str | None) -> tuple[float, float, float, float]:
    """CSS padding shorthand → (top, right, bottom, left) in px (percentages count as 0)."""
    parts = [(_px(p) or 0.0) for p in (value or "").split()]
    if not parts:
        return (0.0, 0.0, 0.0, 0.0)
    if len(parts) == 1:
        return (parts[0],) * 4  # type: ignore[return-value]
    if len(parts) == 2:
        return (parts[0], parts[1], parts[0], parts[1])
    if len(parts) == 3:
        return (parts[0], parts[1], parts[2], parts[1])
    return (parts[0], parts[1], parts[2], parts[3])


# --- the rules ---------------------------------------------------------------------------------


def _subject_rules(subject: str) -> list[Finding]:
    subject = subject.strip()
    if not subject:
        return [
            _f(
                "subject-missing",
                "error",
                "The email has no subject.",
                "Write a subject of about 30-50 characters.",
            )
        ]
    if len(subject) > SUBJECT_MAX:
        return [
            _f(
                "subject-too-long",
                "warning",
                f"The subject is {len(subject)} characters; phones show about 30-40 and desktops 60-70.",
                f"Shorten it to {SUBJECT_MAX} characters or fewer, with the key words first.",
            )
        ]
    return []


def _preheader_rules(preheader: str) -> list[Finding]:
    preheader = preheader.strip()
    if not preheader:
        return [
            _f(
                "preheader-missing",
                "warning",
                "The email has no preheader, so inboxes show the first words of the body instead.",
                f"Write a preheader of {PREHEADER_MIN}-{PREHEADER_MAX} characters that adds to the subject.",
            )
        ]
    if not PREHEADER_MIN <= len(preheader) <= PREHEADER_MAX:
        return [
            _f(
                "preheader-length",
                "warning",
                f"The preheader is {len(preheader)} characters; inboxes show {PREHEADER_MIN}-{PREHEADER_MAX}.",
                f"Make it {PREHEADER_MIN}-{PREHEADER_MAX} characters long.",
            )
        ]
    return []


def _split(url: str) -> SplitResult | None:
    """urlsplit, or None for an address it cannot parse (e.g. 'http://[::1')."""
    try:
        return urlsplit(url)
    except ValueError:
        return None


def _malformed(url: str, parts) -> bool:
    if re.search(r"\s", url):
        return True
    if parts.scheme.lower() in ("mailto", "tel"):
        return not parts.path.strip()
    try:
        host = parts.hostname or ""
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError:
        return True
    return not host or ("." not in host and host != "localhost")


def _link_rules(links: tuple[Link, ...]) -> list[Finding]:
    findings = []
    for link in links:
        url = link.url
        what = "button" if link.source == "mj-button" else "link"
        name = f" '{link.label[:40]}'" if link.label else ""
        if _ESP_TAG_RE.search(url):
            continue  # reported as merge-tag-unresolved
        if not url or url == "#":
            findings.append(
                _f(
                    "link-empty",
                    "error",
                    f"The {what}{name} has no link (href is empty).",
                    "Set href to the page it should open (https://…).",
                    link.line,
                )
            )
            continue
        parts = _split(url)
        scheme = parts.scheme.lower() if parts else ""
        if parts is None:
            findings.append(
                _f(
                    "link-malformed",
                    "error",
                    f"The {what}{name} points to '{url[:80]}', which is not a valid address.",
                    "Check the address for brackets, spaces or typos.",
                    link.line,
                )
            )
        elif not scheme:
            findings.append(
                _f(
                    "link-malformed",
                    "error",
                    f"The {what}{name} points to '{url[:80]}', which is not a full web address.",
                    "Write the whole address, starting with https://.",
                    link.line,
                )
            )
        elif scheme not in LINK_SCHEMES:
            findings.append(
                _f(
                    "link-scheme",
                    "error",
                    f"The {what}{name} uses '{scheme}:'; emails may only link to http, https, mailto and tel.",
                    "Link to an https:// page instead.",
                    link.line,
                )
            )
        elif _malformed(url, parts):
            findings.append(
                _f(
                    "link-malformed",
                    "error",
                    f"The {what}{name} points to '{url[:80]}', which is not a valid address.",
                    "Check the address for spaces, a missing domain or typos.",
                    link.line,
                )
            )
    return findings


def _cta_rules(facts: EmailFacts, cta_label: str, cta_url: str) -> list[Finding]:
    links, buttons = facts.links, facts.buttons
    findings = []
    cta_found = bool(buttons)
    if cta_url:
        wanted = cta_url.strip().rstrip("/")
        cta_found = any(link.url.rstrip("/") == wanted for link in links)
    if cta_label and cta_found:
        label = cta_label.strip().lower()
        if not any(label in link.label.lower() for link in links):
            findings.append(
                _f(
                    "cta-missing",
                    "warning",
                    f"The call to action '{cta_label}' does not appear as a button or link text.",
                    "Use the planned call-to-action label on the button, or update the plan.",
                    buttons[0].line if buttons else None,
                )
            )
    if not cta_found:
        findings.append(
            _f(
                "cta-missing",
                "warning",
                "The email has no primary call to action"
                + (f" (nothing links to {cta_url})." if cta_url else " (no button)."),
                "Add one <mj-button href=\"…\"> with a strong verb, e.g. 'Start your trial'.",
            )
        )
    targets = {link.url.rstrip("/") for link in buttons}
    if len(targets) > 1:
        findings.append(
            _f(
                "cta-competing",
                "warning",
                f"{len(buttons)} buttons lead to {len(targets)} different places; they compete for the click.",
                "Keep one primary button; make the others plain text links.",
                buttons[1].line,
            )
        )
    return findings


def _image_rules(facts: EmailFacts) -> list[Finding]:
    return [
        _f(
            "image-alt-missing",
            "warning",
            "An <img> has no alt text; many inboxes block images."
            if image.source == "img"
            else f"The image {image.src[:60]} has no alt text; many inboxes block images.",
            'Add alt="…" saying what the image shows.'
            if image.source == "img"
            else 'Add alt="…" saying what the image shows (alt="" only for pure decoration).',
            image.line,
        )
        for image in facts.images_without_alt
    ]


def _unsubscribe_rules(facts: EmailFacts) -> list[Finding]:
    if facts.has_unsubscribe:
        return []
    return [
        _f(
            "unsubscribe-missing",
            "error",
            "The email has no unsubscribe link; Gmail, Yahoo and CAN-SPAM require an easy opt-out.",
            'Add <a href="{{ unsubscribe_url }}">Unsubscribe</a> to the footer.',
        )
    ]


def _size_rules(html: str) -> list[Finding]:
    size = len(html.encode("utf-8"))
    if size > HTML_CLIP_BYTES:
        return [
            _f(
                "html-too-large",
                "error",
                f"The HTML is {size / 1024:.0f} KB; Gmail clips emails over 102 KB, hiding the footer and unsubscribe link.",
                "Cut content or repeated blocks, and move long text to a web page.",
            )
        ]
    if size >= HTML_WARN_BYTES:
        return [
            _f(
                "html-large",
                "warning",
                f"The HTML is {size / 1024:.0f} KB, close to Gmail's 102 KB clipping limit.",
                "Trim content so edits and tracking don't push it over 102 KB.",
            )
        ]
    return []


def _mobile_rules(document: MJMLDocument, attributes: _Attributes) -> list[Finding]:
    findings = []
    for node in document.nodes:
        if node.parent is not None and node.parent.tag in ("mj-attributes",):
            continue
        if node.tag == "mj-text":
            size = _px(attributes.get(node, "font-size"))
            if size is not None and size < MIN_TEXT_PX:
                findings.append(
                    _f(
                        "text-too-small",
                        "warning",
                        f"Text at {size:g} px is hard to read on a phone (at least {MIN_TEXT_PX:g} px, 16 px is better).",
                        'Set font-size="16px" on the text, its mj-class or <mj-attributes><mj-text>.',
                        node.line,
                    )
                )
            elif node.content and "font-size" in node.content:
                for match in _INLINE_FONT_RE.finditer(node.content):
                    if float(match.group(1)) < MIN_TEXT_PX:
                        findings.append(
                            _f(
                                "text-too-small",
                                "warning",
                                f"Inline text at {match.group(1)} px is hard to read on a phone.",
                                f"Use at least {MIN_TEXT_PX:g} px (16 px is better).",
                                document.position(node.content_offset + match.start())[0],
                            )
                        )
                        break
        elif node.tag == "mj-button":
            font = _px(attributes.get(node, "font-size")) or 13.0
            line_height = _px(attributes.get(node, "line-height"), relative_to=font) or font * 1.2
            top, _, bottom, _ = _box(attributes.get(node, "inner-padding"))
            height = line_height + top + bottom
            explicit = _px(attributes.get(node, "height"))
            if explicit is not None:
                height = max(height, explicit)
            if height < MIN_TAP_PX:
                findings.append(
                    _f(
                        "button-too-small",
                        "warning",
                        f"The button is about {height:.0f} px tall; fingers need at least {MIN_TAP_PX:g} px.",
                        'Raise inner-padding (e.g. inner-padding="14px 28px" with line-height="20px") or set height="48px".',
                        node.line,
                    )
                )
    return findings


def _width_rules(document: MJMLDocument, attributes: _Attributes) -> list[Finding]:
    findings = []
    for node in document.nodes:
        if node.parent is not None and node.parent.tag == "mj-attributes":
            continue
        if node.tag in (
            "mj-body",
            "mj-column",
            "mj-group",
            "mj-image",
            "mj-button",
            "mj-divider",
            "mj-table",
            "mj-text",
        ):
            raw = attributes.get(node, "width") if node.tag == "mj-body" else node.attributes.get("width")
            width = _px(raw) if raw and not raw.strip().endswith("%") else None
            if width is not None and width > MAX_WIDTH_PX:
                findings.append(
                    _f(
                        "width-too-wide",
                        "warning",
                        f"<{node.tag}> is {width:g} px wide; emails should be at most {MAX_WIDTH_PX:g} px.",
                        'Use width="600px" or less (or a percentage).',
                        node.line,
                    )
                )
        if node.content and "width" in node.content and node.tag in ("mj-raw", "mj-text", "mj-table"):
            for match in _INLINE_WIDTH_RE.finditer(node.content):
                if float(match.group(1)) > MAX_WIDTH_PX:
                    findings.append(
                        _f(
                            "width-too-wide",
                            "warning",
                            f"An element inside <{node.tag}> is {match.group(1)} px wide; emails should be at most {MAX_WIDTH_PX:g} px.",
                            "Use a width of 600 px or less, or max-width with width:100%.",
                            document.position(node.content_offset + match.start())[0],
                        )
                    )
                    break
    return findings


def _merge_rules(result: Preview, source: str) -> list[Finding]:
    findings = []
    email = result.email
    leftovers = _ESP_TAG_RE.findall(html_lib.unescape(email.html)) if email else []
    seen = set(result.placeholders)  # each reported already, with its engine and line
    for tag in leftovers:
        if tag in seen:
            continue
        seen.add(tag)
        index = source.find(tag)
        line = line_of(source, index) if index != -1 else None
        findings.append(
            _f(
                "merge-tag-unresolved",
                "error",
                f"The merge tag {tag[:40]} is left unfilled in the email; readers would see it as is.",
                'Use this studio\'s Liquid syntax, e.g. {{ first_name | default: "there" }}.',
                line,
            )
        )
    try:
        variables = merge_variables(source)
    except TemplateError:
        variables = ["?"]  # the merge error is reported already
    if not [name for name in variables if name not in (*STANDARD_MERGE_TAGS, "brand")]:
        findings.append(
            _f(
                "personalisation-missing",
                "info",
                "The email has no personal merge tag; the same email for everyone reads as generic.",
                'Greet the reader by name: Hi {{ first_name | default: "there" }},',
            )
        )
    return findings


# A template's instruction to the writer: two or more words in single square brackets ([[Name]] is a tag).
_PLACEHOLDER_RE = re.compile(r"(?<!\[)\[(?=[^\]\n]*[A-Za-z])[^\[\]\n]*?\S\s+\S[^\[\]\n]*\](?!\])")


def _placeholder_rules(text: str, source: str) -> list[Finding]:
    placeholders = _PLACEHOLDER_RE.findall(text)
    if not placeholders:
        return []
    first = placeholders[0]
    offset = source.find(first)
    count = len(placeholders)
    which = (
        f"{count} template placeholders in square brackets, the first"
        if count > 1
        else "a template placeholder,"
    )
    return [
        _f(
            "template-placeholder",
            "warning",
            f"The email still has {which} {first}: it would be sent as written.",
            "Write your own copy in place of each [bracketed instruction], or delete it.",
            line_of(source, offset) if offset >= 0 else None,
        )
    ]


def _address_rules(text: str, source: str) -> list[Finding]:
    if has_postal_address(text):
        return []
    uses_brand = _brand_tags(source).get("address")
    fix = (
        "The footer's {{ brand.address }} is empty: fill in the workspace's postal address on "
        f"{SETTINGS_PAGE}."
        if uses_brand
        else "Add your street address or PO box to the footer, e.g. '214 Alder Street, Portland, OR 97209', "
        f"or write {{{{ brand.address }}}} there and fill it in once on {SETTINGS_PAGE}."
    )
    return [
        _f(
            "address-missing",
            "warning",
            "No postal address found in the footer; CAN-SPAM requires a valid physical postal address.",
            fix,
            uses_brand,
        )
    ]


_BRAND_TAG_RE = re.compile(r"\{[{%][^{}]*?\bbrand\.(\w+)")
_SOURCE_COMMENT_RE = re.compile(r"<!--.*?-->", re.DOTALL)


def _brand_tags(source: str) -> dict[str, int]:
    """The brand fields the merge tags read, each with the line it is first read on (comments left out)."""
    source = _SOURCE_COMMENT_RE.sub(lambda match: re.sub(r"[^\n]", " ", match.group()), source)
    used: dict[str, int] = {}
    for match in _BRAND_TAG_RE.finditer(source):
        used.setdefault(match.group(1), line_of(source, match.start(1)))
    return used


def _and(words: list[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _brand_rules(source: str, data: Mapping[str, object]) -> list[Finding]:
    """A `{{ brand.… }}` tag whose workspace brand field is empty (the address has its own rule)."""
    brand = data.get("brand")
    if not isinstance(brand, Mapping):
        return []
    empty = {
        name: line
        for name, line in _brand_tags(source).items()
        if name != "address" and name in BRAND_LABELS and not str(brand.get(name) or "").strip()
    }
    if not empty:
        return []
    listed = _and([BRAND_LABELS[name].lower() for name in empty])
    tags = _and([f"{{{{ brand.{name} }}}}" for name in empty])
    return [
        _f(
            "brand-missing",
            "warning",
            f"The email uses {tags}, but the workspace brand has no {listed} yet, so it shows empty.",
            f"Fill in the brand once on {SETTINGS_PAGE}; every email that uses it gets it.",
            min(empty.values()),
        )
    ]


def _head_ok(url: str, timeout: float) -> str | None:
    """None when the link answers below 400, else a short reason."""
    for method in ("HEAD", "GET"):
        request = urllib.request.Request(
            url, method=method, headers={"User-Agent": "email-journey-map link check"}
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - http(s) only
                if response.status < 400:
                    return None
                reason = f"HTTP {response.status}"
        except urllib.error.HTTPError as exc:
            reason = f"HTTP {exc.code}"
            if exc.code in (405, 501) and method == "HEAD":
                continue
        except (urllib.error.URLError, TimeoutError, OSError, ValueError) as exc:
            reason = str(getattr(exc, "reason", exc))[:80]
        return reason
    return reason


def check_links_live(links: tuple[Link, ...] | list[Link], *, timeout: float = 3.0) -> list[Finding]:
    """HEAD every distinct http(s) link (GET when HEAD is refused); a warning for each that fails."""
    urls = sorted({link.url for link in links if (p := _split(link.url)) and p.scheme in ("http", "https")})
    if not urls:
        return []
    with ThreadPoolExecutor(max_workers=min(8, len(urls))) as pool:
        reasons = dict(zip(urls, pool.map(lambda url: _head_ok(url, timeout), urls), strict=True))
    findings = []
    for link in links:
        reason = reasons.pop(link.url, None)
        if reason:
            findings.append(
                _f(
                    "link-broken",
                    "warning",
                    f"The link {link.url[:80]} does not answer ({reason}).",
                    "Check the address in a browser and fix or remove the link.",
                    link.line,
                )
            )
    return findings


def check_email(
    mjml: str,
    *,
    subject: str | None,
    preheader: str | None,
    data: Mapping[str, object] | None = None,
    cta_label: str = "",
    cta_url: str = "",
    check_links: bool = False,
    link_timeout: float = 3.0,
    snippets: Mapping[str, str] | None = None,
) -> list[Finding]:
    """Every finding for the email (pre-send rules + MJML validation + sanitiser); never raises for bad input.

    `snippets` (name → MJML) resolves `<mj-include>`s: the checks see the included content.
    """
    result = preview(mjml, data, preheader=preheader or "", snippets=snippets)
    return findings_for(
        result,
        subject=subject,
        preheader=preheader,
        cta_label=cta_label,
        cta_url=cta_url,
        check_links=check_links,
        link_timeout=link_timeout,
    )


def findings_for(
    result: Preview,
    *,
    subject: str | None,
    preheader: str | None,
    cta_label: str = "",
    cta_url: str = "",
    check_links: bool = False,
    link_timeout: float = 3.0,
) -> list[Finding]:
    """The pre-send findings for an already rendered `preview(...)` result (render once, check once)."""
    findings = result.findings + _preheader_rules(preheader or _mj_preview(result))
    if subject is not None:
        findings += _subject_rules(subject)
    document = result.document
    if document is None or document.root is None or result.email is None:
        return findings
    attributes = _Attributes(document)
    facts = email_facts(document, result.data)
    findings += _cta_rules(
        facts, cta_label, resolve(cta_url, result.data)
    )  # a merge tag filled, as the links are
    findings += _link_rules(facts.links)
    findings += _image_rules(facts)
    findings += _unsubscribe_rules(facts)
    findings += _size_rules(result.email.html)
    findings += _mobile_rules(document, attributes)
    findings += _width_rules(document, attributes)
    findings += _merge_rules(result, result.source)
    findings += _address_rules(result.email.text, result.source)
    findings += _placeholder_rules(result.email.text, result.source)
    findings += _brand_rules(result.source, result.data)
    if check_links:
        findings += check_links_live(facts.links, timeout=link_timeout)
    return findings


def _mj_preview(result: Preview) -> str:
    if result.document is None:
        return ""
    # an <mj-preview> inside <mj-attributes> only gives defaults: mjml ignores its text
    nodes = [
        n for n in result.document.find("mj-preview") if not (n.parent and n.parent.tag == "mj-attributes")
    ]
    return resolve(text_of(nodes[0].content), result.data) if nodes else ""


@dataclass(frozen=True)
class CheckedRender:
    """One render of an email for the studio: sanitised HTML and text (None when it cannot render), findings."""

    html: str | None
    text: str | None
    findings: list[Finding]

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]


def render_and_check(
    mjml: str,
    data: Mapping[str, object] | None = None,
    *,
    subject: str | None,
    preheader: str = "",
    cta_label: str = "",
    cta_url: str = "",
    snippets: Mapping[str, str] | None = None,
) -> CheckedRender:
    """Merge tags → MJML → sanitised HTML + text, and every pre-send finding, errors first (one render)."""
    from journey.core.findings import sorted_findings

    result = preview(mjml, data, preheader=preheader, snippets=snippets)
    findings = findings_for(
        result, subject=subject, preheader=preheader, cta_label=cta_label, cta_url=cta_url
    )
    email = result.email
    return CheckedRender(
        email.html if email else None, email.text if email else None, sorted_findings(findings)
    )
