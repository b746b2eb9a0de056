"""MJML validation like the official renderer's soft mode, with lines, plus the safety guards.

mjml-python renders without validating anything, and no Python library validates MJML (the
official validator is the `mjml-validator` npm package), so the studio parses the MJML itself, and
tests/test_mjml_validation.py checks its findings and schema against the official package's output:

- `parse_mjml(source)` → `MJMLDocument`: the tree of `mj-*` components (tag, attributes, line,
  column, raw content of ending tags such as mj-text) and the structural problems found on the way
  (a tag never closed, a stray closing tag, an unclosed quote, a bare `<`…). Merge tags may sit in
  attribute values and text; they are left alone.
- `validate_mjml(source)` → findings: unknown `mj-*` tags, attributes a component does not accept,
  invalid values (units, colours, alignments…), components in a parent that does not allow them,
  `mj-include` (never read in the studio). Each with its line and a fix. The schema is
  `journey.write.mjml_schema` (from the official component sources).
- `guard_input(source)` raises `InputTooLarge` before anything reaches the renderer when the source
  is over `MAX_INPUT_BYTES` or nests deeper than `MAX_NESTING` (mjml-python crashes the whole
  process with SIGSEGV at about 1,850 levels).
- `locate_parse_error(source)` explains why the renderer refused a source, with line and column.
"""

from __future__ import annotations

import difflib
import html as html_lib
import re
from dataclasses import dataclass, field
from functools import cache

from journey.core.errors import InputTooLarge
from journey.core.findings import Finding
from journey.core.text import line_starts_of, position
from journey.write.mjml_schema import (
    ALL_ATTRIBUTE_NAMES,
    ATTRIBUTES,
    CHILDREN,
    COMMON_ATTRIBUTES,
    ENDING_TAGS,
)

MAX_INPUT_BYTES = 500_000
MAX_NESTING = 200

VOID_ELEMENTS = frozenset(
    {
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "param",
        "source",
        "track",
        "wbr",
    }
)

_ATTR = r"""[^\s=/<>"']+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>"'=`]+))?"""
_TAG_RE = re.compile(rf"<(/?)([A-Za-z][\w:.-]*)((?:\s+{_ATTR})*)\s*(/?)>")
_ATTR_RE = re.compile(r"""([^\s=/<>"']+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"'=`]+)))?""")
_ATTR_NAME_RE = re.compile(r"[A-Za-z_:][\w:.-]*")
_UNQUOTED_RE = re.compile(r"""\s[^\s=/>"']+\s*=\s*[^\s>"'=`]""")
# Other engines' merge tags, masked before parsing: Handlebars/Mustache {{{…}}} {{…}}, Liquid/Jinja/Django
# {%…%} {#…#}, Mailchimp *|…|*, Salesforce %%…%%, ERB/EJS <%…%>.
_MERGE_SPAN_RE = re.compile(  # no span crosses a brace (or '<' for ERB): linear even when tags are left open
    r"\{\{\{[^{}]*\}\}\}|\{\{[^{}]*\}\}|\{%[^{}]*%\}|\{#[^{}]*#\}|\*\|[^|<>\n]{1,200}?\|\*|%%[^%<>\n]{1,200}?%%|<%[^<]*?%>"
)
MASK = "\ue000"  # a private-use character: no tag, quote or space, so the MJML around a merge tag parses as written
_NOT_NEWLINE_RE = re.compile(r"[^\n]")
# Any tag, for the nesting guard (C-speed findall, no attribute parsing).
_DEPTH_TAG_RE = re.compile(r"<(/?)([A-Za-z][\w:.-]*)[^<>]*?(/?)>")


def mask_merge_tags(source: str) -> str:
    """`source` with every merge-tag span replaced by as many MASK characters (newlines kept, positions unchanged)."""
    if "{" not in source and "*|" not in source and "%%" not in source and "<%" not in source:
        return source
    return _MERGE_SPAN_RE.sub(lambda match: _NOT_NEWLINE_RE.sub(MASK, match.group()), source)


@dataclass
class MJMLNode:
    """One mj-* component in the source."""

    tag: str
    attributes: dict[str, str]
    offset: int  # index of '<' in the source
    line: int
    column: int
    parent: MJMLNode | None = None
    children: list[MJMLNode] = field(default_factory=list)
    content: str = ""  # raw content of an ending tag (mj-text, mj-button, mj-raw…)
    content_offset: int = 0
    raw_attributes: str = ""  # the attribute text as written, starting at raw_offset
    raw_offset: int = 0

    def attribute_offset(self, name: str) -> int:
        """Where attribute `name` is written (the tag's '<' when it is not there)."""
        for match in _ATTR_RE.finditer(self.raw_attributes):
            if match.group(1).lower() == name:
                return self.raw_offset + match.start()
        return self.offset

    def iter(self):
        """This node and all its descendants, in document order."""
        yield self
        for child in self.children:
            yield from child.iter()


@dataclass
class MJMLDocument:
    source: str
    root: MJMLNode | None
    nodes: list[MJMLNode]
    problems: list[tuple[int, str]]  # (offset, message) in the order found: why a renderer would refuse it
    line_starts: list[int]

    def position(self, offset: int) -> tuple[int, int]:
        return position(self.line_starts, offset)

    def find(self, tag: str) -> list[MJMLNode]:
        return [node for node in self.nodes if node.tag == tag]


def _attributes(raw: str, original: str | None = None) -> dict[str, str]:
    """Attributes of a tag: found in `raw` (the masked text), read from `original` (the text as written)."""
    if not raw:
        return {}
    if original is None or original == raw:
        return {
            name.lower(): double or single or bare for name, double, single, bare in _ATTR_RE.findall(raw)
        }
    attributes = {}
    for match in _ATTR_RE.finditer(raw):
        group = next((g for g in (2, 3, 4) if match.group(g) is not None), None)
        value = original[match.start(group) : match.end(group)] if group else ""
        attributes[original[match.start(1) : match.end(1)].lower()] = value
    return attributes


@cache  # called with the ending tags only (mj-text, mj-raw…): a handful of patterns
def _close_re(tag: str) -> re.Pattern[str]:
    return re.compile(rf"</{re.escape(tag)}\s*>")


_RAW_TAG_LIMIT = 4096


def _raw_tag(text: str, lt: int) -> str:
    """The text of a tag that did not parse: up to its '>' or the next '<', at most 4 KB (keeps scans linear)."""
    end = min(len(text), lt + _RAW_TAG_LIMIT)
    gt = text.find(">", lt + 1, end)
    nxt = text.find("<", lt + 1, end)
    stop = min(gt + 1 if gt != -1 else end, nxt if nxt != -1 else end)
    return text[lt:stop]


def _unquoted_problem(raw_attributes: str, offset: int, problems: list[tuple[int, str]]) -> None:
    """Attributes mjml-python refuses (HTML allows them): values without quotes, odd characters in names."""
    match = _UNQUOTED_RE.search(raw_attributes)
    if match is not None:
        problems.append((offset + match.start() + 1, 'an attribute value without quotes; write name="value"'))
        return
    for match in _ATTR_RE.finditer(raw_attributes):
        name = match.group(1)
        if (
            _ATTR_NAME_RE.fullmatch(name) is None
            and MASK not in name
            and "{{" not in name
            and "{%" not in name
        ):
            problems.append(
                (offset + match.start(), f"the attribute name '{name[:30]}' has characters MJML cannot read")
            )
            return


def _stray_lt(text: str, lt: int, not_closed: str) -> str:
    """What is wrong with a '<' that starts no tag: an unquoted attribute, `not_closed`, or a bare '<'."""
    nxt = text[lt + 1 : lt + 2]
    if nxt.isalpha() or nxt == "/":
        if _UNQUOTED_RE.search(_raw_tag(text, lt)):
            return 'an attribute value without quotes; write name="value"'
        return not_closed
    return "a bare '<' in the text; write &lt; instead"


def _html_problems(content: str, base: int, problems: list[tuple[int, str]]) -> None:
    """Unclosed HTML elements, bare '<' and unquoted attributes inside an ending tag's content."""
    stack: list[tuple[str, int]] = []
    pos = 0
    while True:
        lt = content.find("<", pos)
        if lt == -1:
            break
        if content.startswith("<!--", lt):
            end = content.find("-->", lt + 4)
            if end == -1:
                problems.append((base + lt, "an HTML comment <!-- is never closed with -->"))
                return
            pos = end + 3
            continue
        match = _TAG_RE.match(content, lt)
        if match is None:
            if content.startswith("<!", lt):
                pos = lt + 2
                continue
            problems.append(
                (
                    base + lt,
                    _stray_lt(content, lt, "a tag that is not closed properly (check its quotes and '>')"),
                )
            )
            pos = lt + 1
            continue
        closing, name, raw_attributes, self_closing = match.groups()
        name = name.lower()
        if closing and (name == "mjml" or name.startswith("mj-")):
            problems.append((base + lt, f"</{name}> inside the text of a component; close the text first"))
        if raw_attributes:
            _unquoted_problem(raw_attributes, base + lt + 1 + len(name), problems)
        if closing:
            _close_html(stack, name, base, problems)
        elif not self_closing and name not in VOID_ELEMENTS:
            stack.append((name, lt))
        pos = match.end()
    for unclosed, offset in stack:
        problems.append((base + offset, f"<{unclosed}> is opened but never closed"))


def _close_html(stack: list[tuple[str, int]], name: str, base: int, problems: list[tuple[int, str]]) -> None:
    """Close the innermost open `name`: what was opened inside it and is still open was never closed."""
    for index in range(len(stack) - 1, -1, -1):
        if stack[index][0] == name:
            for unclosed, offset in stack[index + 1 :]:
                problems.append((base + offset, f"<{unclosed}> is opened but never closed"))
            del stack[index:]
            return


def parse_mjml(source: str, *, html_problems: bool = False) -> MJMLDocument:
    """Parse the mj-* structure of `source`; never raises. `html_problems` also checks HTML inside ending tags.

    Merge tags of any engine are masked first (`mask_merge_tags`), so a `{% if %}` or `*|IF:X|*` between
    or inside tags changes nothing; attribute values and contents are read from the text as written.
    """
    original = source
    source = mask_merge_tags(source)
    line_starts = line_starts_of(source)
    nodes: list[MJMLNode] = []
    problems: list[tuple[int, str]] = []
    stack: list[MJMLNode] = []
    html_open: list[tuple[str, int, int]] = []  # HTML elements outside ending tags: (tag, offset, depth)
    root: MJMLNode | None = None
    pos = 0
    length = len(source)
    while pos < length:
        lt = source.find("<", pos)
        if lt == -1:
            break
        match = _TAG_RE.match(source, lt)
        if match is None:  # a comment, a declaration or a stray '<'
            pos = _after_non_tag(source, lt, problems)
            continue
        closing, tag, raw_attributes, self_closing = match.groups()
        tag = tag.lower()
        pos = match.end()
        if raw_attributes:
            _unquoted_problem(raw_attributes, lt + 1 + len(tag), problems)
        if not (tag == "mjml" or tag.startswith("mj-")):
            # HTML outside mj-text/mj-raw: mjml-python accepts it, but not when it is left open
            _track_html(
                html_open, tag, lt, len(stack), closing=bool(closing), self_closing=bool(self_closing)
            )
            continue
        if closing:
            _close_component(stack, html_open, tag, lt, problems)
            continue
        line, column = position(line_starts, lt)
        parent = stack[-1] if stack else None
        raw_offset = lt + len(tag) + 1
        written = original[raw_offset : raw_offset + len(raw_attributes)]
        node = MJMLNode(
            tag, _attributes(raw_attributes, written), lt, line, column, parent,
            raw_attributes=written, raw_offset=raw_offset,
        )  # fmt: skip
        nodes.append(node)
        if parent is not None:
            parent.children.append(node)
        elif root is None:
            root = node
        else:
            problems.append((lt, f"<{tag}> comes after the closing </{root.tag}>"))
        if self_closing:
            continue
        if tag in ENDING_TAGS:
            pos = _read_content(source, node, pos, problems, html_problems=html_problems)
            node.content = original[node.content_offset : node.content_offset + len(node.content)]
            continue
        stack.append(node)
    for unclosed_tag, offset, _ in reversed(html_open):
        problems.append((offset, f"<{unclosed_tag}> is opened but never closed"))
    for unclosed in reversed(stack):  # innermost first: that is the one to close
        problems.append((unclosed.offset, f"<{unclosed.tag}> is opened but never closed"))
    if root is not None:
        _tail_problem(source, root, problems)
    return MJMLDocument(original, root, nodes, problems, line_starts)


def _after_non_tag(source: str, lt: int, problems: list[tuple[int, str]]) -> int:
    """Where parsing goes on after a '<' that opens no tag (the end when a comment is never closed)."""
    if source.startswith("<!--", lt):
        end = source.find("-->", lt + 4)
        if end == -1:
            problems.append((lt, "an HTML comment <!-- is never closed with -->"))
            return len(source)
        return end + 3
    if source.startswith("<!", lt) or source.startswith("<?", lt):
        return lt + 2
    problems.append(
        (lt, _stray_lt(source, lt, "a tag that is not closed properly (check its quotes and its '>')"))
    )
    return lt + 1


def _track_html(
    html_open: list[tuple[str, int, int]], tag: str, lt: int, depth: int, *, closing: bool, self_closing: bool
) -> None:
    """Keep the HTML elements open outside ending tags (with the component depth they were opened at)."""
    if closing:
        for index in range(len(html_open) - 1, -1, -1):
            if html_open[index][0] == tag:
                del html_open[index:]
                return
    elif not self_closing and tag not in VOID_ELEMENTS:
        html_open.append((tag, lt, depth))


def _close_component(
    stack: list[MJMLNode],
    html_open: list[tuple[str, int, int]],
    tag: str,
    lt: int,
    problems: list[tuple[int, str]],
) -> None:
    """Close the innermost open `tag`; what was opened inside it and is still open was never closed."""
    for index in range(len(stack) - 1, -1, -1):
        if stack[index].tag == tag:
            while html_open and html_open[-1][2] > index:
                unclosed_tag, offset, _ = html_open.pop()
                problems.append((offset, f"<{unclosed_tag}> is opened but never closed"))
            for unclosed in stack[index + 1 :]:
                problems.append((unclosed.offset, f"<{unclosed.tag}> is opened but never closed"))
            del stack[index:]
            return
    problems.append((lt, f"</{tag}> closes a tag that is not open"))


def _read_content(
    source: str, node: MJMLNode, pos: int, problems: list[tuple[int, str]], *, html_problems: bool
) -> int:
    """Take an ending tag's raw content (mj-text…) into `node`; where parsing goes on (the end when never closed)."""
    close = _close_re(node.tag).search(source, pos)
    if close is None:
        problems.append((node.offset, f"<{node.tag}> is opened but never closed"))
        node.content, node.content_offset = source[pos:], pos
        return len(source)
    node.content, node.content_offset = source[pos : close.start()], pos
    if html_problems and node.tag not in ("mj-style", "mj-title", "mj-preview"):
        _html_problems(node.content, pos, problems)
    return close.end()


def _tail_problem(source: str, root: MJMLNode, problems: list[tuple[int, str]]) -> None:
    """Text after the closing root tag (comments and Liquid tags are fine there)."""
    tail = source[_root_end(source, root) :].strip().strip(MASK).strip()
    if tail and not tail.startswith("<!--"):
        problems.append((source.rfind(tail[:20]), "there is text after the closing </mjml>"))


def _root_end(source: str, root: MJMLNode) -> int:
    end = source.rfind(f"</{root.tag}")
    if end == -1:
        return len(source)
    gt = source.find(">", end)
    return gt + 1 if gt != -1 else len(source)


# --- what mjml 4 does before rendering ---------------------------------------------------------

_CONTAINER_OPEN_RE = re.compile(r"(<mj-body\b)[^>]*?(/?)>(\s*)<mj-container\b([^>]*?)\s*>")
_CONTAINER_CLOSE_RE = re.compile(r"</mj-container\s*>(\s*)</mj-body\s*>")
_COMMENT_RE = re.compile(r"<!--.*?-->", re.DOTALL)
_ATTRIBUTES_BLOCK_RE = re.compile(r"(<mj-attributes\b[^>]*>)(.*?)(</mj-attributes\s*>)", re.DOTALL)
_HTML_ATTRIBUTES_RE = re.compile(r"<mj-html-attributes\b.*?</mj-html-attributes\s*>", re.DOTALL)
_ELEMENT_WITH_CONTENT_RE = re.compile(r"<(mj-[\w-]+)((?:\s[^<>]*?)?)(?<!/)>(.*?)</\1\s*>", re.DOTALL)


_BACKGROUND_URL_RE = re.compile(r"""(\sbackground-url\s*=\s*)(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)
# what ends or escapes a CSS url('…') or url(…): the quotes (also as the entities XML reads), brackets,
# a backslash, white space
_CSS_URL_BREAKERS_RE = re.compile(r"&(?:apos|quot|#0*39|#0*34|#x0*27|#x0*22);|['\"()\\ \t]", re.IGNORECASE)


def _percent_encode(match: re.Match[str]) -> str:
    text = match.group()
    char = html_lib.unescape(text) if text.startswith("&") else text
    return f"%{ord(char):02X}"


def _css_safe_background(match: re.Match[str]) -> str:
    value = match.group(2) if match.group(2) is not None else match.group(3)
    return f'{match.group(1)}"{_CSS_URL_BREAKERS_RE.sub(_percent_encode, value)}"'


def _blank(match: re.Match[str]) -> str:
    return "\n" * match.group(0).count("\n")


def _defaults_only(block: re.Match[str]) -> str:
    """Inside <mj-attributes> a child only gives default attributes: its content goes (mjml ignores it;
    mjml-python refuses it, as it refuses the comments there and the per-tag children of an mj-class)."""
    children = _COMMENT_RE.sub(_blank, block.group(2))
    children = _ELEMENT_WITH_CONTENT_RE.sub(
        lambda m: f"<{m.group(1)}{m.group(2)} />" + "\n" * m.group(3).count("\n"), children
    )
    return block.group(1) + children + block.group(3)


def prepare_for_renderer(source: str) -> str:
    """`source` as mjml 4 reads it, for mjml-python (which refuses or ignores these):

    - MJML 3's `<mj-container>` as the first child of `<mj-body>` is migrated like mjml-migrate does:
      `<mj-body>` takes the container's attributes (not its own) and the container's content;
    - an element with content inside `<mj-attributes>` (e.g. `<mj-preview>Hi</mj-preview>`, or an
      `<mj-class>` with per-tag children) gives only default attributes, so its content is dropped, and so
      are comments there (mjml-python refuses both);
    - `<mj-html-attributes>` (data-* attributes set on the output by CSS selector), which mjml-python
      refuses, is left out of the preview: the email looks the same without it.
    - a `background-url` (mj-section, mj-wrapper, mj-hero) goes into CSS as `url('…')` as written, so a
      quote in it ends the CSS string early (a real template's `…1960's+-+70's+(2).jpg`): its quotes,
      brackets, backslashes and spaces are percent-encoded, which names the same file.
    Lines are kept (a dropped part's newlines stay).
    """
    if "background-url" in source:
        source = _BACKGROUND_URL_RE.sub(_css_safe_background, source)
    if "<mj-html-attributes" in source:
        source = _HTML_ATTRIBUTES_RE.sub(lambda m: "\n" * m.group(0).count("\n"), source)
    if "<mj-container" in source:
        opened = _CONTAINER_OPEN_RE.search(source)
        closed = _CONTAINER_CLOSE_RE.search(source)
        if opened is not None and closed is not None and not opened.group(2):
            head = source[: opened.start()] + f"{opened.group(1)}{opened.group(4)}>" + opened.group(3)
            middle = source[opened.end() : closed.start()]
            tail = closed.group(1) + "</mj-body>" + source[closed.end() :]
            source = head + middle + tail
    if "<mj-attributes" in source and "</mj-" in source:
        source = _ATTRIBUTES_BLOCK_RE.sub(_defaults_only, source)
    return source


# --- guards ------------------------------------------------------------------------------------


def nesting_depth(source: str) -> int:
    """The deepest element nesting in `source` (all tags, mj-* and HTML alike; void elements don't nest).

    Deliberately simple and conservative (tags inside comments count too): it only has to keep input
    that could crash the renderer away from it.
    """
    depth = deepest = 0
    void = VOID_ELEMENTS
    for closing, name, self_closing in _DEPTH_TAG_RE.findall(source):
        if closing:
            if depth:
                depth -= 1
        elif not self_closing and name.lower() not in void:
            depth += 1
            if depth > deepest:
                deepest = depth
    return deepest


def guard_input(source: str, *, what: str = "The email") -> None:
    """Raise InputTooLarge when `source` is over the size or nesting limit (before any renderer sees it)."""
    size = len(source.encode("utf-8", "surrogatepass"))
    if size > MAX_INPUT_BYTES:
        raise InputTooLarge(
            f"{what} is {size / 1000:,.0f} KB; the limit is {MAX_INPUT_BYTES // 1000} KB. "
            "Split it or remove inline images and repeated blocks.",
            field="mjml",
        )
    if source.count("<") <= MAX_NESTING:
        return
    depth = nesting_depth(source)
    if depth > MAX_NESTING:
        raise InputTooLarge(
            f"{what} nests elements {depth:,} levels deep; the limit is {MAX_NESTING}. "
            "Close your tags, or flatten the layout.",
            field="mjml",
        )


def locate_parse_error(source: str) -> tuple[int | None, int | None, str]:
    """Why a renderer refused `source`: (line, column, message) of the first structural problem."""
    nul = source.find("\x00")
    if nul != -1:
        line, column = position(line_starts_of(source), nul)
        return line, column, "there is an invisible NUL character; delete it"
    document = parse_mjml(source, html_problems=True)
    if document.root is None:
        return 1, 1, "there is no <mjml> root element; an email starts with <mjml> and ends with </mjml>"
    if document.root.tag != "mjml" and not document.find("mj-body") and document.root.tag in _BODY_PARTS:
        line, column = document.position(document.root.offset)
        return line, column, partial_message(document.root.tag).rstrip(".")
    if document.problems:
        offset, message = document.problems[0]
        line, column = document.position(offset)
        return line, column, message
    return None, None, ""


# --- value types -------------------------------------------------------------------------------

_NAMED_COLOURS = frozenset(
    """aliceblue antiquewhite aqua aquamarine azure beige bisque black blanchedalmond blue blueviolet brown
    burlywood cadetblue chartreuse chocolate coral cornflowerblue cornsilk crimson cyan darkblue darkcyan
    darkgoldenrod darkgray darkgreen darkgrey darkkhaki darkmagenta darkolivegreen darkorange darkorchid darkred
    darksalmon darkseagreen darkslateblue darkslategray darkslategrey darkturquoise darkviolet deeppink
    deepskyblue dimgray dimgrey dodgerblue firebrick floralwhite forestgreen fuchsia gainsboro ghostwhite gold
    goldenrod gray green greenyellow grey honeydew hotpink indianred indigo ivory khaki lavender lavenderblush
    lawngreen lemonchiffon lightblue lightcoral lightcyan lightgoldenrodyellow lightgray lightgreen lightgrey
    lightpink lightsalmon lightseagreen lightskyblue lightslategray lightslategrey lightsteelblue lightyellow lime
    limegreen linen magenta maroon mediumaquamarine mediumblue mediumorchid mediumpurple mediumseagreen
    mediumslateblue mediumspringgreen mediumturquoise mediumvioletred midnightblue mintcream mistyrose moccasin
    navajowhite navy oldlace olive olivedrab orange orangered orchid palegoldenrod palegreen paleturquoise
    palevioletred papayawhip peachpuff peru pink plum powderblue purple rebeccapurple red rosybrown royalblue
    saddlebrown salmon sandybrown seagreen seashell sienna silver skyblue slateblue slategray slategrey snow
    springgreen steelblue tan teal thistle tomato turquoise violet wheat white whitesmoke yellow yellowgreen
    transparent inherit initial currentcolor none""".split()  # noqa: SIM905
)
_COLOUR_RE = re.compile(
    r"#(?:[0-9a-f]{3}|[0-9a-f]{4}|[0-9a-f]{6}|[0-9a-f]{8})|"
    r"rgba?\(\s*\d{1,3}%?\s*,\s*\d{1,3}%?\s*,\s*\d{1,3}%?\s*(?:,\s*(?:\d*\.)?\d+%?\s*)?\)|"
    r"hsla?\(\s*\d{1,3}(?:deg)?\s*,\s*\d{1,3}%\s*,\s*\d{1,3}%\s*(?:,\s*(?:\d*\.)?\d+%?\s*)?\)",
    re.IGNORECASE,
)
_TYPE_RE = re.compile(r"^(unitWithNegative|unit|enum)\(([^)]*)\)(?:\{(\d+),(\d+)\})?$")


@dataclass(frozen=True)
class ValueType:
    kind: str  # string, color, boolean, integer, enum, unit
    options: tuple[str, ...] = ()
    least: int = 1
    most: int = 1
    pattern: re.Pattern[str] | None = None

    def accepts(self, value: str) -> bool:
        value = value.strip()
        if self.kind == "string":
            return True
        if self.kind == "color":
            return value.lower() in _NAMED_COLOURS or _COLOUR_RE.fullmatch(value) is not None
        if self.kind == "boolean":
            return value in ("true", "false")
        if self.kind == "integer":
            return value.isdigit()
        if self.kind == "enum":
            return value in self.options
        return self.pattern is not None and self.pattern.fullmatch(value) is not None

    def describe(self) -> str:
        if self.kind == "color":
            return "a colour such as #1a73e8, rgb(26,115,232) or a colour name"
        if self.kind == "boolean":
            return "true or false"
        if self.kind == "integer":
            return "a whole number"
        if self.kind == "enum":
            return "one of " + ", ".join(repr(o) for o in self.options if o)
        units = [u for u in self.options if u]
        bare = "" in self.options
        what = " or ".join(units) + (" or a bare number" if bare else "")
        count = "a size" if self.most == 1 else f"{self.least} to {self.most} sizes (e.g. '10px 25px')"
        return f"{count} in {what}"


@cache
def value_type(spec: str) -> ValueType:
    """Compile an official type spec such as `unit(px,%){1,4}` (cached)."""
    if spec in ("string", "color", "boolean", "integer"):
        return ValueType(spec)
    match = _TYPE_RE.match(spec)
    if match is None:
        return ValueType("string")
    kind, raw_options, least, most = match.groups()
    options = tuple(o.strip() for o in raw_options.split(","))
    if kind == "enum":
        return ValueType("enum", options)
    least_n, most_n = int(least or 1), int(most or 1)
    sign = "-?" if kind == "unitWithNegative" else ""
    units = "|".join(re.escape(u) for u in sorted((u for u in options if u), key=len, reverse=True))
    words = [u for u in options if u.isalpha() and u not in ("px", "em", "rem", "pt")]
    number = rf"{sign}(?:\d+(?:\.\d+)?|\.\d+)"
    unit_part = f"(?:{units})" if units else ""
    if "" in options:
        unit_part += "?"
    one = rf"(?:{number}{unit_part}|{sign}0|{'|'.join(words) if words else '(?!)'})"
    pattern = re.compile(rf"{one}(?:\s+{one}){{{least_n - 1},{most_n - 1}}}", re.IGNORECASE)
    return ValueType("unit", options, least_n, most_n, pattern)


# --- validation --------------------------------------------------------------------------------


def _has_merge_tag(value: str) -> bool:
    return _MERGE_SPAN_RE.search(value) is not None or "{{" in value or "{%" in value


def _suggest(word: str, choices) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.75)
    return f" Did you mean '{close[0]}'?" if close else ""


def _finding(
    rule: str, severity: str, message: str, fix: str, node: MJMLNode, line: int | None = None
) -> Finding:
    return Finding(rule=rule, severity=severity, message=message, fix=fix, line=line or node.line)  # type: ignore[arg-type]


def _check_attributes(
    document: MJMLDocument, node: MJMLNode, allowed: dict[str, str], findings: list[Finding]
):
    for name, value in node.attributes.items():
        line = (
            document.position(node.attribute_offset(name))[0]
            if node.raw_attributes.count("\n")
            else node.line
        )
        spec = allowed.get(name)
        if spec is None:
            if name in COMMON_ATTRIBUTES or _has_merge_tag(name):
                continue
            findings.append(
                _finding(
                    "mjml-unknown-attribute",
                    "warning",
                    f"<{node.tag}> does not accept the attribute '{name}'; the renderer ignores it.",
                    "Remove it or use an attribute this component accepts." + _suggest(name, allowed),
                    node,
                    line,
                )
            )
            continue
        if _has_merge_tag(value):
            continue
        kind = value_type(spec)
        if not kind.accepts(value):
            findings.append(
                _finding(
                    "mjml-invalid-value",
                    "warning",
                    f"<{node.tag} {name}=\"{value}\">: '{value}' is not a valid {name}.",
                    f"Use {kind.describe()}.",
                    node,
                    line,
                )
            )


_BODY_PARTS = frozenset(
    CHILDREN.get("mj-body", frozenset()) | CHILDREN.get("mj-column", frozenset()) | {"mj-column", "mj-group"}
)
_STRAY_CLOSE_RE = re.compile(r"</(mj-[\w-]+)> closes a tag that is not open")
_UNCLOSED_RE = re.compile(r"<(mj-[\w-]+|mjml)> is opened but never closed")


def _structure_findings(document: MJMLDocument) -> list[Finding]:
    """A misspelt or stray closing mj-* tag at its own line; an mj-* element never closed at the line it opens."""
    findings = []
    for offset, message in document.problems:
        line = document.position(offset)[0]
        stray = _STRAY_CLOSE_RE.match(message)
        if stray is not None:
            findings.append(
                Finding(
                    "mjml-tag-mismatch",
                    "error",
                    f"</{stray.group(1)}> closes nothing: no <{stray.group(1)}> is open here.",
                    "Correct the closing tag's name or delete it." + _suggest(stray.group(1), ATTRIBUTES),
                    line,
                )
            )
        elif (unclosed := _UNCLOSED_RE.match(message)) is not None:
            findings.append(
                Finding(
                    "mjml-tag-mismatch",
                    "error",
                    f"<{unclosed.group(1)}> opened on line {line} is never closed.",
                    f"Add </{unclosed.group(1)}> where its content ends.",
                    line,
                )
            )
    return findings


def partial_message(tag: str) -> str:
    """What to say about a fragment that starts with `tag` instead of <mjml>."""
    return (
        f"This is a partial (it starts with <{tag}>, not <mjml>): wrap it in "
        "<mjml><mj-body>…</mj-body></mjml> to preview it."
    )


def validate_document(document: MJMLDocument) -> list[Finding]:
    """Findings for a parsed document (see module docstring)."""
    findings: list[Finding] = []
    root = document.root
    if root is None:
        return [
            Finding(
                "mjml-no-root",
                "error",
                "There is no <mjml> root element.",
                "Start the email with <mjml><mj-body> and end it with </mj-body></mjml>.",
                1,
            )
        ]
    has_body = bool(document.find("mj-body"))
    if root.tag != "mjml" and not has_body and root.tag in _BODY_PARTS:
        findings.append(
            _finding(
                "mjml-no-root",
                "error",
                partial_message(root.tag),
                "Put <mjml><mj-body> before it and </mj-body></mjml> after it.",
                root,
            )
        )
        has_body = True  # said once: the partial message covers the body too
    elif root.tag != "mjml":
        findings.append(
            _finding(
                "mjml-no-root",
                "error",
                f"The email starts with <{root.tag}>, not <mjml>.",
                "Wrap everything in <mjml>…</mjml>.",
                root,
            )
        )
    if not has_body:
        findings.append(
            _finding(
                "mjml-no-body",
                "error",
                "The email has no <mj-body>.",
                "Put the content inside <mj-body>…</mj-body>.",
                root,
            )
        )
    findings += _structure_findings(document)
    for node in document.nodes:
        tag = node.tag
        parent = node.parent
        if parent is not None and parent.tag == "mj-container":
            parent = parent.parent  # MJML 3: mjml migrates the container's children into mj-body
        if tag == "mj-container" and parent is not None and parent.tag == "mj-body":
            findings.append(
                _finding(
                    "mjml-container",
                    "info",
                    "<mj-container> is MJML 3; mjml 4 migrates it: its attributes go to <mj-body> and "
                    "its content straight into <mj-body>. The preview does the same.",
                    "Delete <mj-container> and </mj-container> and move its attributes to <mj-body>.",
                    node,
                )
            )
            _check_attributes(document, node, ATTRIBUTES["mj-body"], findings)
            continue
        in_attributes = parent is not None and parent.tag in ("mj-attributes", "mj-class", "mj-all")
        if tag == "mj-include":
            findings.append(
                _finding(
                    "mjml-include",
                    "error",
                    f'<mj-include path="{node.attributes.get("path", "")}"> is not supported: the studio never reads files.',
                    "Paste the included MJML in its place.",
                    node,
                )
            )
            continue
        if in_attributes:
            if tag in ("mj-all", "mj-class"):
                extra = {"name": "string"} if tag == "mj-class" else {}
                allowed = {name: "string" for name in ALL_ATTRIBUTE_NAMES} | extra
                _check_attributes(document, node, allowed, findings)
            elif tag in ATTRIBUTES:
                _check_attributes(document, node, ATTRIBUTES[tag], findings)
            else:
                findings.append(
                    _finding(
                        "mjml-unknown-tag",
                        "warning",
                        f"<{tag}> inside <mj-attributes> is not an MJML component.",
                        "Use mj-all, mj-class or a component name." + _suggest(tag, ATTRIBUTES),
                        node,
                    )
                )
            continue
        schema = ATTRIBUTES.get(tag)
        if schema is None or tag in ("mj-all", "mj-class"):
            findings.append(
                _finding(
                    "mjml-unknown-tag",
                    "error",
                    f"<{tag}> is not an MJML component; email renderers drop or mangle it.",
                    "Use a standard component." + _suggest(tag, ATTRIBUTES),
                    node,
                )
            )
            continue
        if parent is not None and parent.tag in CHILDREN and tag not in CHILDREN[parent.tag]:
            homes = sorted(p for p, kids in CHILDREN.items() if tag in kids)
            where = ", ".join(f"<{h}>" for h in homes) or "nowhere in the body"
            findings.append(
                _finding(
                    "mjml-invalid-parent",
                    "error",
                    f"<{tag}> cannot be used inside <{parent.tag}>.",
                    f"Put it inside {where}."
                    + (
                        " For example: <mj-section><mj-column>…</mj-column></mj-section>."
                        if "mj-column" in homes
                        else ""
                    ),
                    node,
                )
            )
        _check_attributes(document, node, schema, findings)
    return findings


def validate_mjml(source: str) -> list[Finding]:
    """MJML validation findings for `source`, each with its line and a fix."""
    return validate_document(parse_mjml(source))
