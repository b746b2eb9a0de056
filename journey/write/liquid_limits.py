"""Limits on what one merge may cost, where the work is done: ranges, filters, loops and the clock.

python-liquid's own limits (set on the sandbox in `journey.write.merge`) count loop iterations,
output bytes and assigned bytes. They do not see the work inside one expression:
`{{ (1..3000000) | join }}` builds a 20 MB string before the output limit looks at it (13 s),
`{{ s | replace: '', s }}` multiplies a text by its own length, and
`{% for i in (1..2000000000) reversed %}` makes a list of two billion numbers before the loop limit
counts its first iteration. Here they are bounded before they are built:

- a range `(a..b)` holds at most RANGE_LIMIT numbers, checked when it is evaluated, before a filter,
  loop or `contains` sees it. Not at parse time: a template that parses is Liquid, which is what
  `journey.write.engines` asks the parser (a refused parse would make it another engine's tag);
- every filter refuses an input or argument that is a text over TEXT_LIMIT characters, a list over
  LIST_LIMIT items (`uniq`, which compares every pair, over UNIQ_LIMIT) or a number over
  NUMBER_LIMIT, and checks its result the same way; `replace` and `join` work out the length of
  their result before building it;
- a loop refuses to go over a list longer than LIST_LIMIT (`reversed` copies it first);
- a filter that fails inside (`'abc' | sum`, `'NaN' | floor`) is a Liquid error, not a crash;
- one merge has TIME_LIMIT seconds (`render_budget`): every filter call and loop iteration looks at
  the clock, and the first one past the deadline stops the merge. Cooperative: nothing is killed.

Each refusal is a `MergeLimitError` (a python-liquid `ResourceLimitError`) carrying the token of the
filter, range or loop, so the message has its line; `journey.write.merge` reports it as
`merge-tag-limit`.
"""

from __future__ import annotations

import decimal
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps
from typing import Any

from liquid import RenderContext
from liquid.builtin.expressions.loop import LoopExpression
from liquid.builtin.expressions.primitive import RangeLiteral
from liquid.exceptions import FilterArgumentError, ResourceLimitError
from liquid.template import BoundTemplate
from liquid.token import Token
from liquid.undefined import Undefined

RANGE_LIMIT = 10_000  # numbers in one (a..b)
LIST_LIMIT = 10_000  # items a filter takes or makes, or a loop goes over
UNIQ_LIMIT = 2_000  # uniq compares every pair: 2,000 items take about 0.05 s, 10,000 about 1 s
TEXT_LIMIT = 100_000  # characters a filter takes or makes: what assign/capture may hold
NUMBER_LIMIT = 10**15  # magnitude of a whole number a filter takes or makes
TIME_LIMIT = 1.0  # seconds for one merge

_LIST_LIMITS = {"uniq": UNIQ_LIMIT}
_FLATTEN_LEVELS = 5  # how deep python-liquid's array filters flatten nested lists


class MergeLimitError(ResourceLimitError, FilterArgumentError):
    """A range, filter, loop or merge went over one of this module's limits.

    Also a FilterArgumentError so that python-liquid puts the filter's own token on it when it comes
    out of a filter (`Filter.evaluate` does that for argument errors), which gives the line and column.
    """


# --- the clock -----------------------------------------------------------------------------------

_DEADLINE: ContextVar[tuple[float, float] | None] = ContextVar("merge_deadline", default=None)


@contextmanager
def render_budget(seconds: float = TIME_LIMIT) -> Iterator[None]:
    """Give the merges inside the block `seconds` in all; an enclosing budget, when there is one, wins.

    A ContextVar, so each Streamlit rerun (its own thread) has its own clock.
    """
    if _DEADLINE.get() is not None:
        yield
        return
    token = _DEADLINE.set((time.monotonic() + seconds, seconds))
    try:
        yield
    finally:
        _DEADLINE.reset(token)


def check_time(token: Token | None = None) -> None:
    """Raise MergeLimitError once the current merge is past its deadline."""
    budget = _DEADLINE.get()
    if budget is not None and time.monotonic() > budget[0]:
        raise MergeLimitError(
            f"The merge tags took longer than {budget[1]:g} s to fill; "
            "simplify the loops and filters (fewer repeats, shorter texts).",
            token=token,
        )


# --- sizes ---------------------------------------------------------------------------------------


def _items(value: object, limit: int, level: int = _FLATTEN_LEVELS) -> int:
    """How many items `value` holds once flattened like python-liquid does; stops counting past `limit`."""
    if isinstance(value, range):
        try:
            return len(value)
        except OverflowError:  # more than sys.maxsize numbers
            return limit + 1
    if isinstance(value, Mapping) or len(value) > limit:
        return len(value)
    if not level or not any(issubclass(kind, (list, tuple)) for kind in set(map(type, value))):
        return len(value)  # flat, the usual case: types gathered at C speed, no Python loop per item
    count = 0
    for item in value:  # a list or tuple holding lists
        count += _items(item, limit - count, level - 1) if level and isinstance(item, (list, tuple)) else 1
        if count > limit:
            break
    return count


def _is(value: object, kinds: type | tuple[type, ...]) -> bool:
    """isinstance by the value's type only: a strict Undefined raises on any attribute, even __class__."""
    return issubclass(type(value), kinds)


def _check_value(value: object, name: str, *, made: bool, list_limit: int = LIST_LIMIT) -> None:
    """Refuse a text, list or number over its limit: given to the filter `name`, or `made` by it."""
    verb = "would make" if made else "got"
    if _is(value, (bool, Undefined)):  # Undefined is a Mapping; measuring a strict one raises
        return
    if isinstance(value, str):
        if len(value) > TEXT_LIMIT:
            raise MergeLimitError(
                f"The {name} filter {verb} a text of {len(value):,} characters, over the limit of "
                f"{TEXT_LIMIT:,}; shorten the text or repeat it fewer times.",
                token=None,
            )
    elif isinstance(value, int):
        if abs(value) >= NUMBER_LIMIT:
            raise MergeLimitError(
                f"The {name} filter {verb} a number over the limit of {NUMBER_LIMIT - 1:,}.", token=None
            )
    elif isinstance(value, (list, tuple, range, Mapping)):
        count = _items(value, list_limit)
        if count > list_limit:
            size = (
                f"{count:,}" if isinstance(value, range) else f"more than {list_limit:,}"
            )  # counting stopped
            raise MergeLimitError(
                f"The {name} filter {verb} a list of {size} items, over the limit of {list_limit:,}.",
                token=None,
            )


def _text(value: object) -> str | None:
    """The text a string filter would see, or None when that is not cheap to know."""
    if value is None:
        return ""
    return value if _is(value, (str, int, float)) and not _is(value, bool) else None


def _replace_length(left: object, args: tuple) -> int | None:
    """The length `replace: seq, sub` would give, computed without building it (`seq` '' counts n + 1)."""
    values = [_text(v) for v in (left, *args[:2])]
    if len(args) < 1 or any(v is None for v in values):
        return None
    text, seq, sub = (str(v) for v in (*values, "")[:3])
    return len(text) + text.count(seq) * (len(sub) - len(seq))


def _join_length(left: object, args: tuple) -> int | None:
    """The length `join: sep` would give, computed from the lengths of the items."""
    if not _is(left, (list, tuple, range)):
        return None
    separator = args[0] if args else " "
    items = list(_flat(left, _FLATTEN_LEVELS))
    return sum(len(str(item)) for item in items) + len(str(separator)) * max(len(items) - 1, 0)


def _flat(items: Iterable[object], level: int) -> Iterator[object]:
    for item in items:
        if level and isinstance(item, (list, tuple)):
            yield from _flat(item, level - 1)
        else:
            yield item


_PREDICTED_LENGTH: dict[str, Callable[[object, tuple], int | None]] = {
    "replace": _replace_length,
    "join": _join_length,
}


def bounded_filter(name: str, func: Callable[..., Any]) -> Callable[..., Any]:
    """`func` with the clock, its inputs, its predicted and its actual result held to the limits.

    functools.wraps keeps python-liquid's markers on the function (`with_environment`, `with_context`).
    """
    list_limit = _LIST_LIMITS.get(name, LIST_LIMIT)
    predict = _PREDICTED_LENGTH.get(name)

    @wraps(func)
    def bounded(left: object, *args: Any, **kwargs: Any) -> Any:
        check_time()
        _check_value(left, name, made=False, list_limit=list_limit)
        for argument in (*args, *kwargs.values()):
            _check_value(argument, name, made=False)
        if predict is not None:
            length = predict(left, args)
            if length is not None and length > TEXT_LIMIT:
                raise MergeLimitError(
                    f"The {name} filter would make a text of {length:,} characters, over the limit of "
                    f"{TEXT_LIMIT:,}; shorten the text or repeat it fewer times.",
                    token=None,
                )
        try:
            result = func(left, *args, **kwargs)
        except (ArithmeticError, ValueError) as exc:  # `'abc' | sum`, `nan | floor`, infinity | ceil
            reason = "it needs numbers" if isinstance(exc, decimal.InvalidOperation) else str(exc)
            raise FilterArgumentError(
                f"the {name} filter cannot use this value ({reason})", token=None
            ) from exc
        _check_value(result, name, made=True)
        return result

    return bounded


# --- ranges and loops ----------------------------------------------------------------------------


class BoundedRange(RangeLiteral):
    """`(a..b)` that refuses more than RANGE_LIMIT numbers when it is evaluated."""

    __slots__ = ()

    def _make_range(self, start: Any, stop: Any) -> range:
        numbers = super()._make_range(start, stop)
        size = numbers.stop - numbers.start  # step 1; len() would overflow past sys.maxsize
        if size > RANGE_LIMIT:
            raise MergeLimitError(
                f"A range of {size:,} numbers is over the limit of {RANGE_LIMIT:,}; use a smaller (a..b).",
                token=self.token,
            )
        return numbers


def _timed(items: Iterator[Any], token: Token) -> Iterator[Any]:
    for item in items:
        check_time(token)
        yield item


class BudgetedLoop(LoopExpression):
    """The `x in list` of `{% for %}`/`{% tablerow %}`: at most LIST_LIMIT items, the clock each step."""

    __slots__ = ()

    def _to_iter(self, obj: object, context: RenderContext) -> tuple[Iterator[Any], int]:
        items, length = super()._to_iter(obj, context)
        if length > LIST_LIMIT:
            raise MergeLimitError(
                f"A loop over {length:,} items is over the limit of {LIST_LIMIT:,}; loop over fewer "
                "(add limit: to the for tag).",
                token=self.token,
            )
        return _timed(items, self.token), length


def bound_template(template: BoundTemplate) -> None:
    """Make every range and loop expression in a parsed template a bounded one.

    python-liquid builds them inside its parser with no hook to choose the class, so they are
    re-classed in place (the subclasses add no slots, only checks), walking the tree the way its own
    static analysis does.
    """
    static_context = RenderContext(template)
    nodes = list(template.nodes)
    while nodes:
        node = nodes.pop()
        expressions = list(node.expressions())
        while expressions:
            expression = expressions.pop()
            if type(expression) is RangeLiteral:
                expression.__class__ = BoundedRange
            elif type(expression) is LoopExpression:
                expression.__class__ = BudgetedLoop
            expressions.extend(expression.children())
        nodes.extend(node.children(static_context, include_partials=False))


class SandboxTemplate(BoundTemplate):
    """A template whose ranges and loops are bounded and whose render has a time budget."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bound_template(self)

    def render(self, *args: Any, **kwargs: Any) -> str:
        with render_budget():
            return super().render(*args, **kwargs)
