"""The journey JSON import, the merge-tag renderer and the MJML pipeline, fuzzed (issue 12, point 5):
any input gives a result or a JourneyError subclass, never another exception, and a refused journey
file leaves the database exactly as it was.

Inputs start from real material (a journey export with personas, lanes, emails, variants and a snippet;
the MJML templates of tests/fixtures/mjml) and are changed as files go wrong: JSON values replaced by
any other JSON, keys dropped or added, bytes spliced in; Liquid built from its own pieces (tags, filters,
quotes, ranges, other engines' tags) around text; MJML with tags, attributes and text spliced in at any
place. Hypothesis runs the "ci" profile by default (fixed examples, a deadline per example:
tests/conftest.py); each merge is also bounded by its own render budget.
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from support import database_snapshot, make_journey, make_persona

from journey.core.errors import JourneyError
from journey.plan import transfer
from journey.write.checks import check_email
from journey.write.merge import merge_preview, merge_tags
from journey.write.render import Preview, preview
from journey.write.snippets import create_snippet

MJML_DIR = Path(__file__).resolve().parent / "fixtures" / "mjml"
TEMPLATES = [path.read_text(encoding="utf-8") for path in sorted(MJML_DIR.glob("*.mjml"))]
PERSONA = {"first_name": "Ada", "company": "Fernhill", "items": ["a", "b"], "n": 3}

# --- the journey JSON import ------------------------------------------------------------------------

JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**6), 10**6)
    | st.floats(allow_nan=False)
    | st.text(max_size=30)
    | st.sampled_from(["", "\x00", "x" * 5_000, "Awareness", "Welcome", "A", "current", "{{ first_name }}"]),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=12,
)


@pytest.fixture
def exported(session) -> dict:
    """A journey export with everything a file can carry, and the database it came from (committed)."""
    persona = make_persona(session, "Ada", merge_data={"first_name": "Ada"})
    create_snippet(session, name="footer", mjml="<mj-text>Bye</mj-text>")
    made = make_journey(
        session,
        "Spring",
        stages={
            "Awareness": [
                {"name": "Welcome", "mjml": '<mjml><mj-body><mj-include path="footer" /></mj-body></mjml>'}
            ],
            "Decision": ["Cart", "Thanks"],
        },
        lanes={"Awareness": {"obstacles": "Too many emails", "emotion": 1}},
        personas=[persona],
        variant_labels={"Welcome": ["A", "B"]},
    )
    payload = transfer.export_journey(session, made.id)
    session.commit()
    return payload


def _paths(value, path=()):
    """Every place in a JSON tree (a tuple of keys and indexes), the root first."""
    yield path
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _paths(item, (*path, index))


STRINGS = st.sampled_from(
    ["", " ", "\x00", "x" * 5_000, "Awareness", "Welcome", "a", "A", "current"]
) | st.text(max_size=30)


def _like(value):
    """Another value: most often of the same JSON type (so the file gets past its shape to its rules)."""
    if isinstance(value, bool):
        return st.booleans() | JSON_VALUES
    if isinstance(value, str):
        return STRINGS | STRINGS | JSON_VALUES
    if isinstance(value, int):
        return st.integers(-(10**12), 10**12) | st.sampled_from([0, -1, 2**63]) | JSON_VALUES
    return JSON_VALUES


def _mutated(draw, payload: dict):
    tree = copy.deepcopy(payload)
    for _ in range(draw(st.integers(1, 4))):
        paths = list(_paths(tree))
        path = draw(st.sampled_from(paths))
        if not path:
            tree = draw(JSON_VALUES) if draw(st.integers(0, 9)) == 0 else tree
            continue
        parent = tree
        for step in path[:-1]:
            parent = parent[step]
        action = draw(st.sampled_from(["replace", "replace", "drop", "add"]))
        if action == "replace":
            parent[path[-1]] = draw(_like(parent[path[-1]]))
        elif action == "drop":
            del parent[path[-1]]
        elif isinstance(parent, dict):
            parent[draw(st.text(max_size=12))] = draw(JSON_VALUES)
        else:
            parent.insert(path[-1], draw(JSON_VALUES))
        if not isinstance(tree, dict | list):
            break
    return tree


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_any_journey_file_imports_or_is_refused_and_a_refusal_changes_nothing(session, exported, data):
    tree = _mutated(data.draw, exported)
    raw = json.dumps(tree).encode()
    if data.draw(st.integers(0, 4)) == 0:  # bytes spliced in: mostly no longer JSON
        at = data.draw(st.integers(0, len(raw)))
        raw = raw[:at] + data.draw(st.binary(max_size=6)) + raw[at:]
    name = data.draw(
        st.sampled_from(["Copy", "Copy", "Copy", None, "", "x" * 500])
    )  # None: the file's, taken
    before = database_snapshot(session)
    session.commit()
    try:
        journey_id = transfer.import_journey(session, transfer.read_journey_file(raw), name=name)
    except JourneyError as exc:
        event(f"refused: {type(exc).__name__}: {str(exc)[:25]}")
        session.commit()  # what the CLI and the page do after a refusal: nothing may have been written
        assert database_snapshot(session) == before
    else:
        event("imported")
        assert isinstance(journey_id, int)
    session.rollback()


# --- merge tags ----------------------------------------------------------------------------------

LIQUID_PIECES = [
    "{{",
    "}}",
    "{%",
    "%}",
    "{{ first_name }}",
    "{{ company | upcase }}",
    "{% if n > 2 %}",
    "{% endif %}",
    "{% for i in items %}",
    "{% endfor %}",
    "{% for i in (1..20000000) %}",
    "{% assign v = 'x' %}",
    "{% raw %}",
    "{% endraw %}",
    "{% comment %}",
    "{% include 'x' %}",
    "{% render 'x' %}",
    "{% liquid echo 1 %}",
    " | ",
    "default: 'friend'",
    "times: 99999999",
    "split: ''",
    "join",
    "size",
    "'",
    '"',
    "(",
    "..",
    ")",
    "*|FNAME|*",
    "{{#if x}}",
    "{{/if}}",
    "%%first_name%%",
    "{{{ x }}}",
    "\x00",
    "\n",
    "é",
]
LIQUID = st.lists(st.sampled_from(LIQUID_PIECES) | st.text(max_size=6), max_size=25).map("".join)


@given(source=LIQUID)
def test_any_merge_tags_render_or_are_a_template_error(source):
    try:
        merged = merge_tags(source, PERSONA)
    except JourneyError:
        return
    assert isinstance(merged, str)


@given(source=LIQUID)
def test_any_merge_tags_preview_with_placeholders_or_are_a_template_error(source):
    try:
        merged = merge_preview(source, PERSONA)
    except JourneyError:
        return
    assert isinstance(merged.text, str)
    assert all(isinstance(error, JourneyError) for error in merged.errors)


# --- the MJML pipeline -------------------------------------------------------------------------------

# Whole elements (what an author pastes), attributes (what they mistype), and raw pieces (what a cut, a
# bad paste or a binary file leaves): most examples stay MJML that renders, so the checks run too.
ELEMENTS = [
    "<mj-text>{{ first_name }} &amp; <b>bold</b> &nbsp; &#x0; é</mj-text>",
    '<mj-button href="javascript:alert(1)">Go</mj-button>',
    '<mj-button href="{{ unsubscribe_url }}" font-size="4px">Unsubscribe</mj-button>',
    '<mj-image src="http://127.0.0.1:9/x.png" width="99999px" />',
    '<mj-image src="cid:logo" alt="" />',
    '<mj-include path="footer" />',
    '<mj-include path="../../etc/passwd" />',
    '<mj-include path="missing" />',
    "<mj-raw><script>alert(1)</script><a href='x' target='_top'>x</a></mj-raw>",
    '<mj-section background-url="data:text/html,x"><mj-column><mj-text>x</mj-text></mj-column></mj-section>',
    '<mj-spacer height="-5px" />',
    '<mj-divider border-width="1e9px" />',
    "<mj-table><tr><td style=\"background:url('javascript:x')\">x</td></tr></mj-table>",
    "<!-- a comment -->",
    "{% if n > 2 %}yes{% endif %}",
    "{% for i in items %}{{ i }}{% endfor %}",
    "{{ company | upcase }}",
    "*|FNAME|*",
]
ATTRIBUTES = [
    'padding="-1px"',
    'width="abc"',
    'href="javascript:x"',
    'css-class="<script>"',
    'font-size="99999px"',
    'color="#zzz"',
    'background-url="vbscript:x"',
    'align="nowhere"',
    'mj-class="nope"',
    'style="x:url(javascript:y)"',
    '{{ first_name }}="x"',
]
RAW_PIECES = [
    "<mj-section>",
    "</mj-column>",
    "<mjml>",
    "</mj-body>",
    "<!--",
    "<![CDATA[",
    "<",
    ">",
    '"',
    "{% if %}",
    "\x00",
    "\r",
]
_TAG_ENDS = re.compile(r">")
_TAG_NAMES = re.compile(r"<mj-[a-z-]+")


@st.composite
def hostile_mjml(draw) -> str:
    """A real template with elements, attributes or raw pieces put in (and sometimes a slice cut out)."""
    source = draw(st.sampled_from(TEMPLATES))
    for _ in range(draw(st.integers(1, 5))):
        action = draw(st.sampled_from(["element", "element", "attribute", "attribute", "raw"]))
        if action == "element":
            at = draw(st.sampled_from([m.end() for m in _TAG_ENDS.finditer(source)] or [0]))
            piece = draw(st.sampled_from(ELEMENTS))
        elif action == "attribute":
            at = draw(st.sampled_from([m.end() for m in _TAG_NAMES.finditer(source)] or [0]))
            piece = " " + draw(st.sampled_from(ATTRIBUTES))
        else:
            at = draw(st.integers(0, len(source)))
            piece = draw(st.sampled_from(RAW_PIECES) | st.text(max_size=8))
            source = source[:at] + source[at + draw(st.integers(0, 40)) :]  # a slice lost too
        source = source[:at] + piece + source[at:]
    return source


SNIPPETS = {"footer": "<mj-section><mj-column><mj-text>{{ company }}</mj-text></mj-column></mj-section>"}


@given(source=hostile_mjml(), preheader=LIQUID)
def test_any_mjml_previews_with_its_error_kept_never_raising(source, preheader):
    result = preview(source, PERSONA, preheader=preheader, snippets=SNIPPETS)
    assert isinstance(result, Preview)
    event("rendered" if result.email is not None else f"error kept: {type(result.error).__name__}")
    assert result.error is None or isinstance(result.error, JourneyError)
    if result.email is not None:
        assert isinstance(result.email.html, str)


@given(source=hostile_mjml(), subject=LIQUID)
def test_any_mjml_is_checked_into_findings_never_raising(source, subject):
    findings = check_email(source, subject=subject, preheader=None, data=PERSONA, snippets=SNIPPETS)
    assert all(finding.message for finding in findings)
