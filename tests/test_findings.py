"""Findings read well: the location is said once, the same words in the studio and the CLI.

A finding's message never starts with its line ("Line 30: Line 30, column 309" was the bug); the
line and column are fields, `finding_text` puts them in front. Errors keep both: `exc.message` is the
bare message, `str(exc)` the located one (a page shows it alone).
"""

from __future__ import annotations

import pytest

from journey.core.errors import IncludeError, InvalidMJML, TemplateError
from journey.core.findings import Finding, finding_text, located, location
from journey.write.checks import check_email
from journey.write.render import error_finding

EMAIL = """<mjml>
  <mj-body>
    <mj-section>
      <mj-column>
        <mj-text>Hi from *|COMPANY|* and {{ frist_name }}</mj-text>
        <mj-include path="footer.mjml" />
      </mj-column>
    </mj-section>
  </mj-body>
</mjml>
"""
SUBJECT = "Hello there"
PREHEADER = "A preheader for the email that is long enough to show in every inbox."


@pytest.mark.parametrize(
    ("line", "column", "expected"),
    [
        pytest.param(30, 309, "Line 30, column 309", id="line-and-column"),
        pytest.param(6, None, "Line 6", id="line-only"),
        pytest.param(None, 4, "", id="no-line-no-location"),
    ],
)
def test_location_names_the_line_and_the_column(line, column, expected):
    assert location(line, column) == expected
    assert located("Bad tag.", line, column) == (f"{expected}: Bad tag." if expected else "Bad tag.")


@pytest.mark.parametrize(
    ("error", "shown"),
    [
        pytest.param(
            TemplateError("Bad tag.", line=3, column=4), "Line 3, column 4: Bad tag.", id="template"
        ),
        pytest.param(InvalidMJML("Cannot render.", line=2), "Line 2: Cannot render.", id="mjml-line-only"),
        pytest.param(IncludeError("No snippet.", line=7), "Line 7: No snippet.", id="include"),
        pytest.param(InvalidMJML("Cannot render."), "Cannot render.", id="no-line"),
    ],
)
def test_an_error_says_its_location_once_and_keeps_the_bare_message(error, shown):
    assert str(error) == shown
    assert error.message in {"Bad tag.", "Cannot render.", "No snippet."}
    finding = error_finding(error)
    assert finding.message == error.message
    assert finding_text(finding) == shown


def _findings_by_rule(source: str) -> dict[str, Finding]:
    findings = check_email(source, subject=SUBJECT, preheader=PREHEADER)
    return {f.rule: f for f in findings}


@pytest.mark.parametrize(
    ("rule", "line", "column", "text"),
    [
        pytest.param(
            "merge-tag-foreign",
            5,
            26,  # 8 spaces + "<mj-text>" (9) + "Hi from " (8): the tag is the 26th character
            "Line 5, column 26: *|COMPANY|* looks like a Mailchimp merge tag; this studio uses Liquid, "
            "so readers would see it as written.",
            id="foreign-tag",
        ),
        pytest.param(
            "merge-tag-unknown",
            5,
            45,  # 25 + "*|COMPANY|* and " (16) + "{{ " (3): the name starts at 45
            "Line 5, column 45: Unknown merge tag 'frist_name': this persona has no such field. "
            'Add the field to the persona or give a fallback: {{ frist_name | default: "…" }}.',
            id="unknown-tag",
        ),
        pytest.param(
            "mjml-include",
            6,
            None,
            'Line 6: <mj-include path="footer.mjml">: there is no snippet named "footer". '
            "Create it on the Snippets page, or fix the path.",
            id="include",
        ),
    ],
)
def test_pipeline_findings_carry_the_line_apart_from_the_message(rule, line, column, text):
    finding = _findings_by_rule(EMAIL)[rule]
    assert (finding.line, finding.column) == (line, column)
    assert not finding.message.startswith("Line")
    assert finding_text(finding) == text


def test_broken_mjml_is_one_finding_located_once():
    finding = _findings_by_rule(EMAIL.replace("</mj-column>", ""))["mjml-invalid"]
    assert (finding.line, finding.column) == (4, 7)
    assert finding_text(finding) == (
        "Line 4, column 7: The MJML cannot be rendered: <mj-column> is opened but never closed."
    )


def test_no_finding_message_starts_with_a_location():
    broken = EMAIL.replace("</mj-column>", "").replace("Hi from", '<mj-image src="x.png" />Hi from')
    for source in (EMAIL, broken):
        for finding in check_email(source, subject=SUBJECT, preheader=PREHEADER):
            assert not finding.message.lower().startswith("line "), finding


def test_the_cli_prints_each_finding_as_the_studio_words_it(cli, tmp_path):
    path = tmp_path / "email.mjml"
    path.write_text(EMAIL, encoding="utf-8")
    result = cli("check", str(path), "--subject", SUBJECT, "--preheader", PREHEADER)
    assert result.returncode == 1
    printed = result.stdout.splitlines()
    for finding in check_email(EMAIL, subject=SUBJECT, preheader=PREHEADER):
        fix = f" Fix: {finding.fix}" if finding.fix else ""
        assert f"{finding.severity:7} {finding.rule}: {finding_text(finding)}{fix}" in printed
    assert (
        "error   merge-tag-foreign: Line 5, column 26: *|COMPANY|* looks like a Mailchimp merge tag; "
        "this studio uses Liquid, so readers would see it as written. Fix: Write {{ company }} instead "
        "(Convert to Liquid in the studio, or convert-tags, does it)."
    ) in printed
    assert not any("Line 5: Line" in line or "line 5: Line" in line for line in printed)
    assert "error: 4 error findings; fix them before sending." in result.stderr


def test_the_cli_render_prints_an_unfilled_tag_as_check_does(cli, tmp_path):
    path = tmp_path / "email.mjml"
    path.write_text(EMAIL.replace('<mj-include path="footer.mjml" />', ""), encoding="utf-8")
    result = cli("render", str(path))
    assert result.returncode == 0
    assert (
        "error   merge-tag-unknown: Line 5, column 45: Unknown merge tag 'frist_name': this persona has "
        "no such field."
    ) in result.stderr
