"""CLI: `python -m journey render` and `python -m journey check`: output, exit codes and one-line errors."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

EMAIL = """<mjml>
  <mj-body>
    <mj-section>
      <mj-column>
        <mj-text font-size="16px">Hi {{ first_name | default: "there" }}, your beans ship today.</mj-text>
        <mj-button href="https://fernhill.example/track" font-size="16px" line-height="20px" inner-padding="14px 28px">Track your box</mj-button>
        <mj-text font-size="14px"><a href="{{ unsubscribe_url }}">Unsubscribe</a></mj-text>
        <mj-text font-size="14px">Fernhill Coffee Roasters, 214 Alder Street, Portland, OR 97209</mj-text>
      </mj-column>
    </mj-section>
  </mj-body>
</mjml>
"""


@pytest.fixture
def email_file(tmp_path) -> Path:
    path = tmp_path / "shipping.mjml"
    path.write_text(EMAIL, encoding="utf-8")
    return path


@pytest.fixture
def data_file(tmp_path) -> Path:
    path = tmp_path / "olivia.json"
    path.write_text(json.dumps({"first_name": "Olivia"}), encoding="utf-8")
    return path


def test_render_prints_sanitised_html_with_merge_tags_filled(cli, email_file, data_file):
    result = cli("render", str(email_file), "--data", str(data_file))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("<!doctype html>")
    assert "Hi Olivia, your beans ship today." in result.stdout
    assert result.stderr == ""


def test_render_text_prints_the_plain_text_alternative(cli, email_file):
    result = cli("render", str(email_file), "--text")
    assert result.returncode == 0, result.stderr
    assert "Hi there, your beans ship today." in result.stdout
    assert "Track your box (https://fernhill.example/track)" in result.stdout
    assert "<" not in result.stdout


def test_render_reads_standard_input(cli):
    result = cli("render", "-", "--text", stdin=EMAIL)
    assert result.returncode == 0, result.stderr
    assert "your beans ship today" in result.stdout


@pytest.mark.parametrize(
    ("source", "words"),
    [
        pytest.param(EMAIL.replace("</mj-column>", ""), "Line 4, column 7", id="unclosed-column"),
        pytest.param(
            "<mjml><mj-body>" + "<mj-wrapper>" * 3000 + "</mj-body></mjml>", "levels deep", id="too-deep"
        ),
    ],
)
def test_render_exits_1_with_one_line_on_stderr_for_invalid_input(cli, tmp_path, source, words):
    path = tmp_path / "bad.mjml"
    path.write_text(source, encoding="utf-8")
    result = cli("render", str(path))
    assert result.returncode == 1
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stderr.startswith("error: ")
    assert words in result.stderr


def test_render_shows_an_unknown_merge_tag_as_a_placeholder_exits_0_and_reports_it(cli, tmp_path):
    path = tmp_path / "typo.mjml"
    path.write_text(
        EMAIL.replace('{{ first_name | default: "there" }}', "{{ frist_name }}"), encoding="utf-8"
    )
    result = cli("render", str(path), "--text")
    assert result.returncode == 0
    assert "Hi {{ frist_name }}, your beans ship today." in result.stdout
    assert result.stderr.startswith(
        "error   merge-tag-unknown: Line 5, column 41: Unknown merge tag 'frist_name'"
    )
    assert len(result.stderr.strip().splitlines()) == 1


def test_render_strict_exits_1_on_unknown_and_foreign_tags(cli, tmp_path):
    path = tmp_path / "mailchimp.mjml"
    path.write_text(
        EMAIL.replace('{{ first_name | default: "there" }}', "*|FNAME|* {{ frist_name }}"), encoding="utf-8"
    )
    result = cli("render", str(path), "--strict")
    assert result.returncode == 1
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert [line.split(":")[0] for line in lines] == [
        "error   merge-tag-foreign",
        "error   merge-tag-unknown",
        "error",
    ]
    assert "Mailchimp" in lines[0]
    assert "{{ first_name }}" in lines[0]
    assert lines[-1] == "error: 2 merge tags cannot be filled; fix them before sending."
    assert (
        cli("render", str(tmp_path / "mailchimp.mjml"), "--strict", "--data", str(_data(tmp_path))).returncode
        == 1
    )


def _data(tmp_path) -> Path:
    path = tmp_path / "data.json"
    path.write_text('{"frist_name": "Olivia"}', encoding="utf-8")
    return path


def test_render_strict_passes_a_clean_email(cli, email_file):
    result = cli("render", str(email_file), "--strict")
    assert result.returncode == 0
    assert result.stderr == ""


def test_convert_tags_writes_liquid_and_lists_what_it_converted(cli, tmp_path):
    source = tmp_path / "hbs.mjml"
    source.write_text(
        EMAIL.replace('{{ first_name | default: "there" }}', "{{#if vip}}VIP{{/if}} *|FNAME|*"),
        encoding="utf-8",
    )
    out = tmp_path / "liquid.mjml"
    result = cli("convert-tags", str(source), "-o", str(out))
    assert result.returncode == 0, result.stdout
    assert "Hi {% if vip %}VIP{% endif %} {{ first_name }}, your beans" in out.read_text(encoding="utf-8")
    assert result.stdout.splitlines() == [
        "Converted 3 tags:",
        "  Line 5, column 38: {{#if vip}} (Handlebars) → {% if vip %}",
        "  Line 5, column 52: {{/if}} (Handlebars) → {% endif %}",
        "  Line 5, column 60: *|FNAME|* (Mailchimp) → {{ first_name }}",
    ]


def test_convert_tags_exits_1_and_lists_what_it_could_not_convert(cli, tmp_path):
    result = cli("convert-tags", "-", stdin=EMAIL.replace("your beans", "{{> footer}} *|FNAME|* beans"))
    assert result.returncode == 1
    assert 'Hi {{ first_name | default: "there" }}, {{> footer}} {{ first_name }} beans' in result.stdout
    assert (
        "Could not convert 1 tag, left as written:\n  Line 5, column 75: {{> footer}} (Handlebars)"
        in result.stderr
    )


def test_convert_tags_on_liquid_changes_nothing(cli, email_file):
    result = cli("convert-tags", str(email_file))
    assert result.returncode == 0
    assert result.stdout == EMAIL
    assert result.stderr == "No merge tags of other engines found: nothing to convert.\n"


def test_missing_file_and_bad_data_are_one_line_errors(cli, tmp_path, email_file):
    missing = cli("render", str(tmp_path / "nope.mjml"))
    assert missing.returncode == 1
    assert "no such file" in missing.stderr
    bad = tmp_path / "bad.json"
    bad.write_text("{first_name: Olivia}")
    result = cli("check", str(email_file), "--data", str(bad))
    assert result.returncode == 1
    assert len(result.stderr.strip().splitlines()) == 1
    assert "not valid JSON (line 1, column 2" in result.stderr
    not_object = tmp_path / "list.json"
    not_object.write_text("[1, 2]")
    assert "JSON object" in cli("render", str(email_file), "--data", str(not_object)).stderr


def test_check_json_prints_rule_severity_message_line_and_exits_0_without_errors(cli, email_file):
    result = cli(
        "check",
        str(email_file),
        "--subject",
        "Your beans ship today",
        "--preheader",
        "Freshly roasted on Monday, at your office by Thursday: track the box here.",
        "--json",
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == []


def test_check_json_rows_have_exactly_rule_severity_message_line_column(cli, email_file):
    result = cli("check", str(email_file), "--json")  # no preheader: one warning
    assert result.returncode == 0, result.stderr
    findings = json.loads(result.stdout)
    assert findings == [
        {
            "rule": "preheader-missing",
            "severity": "warning",
            "message": "The email has no preheader, so inboxes show the first words of the body instead.",
            "line": None,
            "column": None,
        }
    ]


def test_check_exits_1_when_any_finding_is_an_error(cli, tmp_path):
    path = tmp_path / "no-unsubscribe.mjml"
    path.write_text(EMAIL.replace('<a href="{{ unsubscribe_url }}">Unsubscribe</a>', "Bye"), encoding="utf-8")
    result = cli("check", str(path), "--subject", "Your beans ship today", "--json")
    assert result.returncode == 1
    findings = json.loads(result.stdout)
    assert {"rule": "unsubscribe-missing", "severity": "error"}.items() <= next(
        f for f in findings if f["rule"] == "unsubscribe-missing"
    ).items()
    assert len(result.stderr.strip().splitlines()) == 1


def test_check_reports_broken_mjml_as_an_error_finding_with_its_line(cli, tmp_path):
    path = tmp_path / "broken.mjml"
    path.write_text(EMAIL.replace("</mj-column>", ""), encoding="utf-8")
    result = cli("check", str(path), "--json")
    assert result.returncode == 1
    findings = json.loads(result.stdout)
    assert findings[0] == {
        "rule": "mjml-invalid",
        "severity": "error",
        "message": "The MJML cannot be rendered: <mj-column> is opened but never closed.",  # no "Line 4"
        "line": 4,
        "column": 7,
    }


def test_check_without_json_prints_readable_lines(cli, email_file):
    result = cli("check", str(email_file), "--subject", "")
    assert result.returncode == 1
    assert "error   subject-missing: The email has no subject." in result.stdout


def test_every_studio_option_has_help_text(cli):
    from journey.__main__ import build_parser

    parser = build_parser()
    subparsers = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    for name in ("render", "check"):
        command = subparsers.choices[name]
        for action in command._actions:
            if isinstance(action, argparse._HelpAction):
                continue
            assert action.help, f"{name} {action.dest} has no help"
    help_text = cli("check", "--help").stdout
    assert help_text.startswith("usage: python -m journey check")
    for option in (
        "--data",
        "--subject",
        "--preheader",
        "--cta-label",
        "--cta-url",
        "--check-links",
        "--json",
    ):
        assert option in help_text


FOOTER_SNIPPET = (
    '<mj-section><mj-column><mj-text><a href="{{ unsubscribe_url }}">Unsubscribe</a> · '
    "Fernhill Coffee, 214 Alder Street, Portland</mj-text></mj-column></mj-section>\n"
)


def _including(path: str) -> str:
    return EMAIL.replace("  </mj-body>", f'    <mj-include path="{path}" />\n  </mj-body>')


def test_render_resolves_includes_from_the_folder_of_the_file_like_mjml(cli, tmp_path):
    (tmp_path / "footer.mjml").write_text(FOOTER_SNIPPET, encoding="utf-8")
    email = tmp_path / "welcome.mjml"
    email.write_text(_including("./footer.mjml"), encoding="utf-8")
    result = cli("render", str(email), "--text")
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("Unsubscribe (https://example.com/unsubscribe)") == 2


def test_render_refuses_an_unknown_include_with_its_line(cli, email_file):
    email_file.write_text(_including("partials/header.mjml"), encoding="utf-8")
    result = cli("render", str(email_file))
    assert result.returncode == 1
    assert (
        'Line 11: <mj-include path="partials/header.mjml">: there is no snippet named "header"'
        in result.stderr
    )


def test_check_reads_snippets_from_another_folder_and_reports_a_cycle(cli, tmp_path, email_file):
    folder = tmp_path / "partials"
    folder.mkdir()
    (folder / "footer.mjml").write_text('<mj-include path="legal.mjml" />', encoding="utf-8")
    (folder / "legal.mjml").write_text('<mj-include path="footer.mjml" />', encoding="utf-8")
    email_file.write_text(_including("footer.mjml"), encoding="utf-8")
    result = cli("check", str(email_file), "--snippets", str(folder), "--json")
    assert result.returncode == 1
    rows = json.loads(result.stdout)
    assert [(r["rule"], r["line"]) for r in rows if r["severity"] == "error"] == [("mjml-include-cycle", 11)]
    assert "footer.mjml → legal.mjml → footer.mjml" in rows[0]["message"]


def test_check_with_workspace_uses_the_database_snippets(cli, tmp_path, app_db):
    from journey.write.snippets import create_snippet
    from tests.support import in_db

    with in_db(app_db) as session:
        create_snippet(
            session,
            name="legal",
            mjml="<mj-section><mj-column><mj-text>Legal</mj-text></mj-column></mj-section>",
        )
    email = tmp_path / "mail" / "welcome.mjml"
    email.parent.mkdir()
    email.write_text(_including("legal"), encoding="utf-8")
    assert cli("render", str(email), "--text").returncode == 1
    result = cli("render", str(email), "--text", "--workspace", db=app_db)
    assert result.returncode == 0, result.stderr
    assert "Legal" in result.stdout
