"""The email rendering pipeline: merge tags → MJML → sanitised HTML + plain text, with findings.

One pure pipeline that the studio page, the CLI and the tests all call:

    render_email(mjml, data, preheader="", strict=True) -> RenderedEmail(html, text, findings)
        raises TemplateError (merge tags; line, column), InvalidMJML (line, column) or InputTooLarge;
        strict (what a send uses) also refuses any merge tag left unfilled or in another engine's syntax
    preview(mjml, data, preheader="") -> Preview
        never raises for bad input: the same work, with the error (if any) kept as `error` and the
        parsed MJML document, so `journey.write.checks.check_email` does not render twice. A merge tag
        that cannot be filled (an unknown field, a tag Liquid cannot parse, another engine's tag) does
        not stop it: it shows as a placeholder, its own text on a highlighted background (plain text
        inside an attribute such as href), and its error is kept in `tag_errors`
    standard_merge_data(persona_merge_data, brand=..., unsubscribe_url=..., view_in_browser_url=...) -> dict
    preview_src(html, remote_images=False) -> "data:text/html;base64,…" with a CSP meta, for st.iframe:
        the preview stays a preview (below)
    preview_document(html, remote_images=False) -> the same document as text, for a sandboxed iframe's srcdoc

Steps: (0) every `<mj-include>` replaced by its snippet from `snippets` (`journey.write.includes`; an
include that names no snippet, or a cycle, is an error finding with its line and is left out, so the
preview still renders; `render_email`, which sends use, raises it as IncludeError); (1) size and nesting guard (mjml-python crashes the process on deep nesting);
(2) MJML validation on the source as written, so lines match the editor; (3) Liquid merge tags in a
sandbox (`journey.write.merge.merge_preview`: placeholders for tags it cannot fill); (4) the guard again on the merged text; (5) mjml-python with an
`include_loader` that never reads a file; (6) the preheader, if given (its merge tags filled too),
replaces `<mj-preview>`;
(6b) the placeholders filled in;
(7) nh3 with an email allowlist (`journey.write.sanitize`); (8) a plain-text alternative from the clean HTML.
`data` is laid over `standard_merge_data()`, so `unsubscribe_url`, `view_in_browser_url` and `brand` always exist.

The preview stays a preview. Streamlit draws `st.iframe` with a sandbox of its own that a caller cannot
change (`allow-forms allow-modals allow-popups allow-popups-to-escape-sandbox allow-same-origin
allow-scripts allow-downloads`, streamlit's frontend `IFrameUtil`): it has no `allow-top-navigation`, so the
email can never navigate the app's page, but it allows scripts, and a remote page loaded *into* the frame
would run them under its own origin, out of reach of our CSP. So the defence is the document itself:
- the sanitiser leaves no script, form, `<base>`, meta refresh or `javascript:` address, and the CSP
  (`default-src 'none'`: no script, frame, font, fetch or stylesheet; `form-action 'none'`,
  `base-uri 'none'`) stops what a sanitiser bug would let through. CSP has no rule that stops a frame
  navigating (`navigate-to` was dropped from the spec, no browser ships it), hence:
- every link gets `target="_blank" rel="noopener noreferrer"` (any target the email set is replaced), so
  a click opens the address in a new tab (allowed by `allow-popups`, unsandboxed by
  `allow-popups-to-escape-sandbox`, with no opener and no referrer) and the frame keeps the email; a link
  is the only thing left in the sanitised HTML that can navigate.
- remote images load only with `remote_images=True` (the studio's "Load remote images", off by default
  as in mail clients): off, the CSP's `img-src` is `data:` only (the `cid:` placeholders are data:
  images), so no tracking pixel, `background=` or CSS `url()` is fetched, and
  `journey.write.views.remote_images_off` draws each remote `<img>` as a box of its size with its alt text.
"""

from __future__ import annotations

import base64
import html as html_lib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

import mjml

from journey.core.errors import IncludeError, InputTooLarge, InvalidMJML, JourneyError, TemplateError
from journey.core.findings import Finding
from journey.core.text import line_column, normalize_newlines, plural
from journey.write.brand import Brand
from journey.write.includes import expand_includes
from journey.write.merge import fill_placeholders, merge_preview
from journey.write.mjml_validation import (
    MJMLDocument,
    guard_input,
    locate_parse_error,
    parse_mjml,
    prepare_for_renderer,
    validate_document,
    validate_mjml,
)
from journey.write.sanitize import sanitize_html

STANDARD_MERGE_TAGS = ("unsubscribe_url", "view_in_browser_url")
DEFAULT_UNSUBSCRIBE_URL = "https://example.com/unsubscribe"
DEFAULT_VIEW_IN_BROWSER_URL = "https://example.com/view-in-browser"

_CSP = "default-src 'none'; img-src {images}; style-src 'unsafe-inline'; form-action 'none'; base-uri 'none'"
PREVIEW_CSP = _CSP.format(
    images="data:"
)  # the default: nothing is fetched (cid: images are data: placeholders)
REMOTE_IMAGES_CSP = _CSP.format(images="https: http: data:")  # "Load remote images" on

_POSITION_RE = re.compile(r"at position (\d+):(\d+)")
_BODY_OPEN_RE = re.compile(r"<body\b[^>]*>", re.IGNORECASE)
_PREVIEW_DIV_RE = re.compile(r'\A<div style="display:none;font-size:1px;[^"]*">.*?</div>', re.DOTALL)
_PREVIEW_STYLE = "display:none;font-size:1px;color:#ffffff;line-height:1px;max-height:0px;max-width:0px;opacity:0;overflow:hidden;"


@dataclass(frozen=True)
class RenderedEmail:
    html: str  # sanitised HTML, safe to show
    text: str  # plain-text alternative
    findings: list[Finding] = field(
        default_factory=list
    )  # validation + sanitiser (+ merge issues), with lines


@dataclass(frozen=True)
class Preview:
    """Everything one pipeline run learned; `email` is None when `error` says why it could not render."""

    source: str
    document: MJMLDocument | None  # the MJML as written (None when the guard refused it)
    merged: str  # the MJML after merge tags ("" when the merge failed)
    data: dict[str, object]
    email: RenderedEmail | None
    error: JourneyError | None
    validation: tuple[Finding, ...] = ()  # the MJML validation findings, kept when the email cannot render
    tag_errors: tuple[TemplateError, ...] = ()  # merge tags shown as placeholders, in source order
    placeholders: tuple[str, ...] = ()  # those tags as written
    include_errors: tuple[IncludeError, ...] = ()  # includes left out of the preview, in source order

    @property
    def findings(self) -> list[Finding]:
        """Every finding, the error and each unfilled merge tag included (as error findings with lines)."""
        findings = [error_finding(exc) for exc in self.tag_errors]
        findings += list(self.email.findings) if self.email else list(self.validation)
        if self.error is not None:
            error = error_finding(self.error)
            # the renderer's refusal says what the structure finding at its line says: keep one
            said = ("mjml-tag-mismatch", "mjml-no-root")
            findings = [f for f in findings if not (f.rule in said and f.line == error.line)]
            findings.insert(0, error)
        return findings

    @property
    def strict_error(self) -> JourneyError | None:
        """What refuses a send: the error, else the first include left out, else the first unfilled merge tag
        (with how many there are)."""
        if self.error is not None or not (self.tag_errors or self.include_errors):
            return self.error
        if self.include_errors:
            return self.include_errors[0]
        first = self.tag_errors[0]
        more = len(self.tag_errors) - 1
        suffix = f" ({plural(more, 'more merge-tag problem')}; run the checks.)" if more else ""
        return TemplateError(
            f"{first.message}{suffix}",
            rule=first.rule,
            field=first.field,
            line=first.line,
            column=first.column,
            fix=first.fix,
        )


def error_finding(exc: JourneyError) -> Finding:
    """A JourneyError from the pipeline as an error Finding (rule from its kind)."""
    rule = getattr(exc, "rule", None) or {
        InvalidMJML: "mjml-invalid",
        TemplateError: "merge-tag-error",
        InputTooLarge: "input-too-large",
    }.get(type(exc), "render-error")
    fixes = {
        "mjml-invalid": "Fix the MJML at that line: close every tag, quote attribute values, write &lt; for a bare <.",
        "input-too-large": "Make the email smaller or flatter.",
        "mjml-include": "Create the snippet on the Snippets page, or fix the include's path.",
        "mjml-include-cycle": "Remove one of the includes so no snippet includes itself.",
    }
    return Finding(
        rule=rule,
        severity="error",
        message=exc.message,
        fix=getattr(exc, "fix", "") or fixes.get(rule, "Fix the merge tag at that line."),
        line=exc.line,
        column=exc.column,
    )


def standard_merge_data(
    persona_merge_data: Mapping[str, str] | None = None,
    *,
    brand: Mapping[str, str] | None = None,
    unsubscribe_url: str = DEFAULT_UNSUBSCRIBE_URL,
    view_in_browser_url: str = DEFAULT_VIEW_IN_BROWSER_URL,
) -> dict[str, object]:
    """The merge data every email gets: unsubscribe_url, view_in_browser_url, the persona's fields and
    `brand` (the workspace brand's fields, journey.write.brand; empty with default colours when not given).
    `brand` is the workspace's: a persona field of that name does not replace it."""
    data: dict[str, object] = {"unsubscribe_url": unsubscribe_url, "view_in_browser_url": view_in_browser_url}
    for name, value in (persona_merge_data or {}).items():
        data[str(name)] = "" if value is None else str(value)
    data["brand"] = {**Brand().merge_fields(), **(brand or {})}
    return data


def _refuse_include(path: str) -> str:
    """mj-include never reads a file in the studio (validation reports it as an error finding)."""
    return ""


def byte_position(text: str, byte_offset: int) -> tuple[int, int]:
    """1-based (line, column in characters) of a UTF-8 byte offset, as mjml-python reports positions."""
    offset = len(text.encode("utf-8")[:byte_offset].decode("utf-8", "ignore"))
    return line_column(text, offset)


def _mjml_error(exc: ValueError, source: str, merged: str) -> InvalidMJML:
    """Turn mjml-python's bare ValueError into InvalidMJML with a line, column and readable message."""
    line, column, reason = locate_parse_error(source)
    if line is None and merged != source:
        line, column, reason = locate_parse_error(merged)
    if line is None:
        match = _POSITION_RE.search(str(exc))
        if match:
            line, column = byte_position(merged, int(match.group(1)))
    detail = _POSITION_RE.sub("", str(exc)).replace(" in root template", "").strip()
    if reason:
        message = f"The MJML cannot be rendered: {reason}."
    elif line is not None:
        message = f"The MJML cannot be rendered ({detail})."
    else:
        message = f"The MJML cannot be rendered ({detail}). Check that every tag is closed and attribute values are quoted."
    return InvalidMJML(message, line=line, column=column, field="mjml")


PLACEHOLDER_STYLE = (
    "background-color:#fff3bf;color:#5c3c00;border:1px dashed #d9a400;border-radius:3px;"
    "padding:0 2px;font-family:monospace"
)
_RAW_TEXT_TAGS = ("title", "style", "script", "textarea")


def _plain_here(html: str, offset: int) -> bool:
    """True where markup would not be read as markup: inside a tag (attribute values), a comment, <title>…"""
    if html.rfind("<", 0, offset) > html.rfind(">", 0, offset):
        return True
    if html.rfind("<!--", 0, offset) > html.rfind("-->", 0, offset):
        return True
    lowered = html[:offset].lower()
    return any(lowered.rfind(f"<{tag}") > lowered.rfind(f"</{tag}") for tag in _RAW_TEXT_TAGS)


def placeholder_html(html: str, tags: tuple[str, ...]) -> str:
    """The placeholders in rendered HTML: the tag's own text, escaped, highlighted in text, plain in attributes."""

    def show(tag: str, offset: int) -> str:
        text = html_lib.escape(tag, quote=True)
        if _plain_here(html, offset):
            return text
        return f'<span style="{PLACEHOLDER_STYLE}" title="Merge tag not filled">{text}</span>'

    return fill_placeholders(html, tags, show)


def _set_preheader(html: str, preheader: str) -> str:
    body = _BODY_OPEN_RE.search(html)
    if body is None:
        return html
    div = f'<div style="{_PREVIEW_STYLE}">{html_lib.escape(preheader)}</div>'
    rest = html[body.end() :]
    rest = _PREVIEW_DIV_RE.sub("", rest, count=1)
    return html[: body.end()] + div + rest


_COMMENT_RE = re.compile(r"<!--.*?-->", re.DOTALL)
_HIDDEN_RE = re.compile(
    r"<(style|head|title|script)\b.*?</\1\s*>|<div\b[^>]*display:\s*none[^>]*>.*?</div\s*>",
    re.DOTALL | re.IGNORECASE,
)
_LINK_RE = re.compile(
    r"""<a\b[^<>]*?\bhref\s*=\s*(?:"([^"]*)"|'([^']*)')[^>]*>(.*?)</a\s*>""", re.DOTALL | re.IGNORECASE
)
_BREAK_RE = re.compile(r"<br\b[^>]*>", re.IGNORECASE)
_RULE_RE = re.compile(r"<hr\b[^>]*>", re.IGNORECASE)
_BLOCK_RE = re.compile(
    r"</?(?:p|div|tr|table|h[1-6]|li|ul|ol|blockquote|center|section|header|footer|article)\b[^>]*>",
    re.IGNORECASE,
)
_ANY_TAG_RE = re.compile(r"<[^>]*>")
_SPACES_RE = re.compile(r"[ \t\r\f\v\xa0]+")
_LINE_EDGES_RE = re.compile(r" ?\n ?")
_BLANK_LINES_RE = re.compile(r"\n\n\n+")


def _link_text(match: re.Match[str]) -> str:
    href = html_lib.unescape(match.group(1) if match.group(1) is not None else match.group(2) or "")
    label = match.group(3)
    if not href or href.startswith(("mailto:", "tel:", "#")):
        return label
    return f"{label} ({href})"


def html_to_text(html: str) -> str:
    """A plain-text alternative for `html`: blocks become lines, links keep their URL, hidden parts are dropped."""
    body = _BODY_OPEN_RE.search(html)
    text = html[body.end() :] if body else html
    text = _COMMENT_RE.sub("", text)
    text = _HIDDEN_RE.sub("", text)
    text = _LINK_RE.sub(_link_text, text)
    text = _BREAK_RE.sub("\n", text)
    text = _RULE_RE.sub("\n---\n", text)
    text = _BLOCK_RE.sub("\n", text)
    text = html_lib.unescape(_ANY_TAG_RE.sub("", text))
    text = _LINE_EDGES_RE.sub("\n", _SPACES_RE.sub(" ", text))
    return _BLANK_LINES_RE.sub("\n\n", text).strip() + "\n"


def preview(
    mjml_source: str,
    data: Mapping[str, object] | None = None,
    *,
    preheader: str = "",
    snippets: Mapping[str, str] | None = None,
) -> Preview:
    """Run the whole pipeline once; never raises for bad input (the error is kept in `.error`).

    CRLF line ends (a template saved on Windows, many public ones) are read as LF first: the renderer
    refuses a tag whose `>` follows a CR, and lines stay the same. `snippets` (name → MJML) is the
    library `<mj-include>`s resolve against; `.source` is the email with its snippets in place.
    """
    mjml_source = normalize_newlines(mjml_source)
    merge_data: dict[str, object] = {**standard_merge_data(), **(data or {})}
    mjml_source, include_problems = expand_includes(mjml_source, snippets)
    include_findings = [error_finding(problem) for problem in include_problems]
    try:
        guard_input(mjml_source)
    except InputTooLarge as exc:
        return Preview(mjml_source, None, "", merge_data, None, exc)
    document = parse_mjml(mjml_source)
    findings = include_findings + validate_document(document)
    kept = tuple(findings)
    try:
        merge = merge_preview(mjml_source, merge_data)
    except TemplateError as exc:
        return Preview(mjml_source, document, "", merge_data, None, exc, kept)
    merged, tags, tag_errors = merge.text, merge.tags, merge.errors
    partial = {"validation": kept, "tag_errors": tag_errors, "placeholders": tags}
    if merged is not mjml_source:
        try:
            guard_input(merged, what="The email after merge tags")
        except InputTooLarge as exc:
            return Preview(mjml_source, document, merged, merge_data, None, exc, **partial)
    try:
        raw_html = mjml.mjml2html(prepare_for_renderer(merged), include_loader=_refuse_include)
    except ValueError as exc:
        error = _mjml_error(exc, mjml_source, merged)
        return Preview(mjml_source, document, merged, merge_data, None, error, **partial)
    except BaseException as exc:  # a Rust panic surfaces as pyo3's PanicException (a BaseException)
        if type(exc).__name__ != "PanicException":
            raise
        error = _mjml_error(ValueError(str(exc)), mjml_source, merged)
        return Preview(mjml_source, document, merged, merge_data, None, error, **partial)
    if document.problems and merged != mjml_source:
        # The renderer took it, so what confused our parser was Liquid (e.g. {% if %} inside a tag):
        # validate the merged MJML instead (lines are then those of the merged text).
        findings = include_findings + validate_mjml(merged)
    raw_html = placeholder_html(raw_html, tags)
    if preheader:
        try:
            merged_preheader = merge_preview(preheader, merge_data, field="preheader")
        except TemplateError as exc:
            error = _preheader_error(exc)
            return Preview(mjml_source, document, merged, merge_data, None, error, **partial)
        preheader = fill_placeholders(
            merged_preheader.text, merged_preheader.tags, lambda tag, _: html_lib.escape(tag)
        )
        tag_errors += tuple(_preheader_error(exc) for exc in merged_preheader.errors)
        tags += merged_preheader.tags
        raw_html = _set_preheader(raw_html, html_lib.unescape(preheader))
    clean_html, removed = sanitize_html(raw_html, source=mjml_source)
    email = RenderedEmail(html=clean_html, text=html_to_text(clean_html), findings=findings + removed)
    return Preview(
        mjml_source,
        document,
        merged,
        merge_data,
        email,
        None,
        tag_errors=tag_errors,
        placeholders=tags,
        include_errors=tuple(include_problems),
    )


def _preheader_error(exc: TemplateError) -> TemplateError:
    """A merge-tag error of the preheader: said so, with no line (the preheader is one field)."""
    where = f"column {exc.column}: " if exc.column is not None else ""
    return TemplateError(
        f"Preheader: {where}{exc.message}",
        field="preheader",
        line=None,
        column=exc.column,
        rule=exc.rule,
        fix=exc.fix,
    )


def render_email(
    mjml_source: str,
    data: Mapping[str, object] | None = None,
    *,
    preheader: str = "",
    snippets: Mapping[str, str] | None = None,
    strict: bool = True,
) -> RenderedEmail:
    """Merge tags → MJML → sanitised HTML and text. Raises TemplateError, InvalidMJML, InputTooLarge or IncludeError.

    `strict` (the default, what a send uses) refuses any merge tag left as a placeholder and any include
    left out; with strict=False the email comes back with them, each one an error finding.
    """
    result = preview(mjml_source, data, preheader=preheader, snippets=snippets)
    error = result.strict_error if strict else result.error
    if error is not None:
        raise error
    assert result.email is not None
    return result.email


# An image attached to the message (src="cid:…") exists only in a sent email: the preview shows this grey box.
CID_PLACEHOLDER = "data:image/svg+xml;base64," + base64.b64encode(
    b'<svg xmlns="http://www.w3.org/2000/svg" width="600" height="120" viewBox="0 0 600 120">'
    b'<rect width="600" height="120" fill="#e5e7eb"/><text x="300" y="66" font-family="Arial" '
    b'font-size="18" fill="#4b5563" text-anchor="middle">Attached image (cid:)</text></svg>'
).decode("ascii")
_CID_SRC_RE = re.compile(r"""(<img\b[^<>]*?\ssrc\s*=\s*)(["'])\s*cid:[^"']*\2""", re.IGNORECASE)


_LINK_OPEN_RE = re.compile(r"""<a(?=[\s>/])(?:[^>"']|"[^"]*"|'[^']*')*>""", re.IGNORECASE)
_ATTRIBUTE_RE = re.compile(r"""([^\s=/>"']+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s"'>]+))?""")
NEW_TAB = ' target="_blank" rel="noopener noreferrer"'


def links_in_new_tab(html: str) -> str:
    """Every `<a>` opening in a new tab, with no opener and no referrer, whatever target it had."""

    def rewrite(match: re.Match[str]) -> str:
        inside = match.group()[2:-1].removesuffix("/")
        kept = [
            attribute.group()
            for attribute in _ATTRIBUTE_RE.finditer(inside)
            if attribute.group(1).lower() not in ("target", "rel")
        ]
        return "<a" + "".join(f" {attribute}" for attribute in kept) + NEW_TAB + ">"

    return _LINK_OPEN_RE.sub(rewrite, html)


def preview_src(html: str, *, remote_images: bool = False) -> str:
    """A data: URL for st.iframe: the HTML with a CSP meta that blocks scripts and remote loads (opaque origin).

    Links open in a new tab (`links_in_new_tab`), never in the frame. Remote images are fetched only with
    `remote_images=True`; `cid:` images (attachments, kept in the email's HTML) show as a placeholder.
    """
    document = preview_document(html, remote_images=remote_images)
    return "data:text/html;base64," + base64.b64encode(document.encode("utf-8")).decode("ascii")


def preview_document(html: str, *, remote_images: bool = False) -> str:
    """The HTML as a document with a CSP meta first in its head (scripts, and remote loads unless
    `remote_images`, blocked; links open in a new tab), for a sandboxed iframe's `srcdoc`; `cid:` images
    show as a placeholder."""
    if "cid:" in html:
        html = _CID_SRC_RE.sub(lambda m: f"{m.group(1)}{m.group(2)}{CID_PLACEHOLDER}{m.group(2)}", html)
    html = links_in_new_tab(html)
    csp = REMOTE_IMAGES_CSP if remote_images else PREVIEW_CSP
    meta = f'<meta http-equiv="Content-Security-Policy" content="{csp}">'
    match = re.search(r"<head\b[^>]*>", html, re.IGNORECASE)
    if match:
        document = html[: match.end()] + meta + html[match.end() :]
    else:
        document = f"<!doctype html><html><head>{meta}</head><body>{html}</body></html>"
    return document
