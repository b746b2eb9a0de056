"""The workspace CLI: init, demo, list, export, import-journey — exit codes, stdout and stderr."""

import json

import pytest


@pytest.fixture
def db(tmp_path):
    return f"sqlite:///{tmp_path / 'cli.db'}"


def test_every_command_has_help_text(cli):
    listing = cli("--help")
    assert listing.returncode == 0
    for command in ("init", "demo", "list", "export", "import-journey"):
        assert command in listing.stdout
        sub = cli(command, "--help")
        assert sub.returncode == 0
        assert sub.stdout.startswith(f"usage: python -m journey {command}")


def test_init_demo_list_export_and_import_round_trip(cli, db, tmp_path):
    assert "up to date" in cli("init", db=db, check=True).stdout
    assert "Loaded the demo workspace" in cli("demo", db=db, check=True).stdout
    listing = json.loads(cli("list", "--json", db=db, check=True).stdout)
    assert len(listing) == 1
    assert set(listing[0]) == {"id", "name", "map_type", "stages", "emails"}
    assert listing[0]["stages"] == 5
    name = listing[0]["name"]

    exported = cli("export", "--journey", name, db=db, check=True).stdout
    file = tmp_path / "journey.json"
    file.write_text(exported)
    other = f"sqlite:///{tmp_path / 'other.db'}"
    assert "Imported journey" in cli("import-journey", str(file), db=other, check=True).stdout
    again = json.loads(cli("export", "--journey", name, db=other, check=True).stdout)

    def strip(value):
        if isinstance(value, dict):
            return {k: strip(v) for k, v in value.items() if k not in {"id", "exported_at"}}
        return [strip(v) for v in value] if isinstance(value, list) else value

    assert strip(again) == strip(json.loads(exported))
    assert json.loads(cli("list", "--json", db=other, check=True).stdout)[0]["emails"] == listing[0]["emails"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(("export", "--journey", "Nope"), 'No journey named "Nope"', id="unknown-journey"),
        pytest.param(("import-journey", "missing.json"), "No such file", id="missing-file"),
    ],
)
def test_user_errors_exit_1_with_one_line_on_stderr(cli, db, args, message):
    result = cli(*args, db=db)
    assert result.returncode == 1
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stdout == ""


def test_malformed_journey_file_names_the_field_and_writes_nothing(cli, db, tmp_path):
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
    result = cli("import-journey", str(file), db=db)
    assert result.returncode == 1
    assert "stages[0].emails[0].trigger: Field required" in result.stderr
    assert json.loads(cli("list", "--json", db=db, check=True).stdout) == []


def test_a_file_that_is_not_json_says_where_it_breaks(cli, db, tmp_path):
    file = tmp_path / "bad.json"
    file.write_text('{"format": "email-journey/1",\n "journey": }')
    result = cli("import-journey", str(file), db=db)
    assert result.returncode == 1
    assert "line 2" in result.stderr


def test_loading_the_demo_twice_is_refused_without_replace(cli, db):
    cli("demo", db=db, check=True)
    second = cli("demo", db=db)
    assert second.returncode == 1
    assert "already loaded" in second.stderr
    assert "Loaded" in cli("demo", "--replace", db=db, check=True).stdout
    assert len(json.loads(cli("list", "--json", db=db, check=True).stdout)) == 1
