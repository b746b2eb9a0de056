"""A corpus of real MJML templates against the official renderer (mjml 4.15.3, soft mode).

tests/fixtures/mjml/official_corpus.json holds what the official package reports for every template
under tests/fixtures/mjml (made by `bench/bench_preview.py --write-official`, sources and licences in
tests/fixtures/mjml/README.md). For each template, our pipeline runs once (`preview`: parse, validate,
render) and:

- where the official renders without an error, we report no MJML error (severity error, `mjml-*`);
- every official error we can also see, we report at the same element line: an illegal attribute
  (`mjml-unknown-attribute`), an invalid value (`mjml-invalid-value`), an `mj-include` it cannot read
  (`mjml-include`) and a source it refuses as malformed (`mjml-no-root`, e.g. a partial);
- every template the official renders gives a non-empty preview (merge tags of other engines that the
  studio cannot fill yet are marked xfail until the merge-tag placeholders land).
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

import pytest

from journey.write.render import Preview, preview

FIXTURES = Path(__file__).parent / "fixtures" / "mjml"
OFFICIAL = json.loads((FIXTURES / "official_corpus.json").read_text(encoding="utf-8"))
TEMPLATES = sorted(OFFICIAL["templates"])


@cache
def _result(name: str) -> Preview:
    """The pipeline's one run on a template (parsed and rendered once for all the tests below)."""
    return preview((FIXTURES / name).read_text(encoding="utf-8"))


def _element_line(result: Preview, line: int) -> int:
    """The first line of the element a finding at `line` belongs to (the official reports that one)."""
    nodes = [node for node in result.document.nodes if node.line <= line] if result.document else []
    return max(nodes, key=lambda node: node.offset).line if nodes else line


def _expected(name: str) -> set[tuple[int, str]]:
    """(line, our rule) for each official error we can see as well."""
    entry = OFFICIAL["templates"][name]
    expected = set()
    if not entry["renders"]:
        expected.add((1, "mjml-no-root"))
    for error in entry["errors"]:
        message = error["message"]
        if "has invalid value" in message:
            expected.add((error["line"], "mjml-invalid-value"))
        elif re.match(r"Attributes? .+ (?:is|are) illegal", message):
            expected.add((error["line"], "mjml-unknown-attribute"))
        elif message.startswith("mj-include fails to read file"):
            expected.add((error["line"], "mjml-include"))
    return expected


def test_corpus_is_at_least_thirty_real_templates_from_several_repositories():
    assert OFFICIAL["mjml_version"] == "4.15.3"
    assert len(TEMPLATES) >= 30
    sources = {name.split("/")[1] for name in TEMPLATES if name.startswith("corpus/")}
    assert len(sources) >= 4
    assert set(TEMPLATES) == {p.relative_to(FIXTURES).as_posix() for p in FIXTURES.rglob("*.mjml")}


@pytest.mark.parametrize("name", TEMPLATES)
def test_no_mjml_error_where_the_official_renders_without_one(name):
    entry = OFFICIAL["templates"][name]
    if entry["errors"] or not entry["renders"]:
        pytest.skip("the official reports errors here (see the next test)")
    errors = [f for f in _result(name).findings if f.rule.startswith("mjml-") and f.severity == "error"]
    assert errors == []


@pytest.mark.parametrize("name", TEMPLATES)
def test_official_errors_are_reported_at_the_same_element(name):
    result = _result(name)
    # An include is resolved (or left out) before parsing, so its finding is at its own line already.
    # The renderer's refusal of a file the official does not render either (mjml-invalid, whose message
    # says why, e.g. "This is a partial") stands for our structure finding at that line.
    refused = {"mjml-invalid": "mjml-no-root"} if not OFFICIAL["templates"][name]["renders"] else {}
    ours = {
        (
            f.line if f.rule == "mjml-include" else _element_line(result, f.line or 1),
            refused.get(f.rule, f.rule),
        )
        for f in result.findings
        if f.rule.startswith("mjml-")
    }
    assert _expected(name) <= ours


@pytest.mark.parametrize(
    "name",
    [name for name in TEMPLATES if OFFICIAL["templates"][name]["renders"]],
)
def test_every_template_the_official_renders_gives_a_preview(name):
    result = _result(name)
    assert result.error is None, str(result.error)
    assert result.email is not None
    assert "<body" in result.email.html
    assert result.email.text.strip()
