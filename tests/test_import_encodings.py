"""Windows Excel's "CSV (comma delimited)" is Windows-1252, not UTF-8: read, and said so (issue 12, point 5).

A real Windows-1252 file (written with Python's cp1252 codec) holding é, € and – goes through the
importer, the command line and the Import metrics page: its names arrive as written, and the import's
notes say which encoding was used. A UTF-8 file reads as before, with no such note.
"""

from __future__ import annotations

import io

import pytest
from metrics_import_support import JOURNEY, dump, make_onboarding
from streamlit.testing.v1 import AppTest
from support import ROOT, in_db, texts

from journey.core.text import detect_encoding, windows_code_page
from journey.measure.imports import import_metrics
from ui.navigation import page_path

HEADER = "date,stage,email,sent,delivered,opens,clicks,conversions,unsubscribes"
NAME = "Café – €5 off"  # é, the en dash and the euro sign: 0xE9, 0x96, 0x80 in Windows-1252
ROWS = [
    HEADER,
    f"2026-11-02,Awareness,{NAME},120,118,40,9,1,0",
    "2026-11-02,Awareness,Welcome 2,80,80,30,4,0,0",
]
EXCEL_CSV = ("\r\n".join(ROWS) + "\r\n").encode("cp1252")
NOTE = "The file is not UTF-8: it was read as Windows-1252 (Western European)"


def test_the_file_is_really_windows_1252_and_not_utf8():
    assert b"Caf\xe9 \x96 \x805 off" in EXCEL_CSV
    with pytest.raises(UnicodeDecodeError):
        EXCEL_CSV.decode("utf-8")


@pytest.mark.parametrize(
    ("text", "codec", "expected"),
    [
        pytest.param(f"email\n{NAME}\n", "cp1252", "cp1252", id="french-euro-dash"),
        pytest.param("email\nGrüße für Müller\n", "cp1252", "cp1252", id="german-also-1250-letters"),
        pytest.param("email\n“Welcome” back ¿qué?\n", "cp1252", "cp1252", id="quotes-and-signs"),
        pytest.param("email\nZażółć gęślą jaźń\n", "cp1250", "cp1250", id="polish"),
        pytest.param("email\nДобро пожаловать\n", "cp1251", "cp1251", id="russian"),
        pytest.param(f"email\n{NAME}\n", "utf-8", "utf-8", id="utf-8-unchanged"),
        pytest.param(f"email\n{NAME}\n", "utf-8-sig", "utf-8-sig", id="utf-8-bom-unchanged"),
        pytest.param(f"email\n{NAME}\n", "utf-16", "utf-16", id="utf-16-unchanged"),
    ],
)
def test_a_sample_that_is_not_utf8_is_read_in_the_windows_code_page_it_reads_best_in(text, codec, expected):
    assert detect_encoding(text.encode(codec), legacy=True) == expected


def test_damaged_utf8_and_binary_are_not_taken_for_a_code_page():
    assert detect_encoding("Café".encode() + b"\xff", legacy=True) == "utf-8"  # refused when decoded
    assert windows_code_page(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xe9") is None
    assert detect_encoding(b"Caf\xe9", legacy=False) == "utf-8"  # decode_text's callers stay strict


def test_the_importer_reads_excels_windows_1252_csv_and_says_so(session):
    journey_id = make_onboarding(session)
    result = import_metrics(session, journey_id, io.BytesIO(EXCEL_CSV), create_missing_stage="Awareness")
    assert result.rejected == []
    assert result.encoding == "windows-1252"
    assert result.created_emails == [NAME]
    assert any(note.startswith(NOTE) for note in result.notes)
    assert [(name, str(day), int(sent)) for name, _v, day, sent, *_ in dump(session)] == [
        (NAME, "2026-11-02", 120),
        ("Welcome 2", "2026-11-02", 80),
    ]


def test_a_utf8_file_reads_as_before_with_no_encoding_note(session):
    journey_id = make_onboarding(session)
    utf8 = EXCEL_CSV.decode("cp1252").encode("utf-8")
    result = import_metrics(session, journey_id, io.BytesIO(utf8), create_missing_stage="Awareness")
    assert (result.encoding, result.created_emails, result.rejected) == ("utf-8", [NAME], [])
    assert not any("not UTF-8" in note for note in result.notes)


def test_the_command_line_imports_it_and_names_the_encoding(cli, tmp_path):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    with in_db(url) as session:
        make_onboarding(session)
    path = tmp_path / "excel.csv"
    path.write_bytes(EXCEL_CSV)
    done = cli("import-metrics", str(path), "--journey", JOURNEY, "--create-missing", "Awareness", db=url)
    assert done.returncode == 0, done.stderr
    assert f"Note: {NOTE}" in done.stdout
    assert f"created email “{NAME}”" in done.stdout
    with in_db(url) as session:
        assert NAME in [name for name, *_ in dump(session)]


def test_the_command_line_names_the_encoding_beside_rejected_rows_too(cli, tmp_path):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    with in_db(url) as session:
        make_onboarding(session)
    path = tmp_path / "excel.csv"
    path.write_bytes(EXCEL_CSV.replace(b",40,9,", b",-40,9,"))  # a negative count: the row is rejected
    done = cli("import-metrics", str(path), "--journey", JOURNEY, db=url)
    assert done.returncode == 1
    assert "  row 2: opens is negative (-40)" in done.stdout
    assert f"Note: {NOTE}" in done.stdout


def test_the_import_page_checks_it_names_the_encoding_and_commits_it(app_db):
    with in_db(app_db) as session:
        make_onboarding(session)
    at = AppTest.from_file(str(ROOT / page_path("import_metrics")), default_timeout=60)
    at.run()
    at.file_uploader(key="import_file").set_value(("excel.csv", EXCEL_CSV, "text/csv"))
    at = at.run()
    assert not at.exception
    shown = texts(at)
    assert NOTE in shown
    assert "· windows-1252 · comma-separated" in shown
    assert any(NAME in frame.value.to_string() for frame in at.dataframe)  # the unmatched emails' table
    at.selectbox(key="import_create_stage").set_value("Awareness")
    at = at.button(key="import_commit").click().run()
    assert not at.exception
    with in_db(app_db) as session:
        assert NAME in [name for name, *_ in dump(session)]
