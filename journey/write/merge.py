"""Merge tags: Liquid (`{{ first_name | default: "there" }}`) in a sandboxed engine with limits.

One syntax, python-liquid 2:

- `{{ first_name }}` inserts a value, HTML-escaped (autoescape), so a persona field can never
  inject markup into the email.
- `{{ first_name | default: "there" }}` falls back when the field is missing or empty.
- `{% if city %}…{% endif %}`, `{% for %}`, `{% assign %}` and the standard Liquid filters work.
- An unknown variable is an error with its line and column (strict undefined), never a blank.
- No template can reach Python internals (Liquid has no attribute access to Python objects),
  read files (`include`/`render` have no loader to read from), or run away: loops stop after
  `LOOP_ITERATION_LIMIT` iterations, output after `OUTPUT_STREAM_LIMIT` bytes, `assign`/`capture`
  after `LOCAL_NAMESPACE_LIMIT` bytes; ranges, every filter's texts, lists and numbers, and the time
  of one merge are bounded by `journey.write.liquid_limits` (`(1..3000000) | join` is refused, with
  its line, before it is built).

`merge_tags(source, data)` is the strict entry point; it raises `TemplateError` (with line and column).
`merge_preview(source, data)` is the lenient one, for previews: every tag it cannot fill (an unknown
variable, a tag Liquid cannot parse, another engine's tag found by `journey.write.engines`) becomes a
placeholder marker that keeps the source's length and lines, and its error is kept, not raised;
`fill_placeholders(text, tags, show)` then puts each tag's own text back (the preview highlights it).
Resource limits and nesting stay errors either way: a preview never gets around the sandbox.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache

from liquid import Environment
from liquid.exceptions import (
    LiquidError,
    LiquidSyntaxError,
    LoopIterationLimitError,
    OutputStreamLimitError,
    ResourceLimitError,
    TemplateNotFoundError,
    UndefinedError,
    UnknownFilterError,
)
from liquid.loader import BaseLoader
from liquid.template import BoundTemplate
from liquid.undefined import StrictDefaultUndefined

from journey.core.errors import TemplateError
from journey.core.text import line_column
from journey.write.liquid_limits import (
    MergeLimitError,
    SandboxTemplate,
    bounded_filter,
    check_time,
    render_budget,
)

LOOP_ITERATION_LIMIT = 1_000
OUTPUT_STREAM_LIMIT = 1_000_000  # bytes: twice the MJML input limit
LOCAL_NAMESPACE_LIMIT = 100_000  # bytes held by assign/capture


class _NoFilesLoader(BaseLoader):
    """Refuses every `{% include %}` / `{% render %}`: merge tags never read files."""

    def get_source(self, env, template_name, *, context=None, **kwargs):
        raise TemplateNotFoundError(template_name)


class _SandboxEnvironment(Environment):
    """Liquid with strict undefined, autoescape and resource limits (see `journey.write.liquid_limits`)."""

    loop_iteration_limit = LOOP_ITERATION_LIMIT
    output_stream_limit = OUTPUT_STREAM_LIMIT
    local_namespace_limit = LOCAL_NAMESPACE_LIMIT
    context_depth_limit = 10
    block_nesting_limit = 30
    template_class = SandboxTemplate  # bounded ranges and loops, a time budget per render

    def setup_tags_and_filters(self, *, extra: bool = False) -> None:
        """The standard tags, and every filter wrapped in the size and time limits."""
        super().setup_tags_and_filters(extra=extra)
        self.filters = {name: bounded_filter(name, func) for name, func in self.filters.items()}


ENV = _SandboxEnvironment(
    undefined=StrictDefaultUndefined,
    autoescape=True,
    strict_filters=True,
    loader=_NoFilesLoader(),
)


def _position(exc: LiquidError) -> tuple[int | None, int | None]:
    """1-based line and column of a Liquid error, when it has a token."""
    context = exc.context()
    if context is None:
        return None, None
    line, column, *_ = context
    return line, column + 1


def _message(exc: LiquidError) -> tuple[str, str]:
    """A marketer-readable message and the kind of problem, for a Liquid error."""
    if isinstance(exc, UndefinedError):
        name = str(exc.message).replace(" is undefined", "").strip("'")
        return (
            f"Unknown merge tag '{name}': this persona has no such field. "
            f'Add the field to the persona or give a fallback: {{{{ {name} | default: "…" }}}}.',
            "merge-tag-unknown",
        )
    if isinstance(exc, TemplateNotFoundError):
        return (
            "Merge tags cannot include other templates ({% include %} and {% render %} are disabled).",
            "merge-tag-include",
        )
    if isinstance(exc, LoopIterationLimitError):
        return (
            f"A {{% for %}} loop ran past {LOOP_ITERATION_LIMIT:,} iterations; shorten the loop.",
            "merge-tag-limit",
        )
    if isinstance(exc, MergeLimitError):
        return (str(exc.message), "merge-tag-limit")
    if isinstance(exc, OutputStreamLimitError):
        return (
            f"The merge tags produced more than {OUTPUT_STREAM_LIMIT:,} bytes; shorten loops or repeated text.",
            "merge-tag-limit",
        )
    if isinstance(exc, ResourceLimitError):
        return (f"The merge tags went over a safety limit ({exc.message}).", "merge-tag-limit")
    if isinstance(exc, UnknownFilterError):
        return (f"Unknown merge-tag filter: {exc.message}.", "merge-tag-syntax")
    if isinstance(exc, LiquidSyntaxError):
        unclosed = re.match(r"expected tag end(\w+)", str(exc.message))
        if unclosed:
            block = unclosed.group(1)
            return (
                f"A {{% {block} %}} block is never closed; add {{% end{block} %}} after it.",
                "merge-tag-syntax",
            )
        return (f"Merge-tag syntax error: {exc.message}.", "merge-tag-syntax")
    return (f"Merge tag error: {exc.message}.", "merge-tag-syntax")


def template_error(exc: LiquidError, *, source: str | None = None, offset: int = 0) -> TemplateError:
    """Wrap a Liquid error as TemplateError with line, column and a readable message.

    `source` and `offset` place an error found in one `{{ … }}` snippet within the whole source.
    """
    line: int | None
    column: int | None
    if source is not None and exc.token is not None and exc.token.start_index >= 0:
        index = offset + exc.token.start_index
        line, column = line_column(source, index)
    else:
        line, column = _position(exc)
    if line is None and source is not None:  # e.g. a block never closed: it fails at the end
        line, column = line_column(source, len(source))
    message, rule = _message(exc)
    return TemplateError(message, line=line, column=column, field="mjml", rule=rule)


@lru_cache(maxsize=64)
def _parse(source: str) -> BoundTemplate:
    return ENV.from_string(source)


@lru_cache(maxsize=1024)
def _parse_snippet(snippet: str) -> BoundTemplate:
    return ENV.from_string(snippet)


def has_merge_tags(source: str) -> bool:
    """True when the source holds any `{{ … }}` or `{% … %}`."""
    return "{{" in source or "{%" in source


def _snippets(source: str) -> list[tuple[int, int]] | None:
    """The (start, end) of each `{{ … }}` output statement, when they are all there is.

    Then each statement is compiled once and cached, whatever text surrounds it: an edit elsewhere in
    the email does not re-parse the template. Otherwise (None: tags, whitespace control, an unclosed or
    nested `{{`) the whole source is one template, which reports errors with their position.
    Linear: one pass of str.find.
    """
    if "{%" in source or "{{-" in source or "-}}" in source:
        return None
    spans: list[tuple[int, int]] = []
    start = source.find("{{")
    while start != -1:
        end = source.find("}}", start + 2)
        if end == -1:
            return None
        following = source.find("{{", start + 2)
        if following != -1 and following < end:
            return None
        spans.append((start, end + 2))
        start = source.find("{{", end + 2)
    return spans


def _unclosed_output(source: str) -> int:
    """The index of a `{{` that no `}}` follows anywhere (a syntax error, found in one pass), or -1.

    Only for a text without `{%` tags (a `{% raw %}` block may hold a lone `{{`). Found before the
    parse: Liquid would scan the rest of the text once per such `{{`, quadratic on a pasted run of them.
    """
    if "{%" in source:
        return -1
    return source.find("{{", source.rfind("}}") + 2)


def _unclosed_error(source: str, index: int) -> TemplateError:
    line, column = line_column(source, index)
    return TemplateError(
        "Merge-tag syntax error: a {{ is never closed; add }} after the field name, as in {{ first_name }}.",
        line=line,
        column=column,
        field="mjml",
        rule="merge-tag-syntax",
    )


def merge_tags(source: str, data: Mapping[str, object]) -> str:
    """Render the Liquid merge tags in `source` with `data`; raises TemplateError with line and column."""
    with render_budget():
        return _merge_strict(source, data)


def _merge_strict(source: str, data: Mapping[str, object]) -> str:
    if not has_merge_tags(source):
        return source
    context = dict(data)
    snippets = _snippets(source)
    if snippets is None and (unclosed := _unclosed_output(source)) >= 0:
        raise _unclosed_error(source, unclosed) from None
    try:
        if snippets is None:
            return _parse(source).render(**context)
        pieces: list[str] = []
        last = 0
        for start, end in snippets:
            pieces.append(source[last:start])
            try:
                pieces.append(_parse_snippet(source[start:end]).render(**context))
            except LiquidError as exc:
                raise template_error(exc, source=source, offset=start) from exc
            last = end
        pieces.append(source[last:])
        merged = "".join(pieces)
        if len(merged) > OUTPUT_STREAM_LIMIT:
            raise TemplateError(
                f"The merge tags produced more than {OUTPUT_STREAM_LIMIT:,} bytes; shorten the merge values.",
                field="mjml",
            )
        return merged
    except LiquidError as exc:
        raise template_error(exc, source=source) from exc
    except RecursionError as exc:  # pathological nesting inside expressions
        raise TemplateError("The merge tags are nested too deeply.", field="mjml") from exc


def merge_variables(source: str) -> list[str]:
    """The names of the variables the merge tags read (e.g. ['first_name', 'unsubscribe_url'])."""
    if not has_merge_tags(source):
        return []
    snippets = _snippets(source)
    try:
        if snippets is None:
            return sorted(_parse(source).global_variables())
        names: set[str] = set()
        for start, end in snippets:
            try:
                names.update(_parse_snippet(source[start:end]).global_variables())
            except LiquidError as exc:
                raise template_error(exc, source=source, offset=start) from exc
        return sorted(names)
    except LiquidError as exc:
        raise template_error(exc, source=source) from exc


# --- previews: placeholders instead of errors ----------------------------------------------------

MAX_PLACEHOLDERS = 20  # tags left as placeholders one by one in a template with blocks; then all at once
# Markers are rare printable characters (CJK Extension C, filler from Extension D): the renderer
# escapes private-use ones in attribute values (href="\\u{f0000}"), printable ones it keeps as they are.
_FIRST_MARKER = 0x2A700
_LAST_MARKER = 0x2B739
_FILLER = "\U0002b740"
PLACEHOLDER_RE = re.compile("([\U0002a700-\U0002b739])\U0002b740*(?:\n+\U0002b740+)*")
_LIQUID_TAG_RE = re.compile(r"\{%(?:(?!\{%|%\}).)*%\}|\{\{(?:(?!\{\{|\}\}).)*\}\}", re.DOTALL)
_UNEXPECTED_RE = re.compile(r"unexpected tag '(\w+)'")
_BLOCK_TAGS = ("if", "unless", "for", "case", "capture", "tablerow", "comment", "raw", "ifchanged")


@dataclass(frozen=True)
class LenientMerge:
    """A merge for a preview: the text (with a marker per tag left unfilled), those tags, their errors."""

    text: str
    tags: tuple[str, ...] = ()  # the tag as written, by marker number
    errors: tuple[TemplateError, ...] = ()  # one per tag the reader would see unfilled, in source order


def _marker(number: int, tag: str) -> str:
    """A stand-in for `tag` of the same length and lines, so later line numbers stay those of the source."""
    if _FIRST_MARKER + number > _LAST_MARKER:
        raise TemplateError(
            "The email has too many merge tags that cannot be filled to preview it; convert them to Liquid first.",
            field="mjml",
        )
    return chr(_FIRST_MARKER + number) + "".join("\n" if c == "\n" else _FILLER for c in tag[1:])


def fill_placeholders(text: str, tags: tuple[str, ...], show: Callable[[str, int], str]) -> str:
    """Each marker in `text` replaced by `show(tag, offset)`; `offset` is where the marker is in `text`."""
    if not tags:
        return text
    return PLACEHOLDER_RE.sub(
        lambda m: (
            show(tags[ord(m.group(1)) - _FIRST_MARKER], m.start())
            if ord(m.group(1)) - _FIRST_MARKER < len(tags)
            else m.group()
        ),
        text,
    )


def _foreign_error(tag) -> TemplateError:
    equivalent = tag.liquid
    fix = (
        f"Write {equivalent} instead (Convert to Liquid in the studio, or convert-tags, does it)."
        if equivalent is not None
        else "This has no Liquid equivalent: rewrite it by hand (see the README's merge-tag section)."
    )
    if equivalent == "":
        fix = "Remove it: Liquid needs no such tag."
    shown = " ".join(tag.text.split())
    shown = shown if len(shown) <= 60 else shown[:59] + "…"
    return TemplateError(
        f"{shown} looks like a {tag.engine} merge tag; "
        "this studio uses Liquid, so readers would see it as written.",
        rule="merge-tag-foreign",
        field="mjml",
        line=tag.line,
        column=tag.column,
        fix=fix,
    )


def _tag_at(text: str, index: int) -> tuple[int, int] | None:
    """The (start, end) of the `{{ … }}` or `{% … %}` that holds `index`, if any."""
    start = max(text.rfind("{{", 0, index + 1), text.rfind("{%", 0, index + 1))
    if start == -1:
        return None
    closer = "}}" if text.startswith("{{", start) else "%}"
    end = text.find(closer, max(index, start + 2))
    if end == -1:
        return None
    return start, end + 2


def merge_preview(source: str, data: Mapping[str, object], *, field: str = "mjml") -> LenientMerge:
    """Merge for a preview: tags that cannot be filled become placeholders, their errors are returned.

    Raises TemplateError only for what a placeholder cannot fix: a resource limit, too deep nesting.
    Every attempt shares one time budget (`journey.write.liquid_limits.TIME_LIMIT`).
    """
    with render_budget():
        return _merge_lenient(source, data, field=field)


def _merge_lenient(source: str, data: Mapping[str, object], *, field: str) -> LenientMerge:
    from journey.write.engines import foreign_tags

    foreign = foreign_tags(source)
    if not foreign and _unclosed_output(source) < 0:
        try:
            return LenientMerge(merge_tags(source, data))
        except TemplateError as exc:
            if exc.rule == "merge-tag-limit" or exc.__cause__ is None:
                raise
    pieces: list[str] = []
    tags: list[str] = []
    found: list[tuple[int, TemplateError]] = []
    last = 0
    for tag in foreign:
        pieces += [source[last : tag.offset], _marker(len(tags), tag.text)]
        tags.append(tag.text)
        found.append((tag.offset, _foreign_error(tag)))
        last = tag.offset + len(tag.text)
    work = "".join(pieces) + source[last:]
    if (unclosed := _unclosed_output(work)) >= 0:  # the rest of the text is that tag's: one placeholder
        found.append((unclosed, _unclosed_error(work, unclosed)))
        tag = work[unclosed:]
        work = work[:unclosed] + _marker(len(tags), tag)
        tags.append(tag)
    try:
        snippets = _snippets(work)
        if snippets is None:
            merged = _merge_whole(work, dict(data), tags, found)
        else:
            merged = _merge_snippets(work, snippets, dict(data), tags, found)
    except RecursionError as exc:
        raise TemplateError("The merge tags are nested too deeply.", field=field) from exc
    if len(merged) > OUTPUT_STREAM_LIMIT:
        raise TemplateError(
            f"The merge tags produced more than {OUTPUT_STREAM_LIMIT:,} bytes; shorten the merge values.",
            field=field,
        )
    errors = tuple(error for _, error in sorted(found, key=lambda pair: pair[0]))
    return LenientMerge(merged, tuple(tags), errors)


def _merge_snippets(work: str, snippets, context: dict, tags: list[str], found: list) -> str:
    """Only `{{ … }}` statements: each one rendered alone, each failure a placeholder (linear)."""
    pieces: list[str] = []
    last = 0
    for start, end in snippets:
        pieces.append(work[last:start])
        try:
            pieces.append(_parse_snippet(work[start:end]).render(**context))
        except ResourceLimitError as exc:
            raise template_error(exc, source=work, offset=start) from exc
        except LiquidError as exc:
            found.append((start, template_error(exc, source=work, offset=start)))
            pieces.append(_marker(len(tags), work[start:end]))
            tags.append(work[start:end])
        last = end
    pieces.append(work[last:])
    return "".join(pieces)


def _merge_whole(work: str, context: dict, tags: list[str], found: list) -> str:
    """Blocks too: render the whole text; each failing tag becomes a placeholder and it is tried again.

    After MAX_PLACEHOLDERS failures, or for an error with no position (a block never closed), every
    remaining tag becomes a placeholder at once. A block tag left as a placeholder takes its
    else/end tags with it without another finding.
    """
    opened: list[str] = []
    for attempt in range(MAX_PLACEHOLDERS + 2):
        try:
            check_time()  # each attempt parses the whole text again: the merge's budget covers them all
            return ENV.from_string(work).render(**context)
        except ResourceLimitError as exc:
            raise template_error(exc, source=work) from exc
        except LiquidError as exc:
            error, cause = template_error(exc, source=work), exc
        token = cause.token
        index = token.start_index if token is not None else -1
        span = _tag_at(work, index) if index >= 0 and attempt < MAX_PLACEHOLDERS else None
        if span is None:
            spans = [m.span() for m in _LIQUID_TAG_RE.finditer(work)]
            if not spans:
                raise error
            found.append((spans[0][0], error))
        else:
            spans = [span]
            unexpected = _UNEXPECTED_RE.search(str(cause.message))
            closes = unexpected.group(1) if unexpected else ""
            if opened and closes in ("else", "elsif", "when", *(f"end{name}" for name in opened)):
                if closes.startswith("end"):
                    opened.remove(closes[3:])
            else:
                found.append((span[0], error))
            name = re.match(r"\{%-?\s*(\w+)", work[span[0] : span[1]])
            if name and name.group(1) in _BLOCK_TAGS:
                opened.append(name.group(1))
        for start, end in reversed(spans):
            tag = work[start:end]
            work = work[:start] + _marker(len(tags), tag) + work[end:]
            tags.append(tag)
    raise TemplateError("The merge tags could not be read.", field="mjml")
