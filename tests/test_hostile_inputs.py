"""Nothing accepted that breaks a page later (issue 13, point 5): dates, weeks, journey files, CSV headers,
NUL bytes, pastes, and every CLI command on the fuzz corpus (tests/fixtures/fuzz/, README there).

Expected values are worked out by hand: the date window is 2000-01-01 to 31 December of next year, a
header has at most 500 columns of 200 characters, a journey file is all or nothing.
"""

from __future__ import annotations

import ast
import io
import json
import re
import shutil
import time
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlmodel import Session, func, select
from support import ROOT, in_db, make_journey, make_persona

from db.models import Email, EmailVariant, Journey, MetricDaily, Persona
from journey.core.errors import ImportRejected, InvalidInput, InvalidJourneyFile
from journey.core.fields import clean_name, clean_text
from journey.measure.imports import import_metrics, read_header
from journey.measure.imports.formats import (
    MAX_COLUMNS,
    MAX_HEADER_CELL,
    CellError,
    day_window,
    parse_day,
    parse_event_day,
)
from journey.measure.weeks import parse_week
from journey.plan import transfer
from journey.plan.map_export import parse_lanes_csv

FUZZ = ROOT / "tests" / "fixtures" / "fuzz"
HEADER = "date,stage,email,sent,delivered,opens,clicks,conversions,unsubscribes"
NEXT_YEAR_END = date(date.today().year + 1, 12, 31)


# --- dates and weeks ---------------------------------------------------------------------------------


def test_the_date_window_runs_from_2000_to_the_end_of_next_year():
    assert day_window(date(2026, 12, 1)) == (date(2000, 1, 1), date(2027, 12, 31))
    assert day_window(date(2031, 1, 1)) == (date(2000, 1, 1), date(2032, 12, 31))


@pytest.mark.parametrize(
    ("text", "accepted"),
    [
        pytest.param("2000-01-01", True, id="first-day"),
        pytest.param("1999-12-31", False, id="day-before"),
        pytest.param(NEXT_YEAR_END.isoformat(), True, id="last-day"),
        pytest.param((NEXT_YEAR_END + timedelta(days=1)).isoformat(), False, id="day-after"),
        pytest.param("9999-12-31", False, id="year-9999"),
        pytest.param("0001-01-01", False, id="year-1"),
        pytest.param("Jan 01, 1970 09:30 am", False, id="mailchimp-1970"),
        pytest.param("Jun 09, 2018 09:30 pm", True, id="mailchimp-2018"),
    ],
)
def test_parse_day_refuses_dates_outside_the_window(text, accepted):
    if accepted:
        assert parse_day(text) >= date(2000, 1, 1)
    else:
        with pytest.raises(CellError, match="outside the dates we accept"):
            parse_day(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("946684800", date(2000, 1, 1), id="unix-first-second"),
        pytest.param("946684800000", date(2000, 1, 1), id="unix-ms"),
        pytest.param("1999-12-31T23:00:00-02:00", date(2000, 1, 1), id="iso-utc-is-2000"),
    ],
)
def test_parse_event_day_accepts_the_first_day_in_utc(text, expected):
    assert parse_event_day(text) == expected.toordinal()


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("946684799", id="unix-last-second-of-1999"),
        pytest.param("0", id="epoch"),
        pytest.param("-1", id="negative"),
        pytest.param("99999999999999999999", id="twenty-digits"),
        pytest.param("1e400", id="infinite-float"),
        pytest.param("9999-12-31T00:00:00Z", id="iso-9999"),
        pytest.param("0001-01-01T00:00:00+01:00", id="iso-before-year-1-in-utc"),
    ],
)
def test_parse_event_day_refuses_times_outside_the_window(text):
    with pytest.raises(CellError):
        parse_event_day(text)


@pytest.mark.parametrize("week", ["9999-W52", "1999-W52", f"{date.today().year + 2}-W01", "0001-W01"])
def test_a_week_outside_the_window_is_a_clear_error(week):
    with pytest.raises(InvalidInput, match=f"metrics are kept for 2000 to {date.today().year + 1}"):
        parse_week(week)


def test_report_week_9999_is_a_one_line_error(cli, db_url):
    for args in (
        ("--week", "9999-W52"),
        ("--week", "2026-W54"),
        ("--from", "0001-01-01", "--to", "9999-12-31"),
    ):
        result = cli("report", "--journey", "Spring", *args, db=db_url)
        assert result.returncode == 1, args
        assert result.stderr.startswith("error: "), result.stderr
        assert result.stderr.count("\n") == 1, result.stderr
        assert "Traceback" not in result.stderr


# --- metric imports ------------------------------------------------------------------------------------


@pytest.fixture
def welcome(session):
    made = make_journey(session, stages={"Awareness": ["Welcome"]})
    session.commit()
    return made


def _metric_rows(session: Session) -> int:
    return session.exec(select(func.count()).select_from(MetricDaily)).one()


def test_dates_out_of_the_window_are_rejected_with_row_and_column_and_nothing_is_written(session, welcome):
    csv = (
        f"{HEADER}\n2026-11-02,Awareness,Welcome,10,10,1,1,0,0\n"
        "9999-12-31,Awareness,Welcome,10,10,1,1,0,0\n1999-12-31,Awareness,Welcome,10,10,1,1,0,0\n"
    )
    result = import_metrics(session, welcome.id, io.BytesIO(csv.encode()))
    assert [(r.row, r.error.split(":")[0]) for r in result.rejected] == [(3, "date"), (4, "date")]
    assert "“9999-12-31” is outside the dates we accept (2000-01-01 to" in result.rejected[0].error
    assert not result.written
    session.commit()
    assert _metric_rows(session) == 0


def test_a_nul_byte_in_a_name_is_rejected_before_an_email_is_created(session, welcome):
    csv = f"{HEADER}\n2026-11-02,Awareness,Wel\x00come 2,10,10,1,1,0,0\n"
    result = import_metrics(session, welcome.id, io.BytesIO(csv.encode()), create_missing_stage="Awareness")
    assert [(r.row, r.error) for r in result.rejected] == [
        (2, "email: the cell holds a NUL byte (\\0): the file is not plain text")
    ]
    session.commit()
    assert session.exec(select(func.count()).select_from(Email)).one() == 1  # only Welcome


def test_a_header_of_the_column_limit_is_read_and_one_more_is_refused():
    widest = ",".join(f"c{i}" for i in range(MAX_COLUMNS))
    assert len(read_header(io.BytesIO(f"{widest}\n".encode()))) == 500
    with pytest.raises(ImportRejected, match="The header has 501 columns; we read at most 500") as caught:
        read_header(io.BytesIO(f"{widest},c500\n".encode()))
    assert (caught.value.row, caught.value.field) == (1, "header")


def test_a_long_column_name_is_refused_with_its_column():
    header = f"date,email,{'x' * MAX_HEADER_CELL}\n"
    assert read_header(io.BytesIO(header.encode()))[2] == "x" * 200
    with pytest.raises(ImportRejected, match="Row 1, column 3: the column name is 201 characters") as caught:
        read_header(io.BytesIO(f"date,email,{'x' * 201}\n".encode()))
    assert caught.value.column == 3


@pytest.mark.parametrize(
    "header",
    [
        pytest.param("date,email," + "x" * 1_100_000, id="1-MB-header-cell"),
        pytest.param(HEADER + ",c" * 1_000_000, id="million-columns"),
    ],
)
def test_a_monstrous_header_is_refused_before_it_is_read_whole(header):
    started = time.perf_counter()
    with pytest.raises(ImportRejected, match="The header row is over 101,500 characters long"):
        read_header(io.BytesIO(f"{header}\n2026-11-02,Welcome,1\n".encode()))
    assert time.perf_counter() - started < 1.0


def test_a_nul_byte_in_the_header_is_refused():
    with pytest.raises(ImportRejected, match="Row 1, column 1: the column name holds a NUL byte"):
        read_header(io.BytesIO((FUZZ / "nul_in_header.csv").read_bytes()))


# --- journey files ----------------------------------------------------------------------------------------


def _counts(session: Session) -> tuple[int, int, int]:
    return tuple(
        session.exec(select(func.count()).select_from(m)).one() for m in (Journey, Persona, EmailVariant)
    )


@pytest.mark.parametrize(
    ("fixture", "field", "message"),
    [
        pytest.param(
            "duplicate_variant_labels.json",
            "stages[0].emails[0].variants[1].label",
            'the label "a" is already variants[0]\'s',
            id="duplicate-variant-labels",
        ),
        pytest.param(
            "nul_in_goal.json", "journey.goal", "the text holds a NUL byte (\\u0000)", id="nul-in-goal"
        ),
        pytest.param(
            "nul_in_merge_value.json",
            "personas[0].merge_data.first_name",
            "the text holds a NUL byte",
            id="nul-in-merge-value",
        ),
        pytest.param(
            "bad_merge_key.json",
            "personas[0].merge_data",
            "Merge field 'First Name' is not a valid name",
            id="merge-key-the-form-refuses",
        ),
    ],
)
def test_a_journey_file_the_ui_would_refuse_is_refused_before_anything_is_written(
    session, fixture, field, message
):
    make_persona(
        session, "Olivia"
    )  # the file's persona exists already: its merge data is checked all the same
    session.commit()
    before = _counts(session)
    payload = transfer.read_journey_file((FUZZ / fixture).read_bytes(), fixture)
    with pytest.raises(InvalidJourneyFile) as caught:
        transfer.import_journey(session, payload)
    assert caught.value.field == field
    assert str(caught.value).startswith(f"{field}: ")
    assert message in str(caught.value)
    session.rollback()
    assert _counts(session) == before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        pytest.param(
            b"[" * 100_000 + b"]" * 100_000, "nests its lists or objects too deeply", id="deep-list"
        ),
        pytest.param(
            b'{"a":' * 100_000 + b"1" + b"}" * 100_000, "nests its lists or objects", id="deep-object"
        ),
        pytest.param(
            b'{"n": ' + b"9" * 5000 + b"}", "Exceeds the limit (4300 digits)", id="5000-digit-number"
        ),
        pytest.param(b"\xff\xfe{\x00", "is not a JSON file we can read", id="cut-utf-16"),
    ],
)
def test_a_journey_file_that_cannot_be_decoded_is_an_invalid_journey_file(content, message):
    with pytest.raises(InvalidJourneyFile, match=message.replace("(", r"\(").replace(")", r"\)")):
        transfer.read_journey_file(content, "journey.json")


def test_a_nul_byte_in_a_lane_csv_names_its_row_and_column():
    with pytest.raises(
        ImportRejected, match="Row 3, column “Obstacles”: the cell holds a NUL byte"
    ) as caught:
        parse_lanes_csv("Stage,Obstacles\nAwareness,none\nConsideration,pri\x00ce\n")
    assert caught.value.row == 3


def test_a_lane_csv_header_message_shows_at_most_60_characters_of_a_title():
    with pytest.raises(ImportRejected) as caught:
        parse_lanes_csv("Stage," + "y" * 500_000 + "\nAwareness,x\n")
    assert len(str(caught.value)) < 300


@pytest.mark.parametrize("clean", [clean_text, lambda value, **kw: clean_name(value, **kw)])
def test_every_cleaned_field_refuses_a_nul_byte_on_every_database(clean):
    with pytest.raises(InvalidInput, match="holds a NUL byte") as caught:
        clean("Spring\x00sale", field="name", label="Name")
    assert caught.value.field == "name"


def test_a_nul_byte_typed_in_a_form_is_refused_on_both_databases(session):
    from journey.plan import journeys

    with pytest.raises(InvalidInput, match="Journey name holds a NUL byte"):
        journeys.create_journey(session, name="Spring\x00", template="blank")
    session.rollback()
    assert session.exec(select(func.count()).select_from(Journey)).one() == 0


# --- pastes: every text widget carries max_chars --------------------------------------------------------


def _calls(path: Path) -> list[ast.Call]:
    return [node for node in ast.walk(ast.parse(path.read_text())) if isinstance(node, ast.Call)]


def _name(call: ast.Call) -> str:
    return call.func.attr if isinstance(call.func, ast.Attribute) else getattr(call.func, "id", "")


def test_every_text_input_and_area_in_pages_and_ui_carries_max_chars():
    missing, fields_without_model = [], []
    for path in sorted([*ROOT.glob("pages/*.py"), *ROOT.glob("ui/*.py")]):
        for call in _calls(path):
            keywords = {k.arg for k in call.keywords}
            if _name(call) in ("text_input", "text_area") and "max_chars" not in keywords:
                missing.append(f"{path.relative_to(ROOT)}:{call.lineno}")
            if _name(call) == "Fields" and len(call.args) < 2:
                fields_without_model.append(f"{path.relative_to(ROOT)}:{call.lineno}")
            if _name(call) == "data_editor":  # an editable text column is a text input too
                missing += [
                    f"{path.relative_to(ROOT)}:{column.lineno}"
                    for column in ast.walk(call)
                    if isinstance(column, ast.Call)
                    and _name(column) == "TextColumn"
                    and "max_chars" not in {k.arg for k in column.keywords}
                ]
    assert missing == []
    assert fields_without_model == []  # Fields(prefix, model) takes max_chars from the model


def test_a_form_field_gets_its_models_max_length_as_max_chars(app_db):
    from support import open_page

    with in_db(app_db) as session:
        made = make_journey(session, stages={"Awareness": ["Welcome"]})
        journey_id, stage_id = made.id, made.stages["Awareness"].id
    at = open_page("editor", current_journey_id=journey_id, **{f"editor_open_s{stage_id}": True})
    assert not at.exception
    assert at.text_input(key=f"editor_s{stage_id}_name").proto.max_chars == 80  # StageBase.name
    assert at.text_area(key=f"editor_s{stage_id}_obstacles").proto.max_chars == 20_000  # MAX_TEXT
    assert at.text_area(key=f"editor_j{journey_id}_goal").proto.max_chars == 2_000  # MAX_LONG_TEXT


# --- the CLI on the fuzz corpus -------------------------------------------------------------------------


def _generated(folder: Path) -> dict[str, Path]:
    """The corpus files too big to keep in git, written on the fly (see tests/fixtures/fuzz/README.md)."""
    recipes = {
        "huge_header_cell.csv": "date,email," + "x" * 1_100_000 + "\n2026-11-02,Welcome,1\n",
        "million_columns.csv": HEADER + ",c" * 1_000_000 + "\n",
        "huge_row_cell.csv": HEADER + "\n2026-11-02,Awareness," + "W" * 2_000_000 + ",10,10,1,1,0,0\n",
        "deep_nesting.json": "[" * 100_000 + "]" * 100_000,
        "deep_object.json": '{"a":' * 100_000 + "1" + "}" * 100_000,
        "huge_number.json": '{"format": "email-journey/1", "journey": {"name": "J", "max_emails_per_week": '
        + "9" * 5000
        + '}, "stages": []}',
        "deep_nesting.mjml": "<mjml><mj-body>"
        + "<mj-wrapper>" * 3000
        + "</mj-wrapper>" * 3000
        + "</mj-body></mjml>",
        "deep_html.mjml": "<mjml><mj-body><mj-section><mj-column><mj-text>"
        + "<div>" * 5000
        + "x"
        + "</div>" * 5000
        + "</mj-text></mj-column></mj-section></mj-body></mjml>",
        "huge.mjml": "<mjml><mj-body><mj-section><mj-column><mj-text>"
        + "x" * 600_000
        + "</mj-text></mj-column></mj-section></mj-body></mjml>",
    }
    for name, text in recipes.items():
        (folder / name).write_text(text)
    return {name: folder / name for name in recipes}


KEPT = sorted(p.name for p in FUZZ.iterdir() if p.suffix in (".csv", ".json", ".mjml"))
GENERATED = [
    "huge_header_cell.csv",
    "million_columns.csv",
    "huge_row_cell.csv",
    "deep_nesting.json",
    "deep_object.json",
    "huge_number.json",
    "deep_nesting.mjml",
    "deep_html.mjml",
    "huge.mjml",
]
BY_KIND = {
    ".csv": [
        ("import-metrics", "--journey", "Spring", "{}"),
        ("import-metrics", "--journey", "Spring", "--dry-run", "--json", "{}"),
        ("import-metrics", "--journey", "Spring", "--create-missing", "Awareness", "{}"),
    ],
    ".json": [
        ("import-journey", "{}"),
        ("render", "--data", "{}", "email.mjml"),
        ("check", "--data", "{}", "email.mjml"),
        ("restore", "--force", "{}"),
    ],
    ".mjml": [
        ("render", "{}"),
        ("render", "--text", "{}"),
        ("render", "--strict", "{}"),
        ("check", "{}"),
        ("check", "--json", "{}"),
        ("convert-tags", "{}"),
    ],
}
# Commands that take no file: hostile arguments instead.
ARGUMENTS = [
    ("report", "--journey", "Spring", "--week", "9999-W52"),
    ("report", "--journey", "Spring", "--week", "2026-W99"),
    ("report", "--journey", "Spring", "--from", "2026-02-30", "--to", "2026-03-01"),
    ("report", "--journey", "x" * 100_000),
    ("export", "--journey", "'; DROP TABLE journey; --"),
    ("export", "--journey", "Spring", "--output", "/nonexistent-folder/out.json"),
    ("check-journey", "--journey", "x" * 100_000),
    ("import-metrics", "--journey", "Spring", "--format", "excel", "x.csv"),
    ("import-metrics", "--journey", "Spring", "--map", "garbage", "x.csv"),
    ("import-metrics", "--journey", "Spring", "--mapping", "no such mapping", "x.csv"),
    ("import-metrics", "--journey", "Spring", "/nonexistent-folder/x.csv"),
    ("import-journey", "/nonexistent-folder/x.json"),
    ("render", "/nonexistent-folder/x.mjml"),
    ("backup", "/nonexistent-folder/x.jsonl.gz"),
    ("restore", "/nonexistent-folder/x.jsonl.gz"),
    ("list", "--json"),
    ("user", "add", "x" * 100_000, "--role", "owner", "--no-password"),
    ("user", "add", "ana@shop.example", "--role", "owner"),  # no password on standard input
    ("user", "set-role", "'; DROP TABLE user_account; --", "viewer"),
    ("user", "remove", "nobody@shop.example"),
    ("bin", "restore", "999999999999999999999"),
    ("bin", "restore", "'; DROP TABLE journey; --"),
    ("bin", "list", "--json"),
    ("demo",),
    ("init",),
]
BAD_DATABASES = ["not a url", "mysql://user@host/db", "postgresql://nobody@127.0.0.1:1/x", "sqlite:///{png}"]
EMAIL = "<mjml><mj-body><mj-section><mj-column><mj-text>Hi {{ first_name }}</mj-text></mj-column></mj-section></mj-body></mjml>"


def _cases(*, writes: bool) -> list:
    """The (file, command) pairs; `writes`: the import commands (they write, so they run on every backend),
    else the file commands (render, check, convert-tags: no database without --workspace, so one backend)."""
    cases = []
    for name in [*KEPT, *GENERATED]:
        for command in BY_KIND[Path(name).suffix]:
            if command[0].startswith("import") == writes:
                cases.append(
                    pytest.param(name, command, id=f"{name}-{'-'.join(a for a in command[:3] if a != '{}')}")
                )
    return cases


def _assert_clean_failure(result, args) -> None:
    """Exit 0 (a command that had nothing to refuse), 1 or 2; never a traceback; a failure says why."""
    shown = f"{[a[:80] for a in args]}: rc={result.returncode}\n{result.stderr[-2000:]}"
    assert result.returncode in (0, 1, 2), shown
    assert "Traceback" not in result.stderr + result.stdout, shown
    if result.returncode == 2:  # argparse: usage, then one error line
        assert result.stderr.strip().splitlines()[-1].startswith("python -m journey"), shown
        assert ": error: " in result.stderr.strip().splitlines()[-1], shown
    elif result.returncode == 1:
        # Why, in one of the CLI's forms: "error: …" (one line), the rejected rows ("  row N: …", or
        # in --json), the findings ("error   rule-id: …") or what convert-tags left ("  Line N, column M:");
        # never a screenful of echoed input.
        lines = (result.stdout + result.stderr).strip().splitlines()
        errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
        reasons = [
            line
            for line in lines
            if re.match(r"(  row \d+: |  Line \d+, column \d+: |error +[a-z-]+: )", line)
        ]
        if "--json" in args and result.stdout.lstrip().startswith("{"):
            reasons += [f"row {r['row']}: {r['error']}" for r in json.loads(result.stdout)["rejected"]]
        assert len(errors) == 1 or reasons, shown
        assert all(len(line) < 1_000 for line in errors), shown


@pytest.fixture
def corpus(tmp_path, db_url) -> tuple[Path, str]:
    """A folder with the corpus (kept and generated files) and a database with the journey "Spring"."""
    folder = tmp_path / "fuzz"
    folder.mkdir()
    with in_db(db_url) as session:
        make_journey(session, stages={"Awareness": ["Welcome"]})
    (folder / "email.mjml").write_text(EMAIL)
    return folder, db_url


@pytest.mark.parametrize(("name", "command"), _cases(writes=True))
def test_every_import_command_refuses_the_fuzz_corpus_without_a_traceback(cli, corpus, name, command):
    _run_on_the_corpus(cli, corpus, name, command)


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize(("name", "command"), _cases(writes=False))
def test_every_file_command_refuses_the_fuzz_corpus_without_a_traceback(cli, corpus, name, command):
    _run_on_the_corpus(cli, corpus, name, command)


def _run_on_the_corpus(cli, corpus, name, command) -> None:
    folder, db_url = corpus
    if name in GENERATED:
        path = _generated(folder)[name]
    else:
        path = folder / name
        shutil.copyfile(FUZZ / name, path)  # alone in its folder: its includes resolve against nothing else
    args = [str(path) if a == "{}" else str(folder / a) if a == "email.mjml" else a for a in command]
    result = cli(*args, db=db_url)
    _assert_clean_failure(result, args)
    if name.endswith((".csv", ".json")) and command[0].startswith("import"):
        assert result.returncode == 1, f"{name} was accepted by {command[0]}"
        with in_db(db_url) as session:
            assert session.exec(select(func.count()).select_from(MetricDaily)).one() == 0
            assert session.exec(select(func.count()).select_from(Journey)).one() == 1  # Spring only


@pytest.mark.parametrize("args", [pytest.param(a, id="-".join(x[:20] for x in a[:4])) for a in ARGUMENTS])
def test_every_cli_command_refuses_hostile_arguments_without_a_traceback(cli, corpus, args):
    _, db_url = corpus
    result = cli(*args, db=db_url)
    _assert_clean_failure(result, args)


@pytest.mark.parametrize("url", BAD_DATABASES)
def test_a_database_url_that_cannot_be_used_is_a_one_line_error(cli, tmp_path, url):
    png = tmp_path / "not-a-database.db"
    shutil.copyfile(FUZZ / "png_bytes.csv", png)
    for command in (("init",), ("list",), ("demo",)):
        result = cli(*command, db=url.format(png=png))
        assert result.returncode == 1, result.stderr
        assert result.stderr.startswith("error: The database (--database-url or $DATABASE_URL)"), (
            result.stderr
        )
        assert result.stderr.count("\n") == 1
        assert "Traceback" not in result.stderr


def test_the_corpus_reaches_every_cli_command():
    from journey.__main__ import build_parser

    parser = build_parser()
    commands = set(next(a for a in parser._actions if a.dest == "command").choices)
    reached = {c[0] for cs in BY_KIND.values() for c in cs} | {a[0] for a in ARGUMENTS}
    assert reached == commands
