"""The README documents every CLI command and every check rule, and every rule it names is tested.

In the style of sqlite-utils' tests/test_docs.py: adding a command or a rule without documenting it fails here.
"""

from __future__ import annotations

import argparse
import ast
import re
from pathlib import Path

import pytest

from journey.__main__ import build_parser
from journey.write import mjml_schema

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
TESTS = Path(__file__).resolve().parent

# Where rule ids are written: the pre-send checks, MJML validation, merge tags, render and the sanitiser
# (journey/write/) and the journey checks. A rule id is a dashed lowercase word such as "subject-missing".
RULE_MODULES = sorted((ROOT / "journey" / "write").glob("*.py")) + [ROOT / "journey" / "plan" / "checks.py"]
RULE_SHAPE = re.compile(r"[a-z]+(?:-[a-z0-9]+)+")
# Dashed words in those modules that are not rule ids: MJML tags and attributes, HTML attributes and
# header values the sanitiser allows, text encodings, the merge-tag engine named "single-brace".
MJML_WORDS = (
    set(mjml_schema.ATTRIBUTES)
    | set(mjml_schema.ALL_ATTRIBUTE_NAMES)
    | set(mjml_schema.CHILDREN)
    | set().union(*mjml_schema.CHILDREN.values())
    | set(mjml_schema.ENDING_TAGS)
    | set(mjml_schema.COMMON_ATTRIBUTES)
)
OTHER_WORDS = {
    "content-type",
    "http-equiv",
    "x-ua-compatible",
    "utf-8",
    "quoted-printable",
    "mj-container",
    "single-brace",
}  # MJML 3


def _subcommands() -> list[str]:
    parser = build_parser()
    (subparsers,) = (a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return sorted(subparsers.choices)


def _declared_rules() -> list[str]:
    rules = set()
    for module in RULE_MODULES:
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and RULE_SHAPE.fullmatch(node.value)
            ):
                rules.add(node.value)
    not_rules = {
        word for word in rules if word in MJML_WORDS or word in OTHER_WORDS or word.startswith("aria-")
    }
    return sorted(rules - not_rules)


def _readme_section(start: str, end: str) -> str:
    return README[README.index(start) : README.index(end, README.index(start))]


# The first column of the README's command-line table: | `demo [--replace]` | …
DOCUMENTED_COMMANDS = set(
    re.findall(r"^\| `([a-z][a-z-]*)[ `]", _readme_section("## Command line", "\n## "), re.M)
)
# Rule ids the README names, in backticks, in *Pre-send checks* and in the journey checks' paragraph.
DOCUMENTED_RULES = {
    word
    for section in (
        _readme_section("### Pre-send checks", "\n### "),
        _readme_section("Journey checks: **errors**", "\n\n"),
    )
    for word in re.findall(r"`([^`]+)`", section)
    if RULE_SHAPE.fullmatch(word)
}
DECLARED_RULES = _declared_rules()
TEST_SOURCES = "\n".join(
    path.read_text(encoding="utf-8") for path in sorted(TESTS.glob("*.py")) if path.name != "test_docs.py"
)


def test_the_readme_lists_commands_and_rules():
    """The collections below are not empty (a changed README layout must not make the other tests vacuous)."""
    assert {"init", "check", "check-journey"} <= DOCUMENTED_COMMANDS
    assert {"subject-missing", "unsafe-script", "email-no-unsubscribe"} <= DOCUMENTED_RULES
    assert len(DECLARED_RULES) >= 60


@pytest.mark.parametrize("command", _subcommands())
def test_every_command_is_in_the_readme_table(command):
    assert command in DOCUMENTED_COMMANDS, (
        f"`python -m journey {command}` is not in README.md's command table"
    )


def test_the_readme_table_names_only_commands_that_exist():
    assert sorted(DOCUMENTED_COMMANDS - set(_subcommands())) == []


@pytest.mark.parametrize("rule", DECLARED_RULES)
def test_every_rule_is_in_the_readme(rule):
    assert rule in DOCUMENTED_RULES, f"rule {rule!r} is not in README.md (Pre-send checks or Journey checks)"


@pytest.mark.parametrize("rule", sorted(DOCUMENTED_RULES))
def test_every_rule_in_the_readme_exists_and_a_test_expects_it(rule):
    assert rule in DECLARED_RULES, f"README.md names {rule!r}, which no checker emits"
    assert f'"{rule}"' in TEST_SOURCES, f"no test expects a finding with rule {rule!r}"
