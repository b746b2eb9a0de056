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
  after `LOCAL_NAMESPACE_LIMIT` bytes.

`merge_tags(source, data)` is the one entry point; it raises `TemplateError` (with line and column).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
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

LOOP_ITERATION_LIMIT = 1_000
OUTPUT_STREAM_LIMIT = 1_000_000  # bytes: twice the MJML input limit
LOCAL_NAMESPACE_LIMIT = 100_000  # bytes held by assign/capture


class _NoFilesLoader(BaseLoader):
    """Refuses every `{% include %}` / `{% render %}`: merge tags never read files."""

    def get_source(self, env, template_name, *, context=None, **kwargs):
        raise TemplateNotFoundError(template_name)


class _SandboxEnvironment(Environment):
    """Liquid with strict undefined, autoescape and resource limits."""

    loop_iteration_limit = LOOP_ITERATION_LIMIT
    output_stream_limit = OUTPUT_STREAM_LIMIT
    local_namespace_limit = LOCAL_NAMESPACE_LIMIT
    context_depth_limit = 10
    block_nesting_limit = 30


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
    where = f"Line {line}, column {column}: " if line else ""
    return TemplateError(where + message, line=line, column=column, field="mjml", rule=rule)


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


def merge_tags(source: str, data: Mapping[str, object]) -> str:
    """Render the Liquid merge tags in `source` with `data`; raises TemplateError with line and column."""
    if not has_merge_tags(source):
        return source
    context = dict(data)
    snippets = _snippets(source)
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
