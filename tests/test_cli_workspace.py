"""The workspace CLI: init, demo, list, export, import-journey — exit codes, stdout and stderr."""

import json
import subprocess
import sys

import pytest
from conftest import ROOT


def cli(*args, db, check=True):
    result = subprocess.run(
        [sys.executable, "-m", "journey", "--database-url", db, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if check:
        assert result.returncode == 0, result.stderr
    return result


@pytest.fixture
def db(tmp_path):
    return f"sqlite:///{tmp_path / 'cli.db'}"


def test_every_command_has_help_text():
    result = subprocess.run(
        [sys.executable, "-m", "journey", "--help"], cwd=ROOT, capture_output=True, text=True
    )
    for command in ("init", "demo", "list", "export", "import-journey"):
        assert command in result.stdout
        sub = subprocess.run(
            [sys.executable, "-m", "journey", command, "--help"], cwd=ROOT, capture_output=True, text=True
        )
        assert sub.returncode == 0
        assert "usage:" in sub.stdout


def test_init_demo_list_export_and_import_round_trip(db, tmp_path):
    assert "up to date" in cli("init", db=db).stdout
    assert "Loaded the demo workspace" in cli("demo", db=db).stdout
    listing = json.loads(cli("list", "--json", db=db).stdout)
    assert len(listing) == 1
    assert set(listing[0]) == {"id", "name", "map_type", "stages", "emails"}
    assert listing[0]["stages"] == 5
    name = listing[0]["name"]

    exported = cli("export", "--journey", name, db=db).stdout
    file = tmp_path / "journey.json"
    file.write_text(exported)
    other = f"sqlite:///{tmp_path / 'other.db'}"
    assert "Imported journey" in cli("import-journey", str(file), db=other).stdout
    again = json.loads(cli("export", "--journey", name, db=other).stdout)

    def strip(value):
        if isinstance(value, dict):
            return {k: strip(v) for k, v in value.items() if k not in {"id", "exported_at"}}
        return [strip(v) for v in value] if isinstance(value, list) else value

    assert strip(again) == strip(json.loads(exported))
    assert json.loads(cli("list", "--json", db=other).stdout)[0]["emails"] == listing[0]["emails"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(("export", "--journey", "Nope"), 'No journey named "Nope"', id="unknown-journey"),
        pytest.param(("import-journey", "missing.json"), "No such file", id="missing-file"),
    ],
)
def test_user_errors_exit_1_with_one_line_on_stderr(db, args, message):
    result = cli(*args, db=db, check=False)
    assert result.returncode == 1
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stdout == ""


def test_malformed_journey_file_names_the_field_and_writes_nothing(db, tmp_path):
    file = tmp_path / "bad.json"
    file.write_text(
        json.dumps(
            {
                "format": "email-journey/1",
                "journey": {"name": "X"},
                "stages": [{"name": "A", "emails": [{"name": "E"}]}],
            }
        )
    )
    result = cli("import-journey", str(file), db=db, check=False)
    assert result.returncode == 1
    assert "stages[0].emails[0].trigger: Field required" in result.stderr
    assert json.loads(cli("list", "--json", db=db).stdout) == []


def test_a_file_that_is_not_json_says_where_it_breaks(db, tmp_path):
    file = tmp_path / "bad.json"
    file.write_text('{"format": "email-journey/1",\n "journey": }')
    result = cli("import-journey", str(file), db=db, check=False)
    assert result.returncode == 1
    assert "line 2" in result.stderr


def test_loading_the_demo_twice_is_refused_without_replace(db):
    cli("demo", db=db)
    second = cli("demo", db=db, check=False)
    assert second.returncode == 1
    assert "already loaded" in second.stderr
    assert "Loaded" in cli("demo", "--replace", db=db).stdout
    assert len(json.loads(cli("list", "--json", db=db).stdout)) == 1
