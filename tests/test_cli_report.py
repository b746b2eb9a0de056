"""`python -m journey report`: JSON per stage in journey order, the table, and one-line errors."""

import json
from datetime import date

import pytest
from support import in_db, make_journey

from db.models import MetricDaily

KEYS = [
    "stage",
    "sent",
    "delivered",
    "opens",
    "clicks",
    "conversions",
    "unsubscribes",
    "bounces",
    "complaints",
    "open_rate",
    "click_rate",
    "click_to_open_rate",
    "conversion_rate",
    "unsubscribe_rate",
    "bounce_rate",
]


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('cli') / 'report.db'}"
    with in_db(url) as session:
        shop = make_journey(session, "Shop", stages={"Welcome": ["Hello"], "Keep": [], "Buy": ["Cart"]})
        hello, cart = shop.emails["Hello"].id, shop.emails["Cart"].id
        session.add_all(
            [
                MetricDaily(
                    email_id=hello,
                    day=date(2026, 11, 16),
                    sent=200,
                    delivered=190,
                    opens=57,
                    clicks=19,
                    conversions=4,
                    unsubscribes=2,
                    bounces=10,
                ),
                MetricDaily(email_id=hello, day=date(2026, 11, 22), sent=10, delivered=10, opens=3, clicks=1),
                MetricDaily(email_id=cart, day=date(2026, 11, 9), sent=5, delivered=5, opens=5, clicks=5),
                MetricDaily(email_id=cart, day=date(2026, 11, 23), sent=7, delivered=0, bounces=7),
            ]
        )
    return url


@pytest.fixture
def report(cli, db):
    """report(*args): `python -m journey report …` on the Shop database."""
    return lambda *args: cli("report", *args, db=db)


def test_json_report_for_a_week_lists_every_stage_in_journey_order(report):
    result = report("--journey", "Shop", "--week", "2026-W47", "--json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert [r["stage"] for r in rows] == ["Welcome", "Keep", "Buy"]
    assert all(list(r) == KEYS for r in rows)
    welcome, keep, buy = rows
    assert welcome["sent"] == 210
    assert welcome["delivered"] == 200
    assert welcome["open_rate"] == pytest.approx(60 / 200)
    assert welcome["click_rate"] == pytest.approx(20 / 200)
    assert welcome["click_to_open_rate"] == pytest.approx(20 / 60)
    assert welcome["conversion_rate"] == pytest.approx(4 / 200)
    assert welcome["unsubscribe_rate"] == pytest.approx(2 / 200)
    assert welcome["bounce_rate"] == pytest.approx(10 / 210)
    assert keep["sent"] == 0
    assert keep["open_rate"] is None
    assert buy["delivered"] == 0


def test_json_report_for_a_date_range(report):
    result = report("--journey", "Shop", "--from", "2026-11-01", "--to", "2026-11-30", "--json")
    assert result.returncode == 0, result.stderr
    buy = json.loads(result.stdout)[2]
    assert (buy["sent"], buy["delivered"], buy["bounces"]) == (12, 5, 7)
    assert buy["bounce_rate"] == pytest.approx(7 / 12)
    assert buy["click_to_open_rate"] == 1.0


def test_the_table_shows_rates_in_percent_and_dashes(report):
    result = report("--journey", "Shop", "--week", "2026-W47")
    assert result.returncode == 0, result.stderr
    assert "Shop: 2026-W47 · 16–22 Nov 2026" in result.stdout
    welcome = next(line for line in result.stdout.splitlines() if line.startswith("Welcome"))
    assert "30.0 %" in welcome
    keep = next(line for line in result.stdout.splitlines() if line.startswith("Keep"))
    assert "–" in keep


def test_default_week_is_the_last_complete_one_in_the_workspace_zone_and_a_week_in_progress_is_marked(
    cli, tmp_path, monkeypatch
):
    from datetime import UTC, datetime

    from journey.measure import weeks
    from journey.measure.time_zone import save_time_zone

    url = f"sqlite:///{tmp_path / 'zone.db'}"
    with in_db(url) as session:
        make_journey(session, "Shop", stages={"Welcome": ["Hello"]})
    # Sunday 29 November 2026, 23:30 UTC: week 48 is still going on in UTC, over in Paris.
    monkeypatch.setattr(weeks, "utc_now", lambda: datetime(2026, 11, 29, 23, 30, tzinfo=UTC))
    assert cli("report", "--journey", "Shop", db=url).stdout.startswith("Shop: 2026-W47 · 16–22 Nov 2026\n")
    week48 = cli("report", "--journey", "Shop", "--week", "2026-W48", db=url).stdout
    assert week48.startswith("Shop: 2026-W48 · 23–29 Nov 2026, in progress (7 of 7 days)\n")
    with in_db(url) as session:
        save_time_zone(session, "Europe/Paris", 0)
    assert cli("report", "--journey", "Shop", db=url).stdout.startswith("Shop: 2026-W48 · 23–29 Nov 2026\n")


def test_default_period_is_the_last_complete_week(report):
    from journey.measure.weeks import iso_week_label, last_complete_week

    result = report("--journey", "Shop")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0].startswith(f"Shop: {iso_week_label(last_complete_week().start)} · ")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(["--journey", "Shop", "--week", "2026-47"], "is not an ISO week", id="bad-week-format"),
        pytest.param(
            ["--journey", "Shop", "--week", "2025-W53"], "has no ISO week 53", id="week-53-in-52-week-year"
        ),
        pytest.param(
            ["--journey", "Nope", "--week", "2026-W47"], 'No journey named "Nope"', id="unknown-journey"
        ),
        pytest.param(["--journey", "Shop", "--from", "2026-11-01"], "go together", id="from-without-to"),
        pytest.param(
            ["--journey", "Shop", "--from", "2026-13-01", "--to", "2026-12-01"],
            "is not a date",
            id="bad-date",
        ),
        pytest.param(
            ["--journey", "Shop", "--from", "2026-12-01", "--to", "2026-11-01"],
            "before it starts",
            id="reversed",
        ),
        pytest.param(
            ["--journey", "Shop", "--week", "2026-W47", "--from", "2026-11-01", "--to", "2026-11-02"],
            "not both",
            id="week-and-range",
        ),
    ],
)
def test_user_errors_print_one_line_to_stderr_and_exit_1(report, args, message):
    result = report(*args, "--json")
    assert result.returncode == 1
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1
    assert message in result.stderr


def test_report_is_listed_in_the_help(cli):
    assert "report" in cli("--help").stdout
    result = cli("report", "--help")
    assert result.returncode == 0
    for option in ("--journey", "--week", "--from", "--to", "--json"):
        assert option in result.stdout
