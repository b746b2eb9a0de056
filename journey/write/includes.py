"""`<mj-include>` against the workspace's snippets: the include resolution step before rendering and checks.

An email includes a snippet (a header, a footer, a brand block the team edits once) with
`<mj-include path="footer.mjml" />`. The path names the snippet by its last segment, without a
`.mjml`, `.css`, `.html` or `.htm` ending, in any case: `footer.mjml`, `./footer`,
`snippets/footer.mjml` and `../partials/Footer.mjml` all name the snippet `footer` (the library is
flat; folders are ignored). As the official mjml 4 does:

- `type="mjml"` (the default): the snippet's MJML takes the include's place. A snippet written as a
  whole document (`<mjml><mj-head>…</mj-head><mj-body>…</mj-body></mjml>`, handy to preview on its own)
  gives its `mj-body`'s children in place and its `mj-head`'s children to the email's head.
- `type="css"`: the snippet is CSS, added to the email's head as `<mj-style>` (`css-inline="inline"`
  makes it `<mj-style inline="inline">`).
- `type="html"`: the snippet is HTML, put in place as `<mj-raw>`.

Snippets may include snippets (up to MAX_DEPTH levels); a cycle is refused with its chain
("footer.mjml → legal.mjml → footer.mjml"), an include that names no snippet with its line: both are
IncludeError, an error in `render` as in `check`, never a silent gap. The preview still renders
without the include (an MJML comment marks its place) and lists every such error, as mjml's soft mode
does; a send refuses. Includes inside comments and
inside components whose content is HTML (`mj-text`, `mj-raw`…) are text, not includes, as in mjml.

Lines stay the email's own: each included snippet is put on the line of its `<mj-include>` (its line
breaks become spaces, which HTML and MJML read alike), so a finding inside a snippet points at the
line that includes it.

    resolve_includes(source, snippets) -> str     raises IncludeError (sends, render --strict)
    expand_includes(source, snippets)              (str, [IncludeError]): the preview's way, every problem listed
    find_includes(source) -> list[Include]        the includes written in `source` (not nested ones)
    snippet_name(path) -> str                      the snippet a path names
    as_email(snippet) -> str                       a snippet wrapped in a whole email, to preview it
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from journey.core.errors import IncludeError
from journey.core.text import line_column, normalize_newlines
from journey.write.mjml_schema import ENDING_TAGS

MAX_DEPTH = 10
NAME_ENDINGS = (".mjml", ".css", ".html", ".htm")
INCLUDE_TYPES = ("mjml", "css", "html")

_INCLUDE_RE = re.compile(
    r"<mj-include\b((?:[^>\"']|\"[^\"]*\"|'[^']*')*?)\s*/?>(?:\s*</mj-include\s*>)?", re.I
)
_ATTR_RE = re.compile(r"""([\w:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>/]+))""")
_ENDING = "|".join(re.escape(tag) for tag in sorted(ENDING_TAGS, key=len, reverse=True))
_OPAQUE_RE = re.compile(rf"<!--.*?-->|<({_ENDING})\b[^>]*?(?<!/)>.*?</\1\s*>", re.DOTALL | re.I)
_MJML_OPEN_RE = re.compile(r"<mjml\b[^>]*>", re.I)
_HEAD_RE = re.compile(r"<mj-head\b[^>]*>(.*?)</mj-head\s*>", re.DOTALL | re.I)
_HEAD_CLOSE_RE = re.compile(r"</mj-head\s*>", re.I)
_BODY_RE = re.compile(r"<mj-body\b[^>]*>(.*?)</mj-body\s*>", re.DOTALL | re.I)
_LINE_BREAK_RE = re.compile(r"\n")
# Line breaks between two MJML tags go (the renderer refuses a space in <mj-head>); others become spaces.
_BETWEEN_TAGS_RE = re.compile(r"(?<=>)[ \t]*\n\s*(?=</?mj-)")


@dataclass(frozen=True)
class Include:
    """One `<mj-include>` as written: what it names, how it is read, and where it is."""

    path: str
    name: str  # the snippet it names (lower case)
    type: str  # mjml, css or html
    inline: bool  # css-inline="inline"
    line: int
    column: int
    start: int
    end: int


def snippet_name(path: str) -> str:
    """The snippet a path names: its last segment, without .mjml/.css/.html/.htm, in lower case."""
    last = re.split(r"[\\/]", path.strip())[-1].strip().lower()
    for ending in NAME_ENDINGS:
        if last.endswith(ending):
            return last[: -len(ending)]
    return last


def _opaque_spans(source: str) -> list[tuple[int, int]]:
    return [match.span() for match in _OPAQUE_RE.finditer(source)]


def find_includes(source: str) -> list[Include]:
    """The `<mj-include>`s written in `source`, in order (not inside comments or HTML content)."""
    spans = _opaque_spans(source)
    includes = []
    for match in _INCLUDE_RE.finditer(source):
        if any(start <= match.start() < end for start, end in spans):
            continue
        attributes = {
            name.lower(): double if double is not None else single if single is not None else bare
            for name, double, single, bare in (
                (m.group(1), m.group(2), m.group(3), m.group(4)) for m in _ATTR_RE.finditer(match.group(1))
            )
        }
        path = attributes.get("path", "")
        line, column = line_column(source, match.start())
        includes.append(
            Include(
                path=path,
                name=snippet_name(path),
                type=(attributes.get("type") or "mjml").strip().lower(),
                inline=attributes.get("css-inline", "").strip().lower() == "inline",
                line=line,
                column=column,
                start=match.start(),
                end=match.end(),
            )
        )
    return includes


def included_names(source: str) -> set[str]:
    """The snippet names `source` includes directly."""
    return {include.name for include in find_includes(source or "")}


def _one_line(text: str) -> str:
    return _LINE_BREAK_RE.sub(" ", _BETWEEN_TAGS_RE.sub("", text))


def _split_document(snippet: str) -> tuple[str, str]:
    """(body part, head part) of a snippet: a whole <mjml> document gives its mj-body and mj-head children."""
    without_comments = re.sub(r"<!--.*?-->", "", snippet, flags=re.DOTALL)
    if not _MJML_OPEN_RE.search(without_comments):
        return snippet, ""
    body = _BODY_RE.search(snippet)
    head = _HEAD_RE.search(snippet)
    return (body.group(1) if body else ""), (head.group(1) if head else "")


_MISSING_COMMENT = "<!-- mj-include left out: see the error at this line -->"


class _Resolver:
    def __init__(self, snippets: Mapping[str, str], *, lenient: bool = False) -> None:
        self.snippets = {str(name).lower(): body or "" for name, body in snippets.items()}
        self.heads: list[str] = []
        self.lenient = lenient
        self.problems: list[IncludeError] = []

    def expand(self, source: str, chain: tuple[Include, ...]) -> str:
        parts, position = [], 0
        for include in find_includes(source):
            parts.append(source[position : include.start])
            try:
                parts.append(_one_line(self.replacement(include, chain)))
            except IncludeError as problem:
                if not self.lenient:
                    raise
                self.problems.append(problem)
                parts.append(_MISSING_COMMENT)
            position = include.end
        parts.append(source[position:])
        return "".join(parts)

    def replacement(self, include: Include, chain: tuple[Include, ...]) -> str:
        line = (chain[0] if chain else include).line
        where = f'<mj-include path="{(chain[0] if chain else include).path}">'
        via = " → ".join(step.path for step in (*chain, include))
        if include.type not in INCLUDE_TYPES:
            raise IncludeError(
                f'{where}: type="{include.type}" is not an include type (use mjml, css or html).', line=line
            )
        if not include.name:
            raise IncludeError(
                f'{where}: the include has no path. Name a snippet: path="footer.mjml".', line=line
            )
        if any(step.name == include.name for step in chain):
            raise IncludeError(
                f"{where}: the includes form a cycle: {via}. Remove one of these includes.",
                rule="mjml-include-cycle",
                line=line,
            )
        if include.name not in self.snippets:
            nested = f" (through {via})" if chain else ""
            raise IncludeError(
                f'{where}: there is no snippet named "{include.name}"{nested}. Create it on the Snippets '
                "page, or fix the path.",
                line=line,
            )
        if len(chain) >= MAX_DEPTH:
            raise IncludeError(
                f"{where}: snippets are nested more than {MAX_DEPTH} deep ({via}). Flatten them.",
                rule="mjml-include-cycle",
                line=line,
            )
        snippet = normalize_newlines(self.snippets[include.name])
        if include.type == "css":
            inline = ' inline="inline"' if include.inline else ""
            self.heads.append(f"<mj-style{inline}>{snippet}</mj-style>")
            return ""
        if include.type == "html":
            return f"<mj-raw>{snippet}</mj-raw>"
        body, head = _split_document(self.expand(snippet, (*chain, include)))
        if head.strip():
            self.heads.append(head)
        return body.strip()


def _add_to_head(source: str, heads: list[str]) -> str:
    if not heads:
        return source
    head = _one_line("".join(part.strip() for part in heads))
    close = _HEAD_CLOSE_RE.search(source)
    if close:
        return source[: close.start()] + head + source[close.start() :]
    root = _MJML_OPEN_RE.search(source)
    if root is None:
        return source
    return source[: root.end()] + f"<mj-head>{head}</mj-head>" + source[root.end() :]


def resolve_includes(source: str, snippets: Mapping[str, str] | None) -> str:
    """`source` with every `<mj-include>` replaced by its snippet (nested too), lines kept; IncludeError if not."""
    if "<mj-include" not in source.lower():
        return source
    resolver = _Resolver(snippets or {})
    return _add_to_head(resolver.expand(source, ()), resolver.heads)


def expand_includes(source: str, snippets: Mapping[str, str] | None) -> tuple[str, list[IncludeError]]:
    """Like resolve_includes, for a preview: every include that cannot be resolved is left out (an MJML
    comment marks the place) and returned as a problem, in the order of the source, instead of raised."""
    if "<mj-include" not in source.lower():
        return source, []
    resolver = _Resolver(snippets or {}, lenient=True)
    expanded = _add_to_head(resolver.expand(source, ()), resolver.heads)
    return expanded, resolver.problems


def as_email(snippet: str) -> str:
    """A snippet as a whole email, to preview it alone: a fragment goes inside `<mjml><mj-body>`."""
    _, head = _split_document(snippet)
    if head or _MJML_OPEN_RE.search(re.sub(r"<!--.*?-->", "", snippet, flags=re.DOTALL)):
        return snippet
    return f"<mjml><mj-body>{snippet}\n</mj-body></mjml>"
