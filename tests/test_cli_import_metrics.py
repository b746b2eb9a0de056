"""`python -m journey import-metrics`: JSON contract, exit codes, help."""

from __future__ import annotations

import json

import pytest
from metrics_import_support import FIXTURES, JOURNEY, counts, dump, make_onboarding
from sqlmodel import Session
from support import in_db

from db.engine import make_engine


@pytest.fixture
def cli_db(tmp_path, monkeypatch):
    """The Onboarding journey in a database that $DATABASE_URL points at (no --database-url)."""
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    with in_db(url) as session:
        make_onboarding(session)
    monkeypatch.setenv("DATABASE_URL", url)
    engine = make_engine(url)
    yield engine
    engine.dispose()


@pytest.fixture
def run(cli):
    """run(*args): `python -m journey import-metrics …` on the database $DATABASE_URL names."""
    return lambda *args: cli("import-metrics", *args)


def test_json_output_and_exit_zero(cli_db, run):
    engine = cli_db
    done = run(str(FIXTURES / "generic.csv"), "--journey", JOURNEY, "--json")
    assert done.returncode == 0, done.stderr
    payload = json.loads(done.stdout)
    assert list(payload)[:3] == ["format", "imported", "rejected"]
    assert (payload["format"], payload["imported"], payload["rejected"]) == ("generic", 5, [])
    with Session(engine) as session:
        assert counts(session)[("Win-back", "", "2026-11-03")]["opens"] == 60


def test_human_summary_lists_unmatched_and_creates_with_create_missing(cli_db, run):
    engine = cli_db
    done = run(str(FIXTURES / "mailchimp.csv"), "--journey", JOURNEY)
    assert done.returncode == 0
    assert "Mailchimp all-campaigns report (mailchimp, detected)" in done.stdout
    assert "Imported 4 rows" in done.stdout
    assert "Black Friday teaser: 1 row, 2,000 sent" in done.stdout
    done = run(str(FIXTURES / "mailchimp.csv"), "--journey", JOURNEY, "--create-missing", "Retention")
    assert done.returncode == 0
    assert "created email “Black Friday teaser”" in done.stdout
    with Session(engine) as session:
        assert ("Black Friday teaser", "", "2026-11-05") in counts(session)


def test_events_it_does_not_count_are_listed_and_the_import_still_succeeds(cli_db, run, tmp_path):
    events = tmp_path / "events.csv"
    lines = ["email,timestamp,event,category"]
    lines += [f"r{i}@example.com,1793610000,processed,Welcome 2" for i in range(3)]
    lines += [f"r{i % 3}@example.com,1793610100,deferred,Welcome 2" for i in range(27)]
    lines += ["r0@example.com,1793610200,account_status_change,Welcome 2"]
    events.write_text("\n".join(lines) + "\n", encoding="utf-8")
    done = run(str(events), "--journey", JOURNEY)
    assert done.returncode == 0, done.stderr
    assert (
        "Left out, as they count towards no metric:\n"
        "  27 rows of event “deferred” ignored\n"
        "  1 row of event “account_status_change” ignored (an event we do not know)\n"
        "Imported 1 row"
    ) in done.stdout
    done = run(str(events), "--journey", JOURNEY, "--json", "--dry-run")
    payload = json.loads(done.stdout)
    assert payload["ignored_events"] == [
        {"event": "deferred", "rows": 27, "known": True, "reason": ""},
        {"event": "account_status_change", "rows": 1, "known": False, "reason": ""},
    ]
    with Session(cli_db) as session:
        assert counts(session)[("Welcome 2", "", "2026-11-02")]["sent"] == 3


def test_rejected_rows_exit_one_and_write_nothing(cli_db, run, tmp_path):
    engine = cli_db
    bad = tmp_path / "bad.csv"
    lines = (FIXTURES / "generic.csv").read_text(encoding="utf-8").splitlines()
    lines[3] = lines[3].replace(",170,", ",-170,")
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    done = run(str(bad), "--journey", JOURNEY, "--json")
    assert done.returncode == 1
    payload = json.loads(done.stdout)
    assert payload["imported"] == 0
    assert payload["rejected"] == [{"row": 4, "error": "opens is negative (-170)"}]
    with Session(engine) as session:
        assert dump(session) == []
    human = run(str(bad), "--journey", JOURNEY)
    assert human.returncode == 1
    assert "row 4: opens is negative (-170)" in human.stdout
    assert "nothing was imported" in human.stdout


def test_file_rejected_as_a_whole_prints_one_error_line_and_exits_one(cli_db, run, tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    done = run(str(empty), "--journey", JOURNEY)
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        "error: The file is empty: export the report again with its header row."
    ]
    done = run(str(empty), "--journey", JOURNEY, "--json")
    assert done.returncode == 1
    assert json.loads(done.stdout)["rejected"][0]["row"] == 1


def test_unknown_journey_and_missing_file_are_one_line_errors(cli_db, run, tmp_path):
    done = run(str(FIXTURES / "generic.csv"), "--journey", "Nope")
    assert done.returncode == 1
    assert done.stderr.startswith('error: No journey named "Nope"')
    done = run(str(tmp_path / "missing.csv"), "--journey", JOURNEY)
    assert done.returncode == 1
    assert "no such file" in done.stderr


def test_dry_run_and_explicit_format(cli_db, run):
    engine = cli_db
    done = run(str(FIXTURES / "events_sendgrid.csv"), "--journey", JOURNEY, "--format", "events", "--dry-run")
    assert done.returncode == 0
    assert "(events, chosen)" in done.stdout
    assert "Would import 2 rows" in done.stdout
    with Session(engine) as session:
        assert dump(session) == []


def test_help_documents_every_option(cli):
    done = cli("import-metrics", "--help")
    assert done.returncode == 0
    for option in (
        "--journey",
        "--format",
        "--map",
        "--mapping",
        "--save-mapping",
        "--create-missing",
        "--dry-run",
        "--json",
        "row 1",
    ):
        assert option in done.stdout


def test_a_key_value_report_imports_and_the_skipped_rows_are_noted(cli_db, run):
    done = run(str(FIXTURES / "mailchimp_ab.csv"), "--journey", JOURNEY, "--json")
    assert done.returncode == 0, done.stderr
    payload = json.loads(done.stdout)
    assert (payload["format"], payload["imported"], payload["notes"]) == ("mailchimp_ab", 2, [])
    done = run(str(FIXTURES / "klaviyo_new.csv"), "--journey", JOURNEY)
    assert done.returncode == 0, done.stderr
    assert "Klaviyo campaign export (klaviyo, detected)" in done.stdout
    assert (
        "Note: Skipped 2 rows that are not email (Send channel: Push: 1, SMS: 1); rows 3, 5." in done.stdout
    )


SENDGRID = FIXTURES / "sendgrid_mc_stats.csv"
SENDGRID_MAP = (
    "--map", "date=Date", "--map", "email=Single Send Name", "--map", "sent=Requests",
    "--map", "delivered=Delivered", "--map", "opens=Unique Opens", "--map", "clicks=Unique Clicks",
    "--map", "complaints=Spam Reports", "--map", "bounces=Bounces",
)  # fmt: skip


def test_an_unknown_header_says_how_to_map_it_with_an_example_from_the_file(cli_db, run):
    done = run(str(SENDGRID), "--journey", JOURNEY)
    assert done.returncode == 1
    (line,) = done.stderr.strip().splitlines()
    assert line.startswith("error: The header is not one we recognise")
    assert line.endswith(
        '--map our_field="Their Column" for each needed field, or --mapping NAME for a saved mapping; for this '
        'file: --map date="Date" --map email="Single Send Name" --map sent="Requests" --map delivered="Delivered" '
        '--map opens="Unique Opens" --map clicks="Unique Clicks"'
    )


def test_map_imports_saves_the_mapping_and_the_next_file_uses_it(cli_db, run):
    engine = cli_db
    done = run(str(SENDGRID), "--journey", JOURNEY, *SENDGRID_MAP, "--save-mapping", "SendGrid stats")
    assert done.returncode == 0, done.stderr
    assert "Mapped columns (mapped, chosen), 3 rows read." in done.stdout
    assert "Columns mapped with the saved mapping “SendGrid stats”." in done.stdout
    assert "Imported 2 rows" in done.stdout
    with Session(engine) as session:
        got = counts(session)
    assert (
        got[("Welcome 1", "", "2026-11-09")]["sent"],
        got[("Welcome 1", "", "2026-11-09")]["complaints"],
    ) == (
        1000,
        1,
    )
    # next week: same header, no --map, no --mapping
    again = run(str(SENDGRID), "--journey", JOURNEY, "--json")
    assert again.returncode == 0, again.stderr
    payload = json.loads(again.stdout)
    assert (payload["format"], payload["mapping_name"], payload["imported"]) == (
        "mapped",
        "SendGrid stats",
        2,
    )
    # by name, with one column overridden by --map
    named = run(
        str(SENDGRID), "--journey", JOURNEY, "--mapping", "sendgrid STATS", "--map", "bounces=", "--dry-run"
    )
    assert named.returncode == 1  # "--map bounces=" is malformed: an empty column
    assert "write it as our_field=Their Column" in named.stderr
    named = run(str(SENDGRID), "--journey", JOURNEY, "--mapping", "sendgrid STATS", "--dry-run")
    assert named.returncode == 0, named.stderr
    assert "Would import 2 rows" in named.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(
            ("--map", "openz=Unique Opens"),
            "error: “openz” is not one of our fields. Our fields: Send date (date), Journey stage (stage),",
            id="unknown-field",
        ),
        pytest.param(
            ("--map", "date=Date", "--map", "email=Name", "--map", "opens=Unique Opens"),
            "error: The file has no column “Name” (mapped to Email or campaign name (email)). Its columns: “Date”, "
            "“Single Send Name”, “Requests”",
            id="unknown-column",
        ),
        pytest.param(
            ("--map", "date=Date", "--map", "email=Single Send Name"),
            "error: Choose the column that holds Unique opens (opens), Unique clicks (clicks), Sent (sent) or "
            "Delivered (delivered): they are needed to import.",
            id="missing-fields",
        ),
        pytest.param(
            ("--mapping", "Weekly"),
            "error: No saved mapping is called “Weekly”. Saved mappings: none yet",
            id="unknown-saved-mapping",
        ),
        pytest.param(
            ("--map", "opens", "--format", "generic"),
            "error: --map and --mapping read the columns",
            id="format",
        ),
        pytest.param(
            ("--save-mapping", "X"), "error: --save-mapping saves the --map columns", id="save-without-map"
        ),
    ],
)
def test_bad_mappings_are_one_line_errors_naming_what_is_valid(cli_db, run, args, message):
    engine = cli_db
    done = run(str(SENDGRID), "--journey", JOURNEY, *args)
    assert done.returncode == 1
    assert done.stderr.startswith(message), done.stderr
    with Session(engine) as session:
        assert dump(session) == []


def test_dry_run_prints_what_each_email_will_change(cli_db, run):
    assert run(str(FIXTURES / "generic.csv"), "--journey", JOURNEY).returncode == 0
    done = run(str(FIXTURES / "mailchimp.csv"), "--journey", JOURNEY, "--dry-run")
    assert done.returncode == 0, done.stderr
    lines = [" ".join(line.split()) for line in done.stdout.splitlines()]  # the table's padding aside
    start = lines.index("6 rows → 3 emails in “Onboarding”: 3 new days, 1 updated, 1 row skipped")
    assert lines[start + 1 : start + 8] == [
        "Rows In the file Email in the journey New days Updated days Skipped A/B test",
        "2 Welcome email #1 (Nov) Welcome 1 (Awareness) 0 1",
        "3 Welcome 2 Welcome 2 (Awareness) 1 0",
        "4 Welcome 2 Welcome 2 (Awareness) 1 0",
        "5 Case study (A) Case study / A (Consideration) 1 0 "
        "A/B test: “Case study (A)” is variant A of “Case study”, beside “Case study (B)”",
        "6 Case study (B) Case study / B (Consideration) 1 0 "
        "A/B test: “Case study (B)” is variant B of “Case study”, beside “Case study (A)”",
        "7 Black Friday teaser no match 0 0 no email named “Black Friday teaser” in this journey",
    ]
    as_json = json.loads(
        run(str(FIXTURES / "mailchimp.csv"), "--journey", JOURNEY, "--dry-run", "--json").stdout
    )
    assert (as_json["new_days"], as_json["updated_days"], as_json["skipped_rows"]) == (3, 1, 1)
    assert as_json["check"][0]["email"] == "Welcome 1"
