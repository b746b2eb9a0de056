"""Imports that carry a segment: per-segment rows in metric_segment_daily, the totals in metric_daily."""

from __future__ import annotations

import io

import pytest
from alembic import command
from metrics_import_support import FIXTURES, counts, make_onboarding, row

from db.engine import make_engine
from db.migrate import alembic_config, upgrade
from journey.measure.imports.importer import import_metrics
from journey.measure.imports.mappings import guess_mapping

HEADER = "date,stage,email,variant,segment,sent,delivered,opens,clicks,conversions,unsubscribes,bounces,complaints,revenue"
NEW = "2026-11-09,Awareness,Welcome 1,,New subscribers,600,590,236,30,6,1,10,0,240.00"
TRIAL = "2026-11-09,Awareness,Welcome 1,,Trial users,400,396,120,20,4,2,4,1,100.50"
CASE = "2026-11-09,Consideration,Case study,A,trial users,500,495,150,25,5,1,5,0,0"
LAPSED = "2026-11-10,Retention,Win-back,,Lapsed customers,300,297,60,9,2,4,3,1,99.9"


def test_migration_0006_creates_the_segment_table_and_downgrades_cleanly(migrated_db_url):
    from sqlalchemy import inspect

    engine = make_engine(migrated_db_url)
    try:
        assert "metric_segment_daily" in inspect(engine).get_table_names()
        command.downgrade(alembic_config(engine), "0004")  # below 0006 (and 0005 beside it, joined by 0007)
        assert "metric_segment_daily" not in inspect(engine).get_table_names()
        assert "metric_daily" in inspect(engine).get_table_names()
        upgrade(engine)
        unique = inspect(engine).get_unique_constraints("metric_segment_daily")
        assert [set(u["column_names"]) for u in unique] == [{"email_id", "variant", "segment", "day"}]
    finally:
        engine.dispose()


def csv_bytes(*lines: str) -> io.BytesIO:
    return io.BytesIO(("\n".join(lines) + "\n").encode())


@pytest.fixture
def journey_id(session):
    return make_onboarding(session)


def imported(session, journey_id, *lines: str, **options):
    result = import_metrics(session, journey_id, csv_bytes(*lines), **options)
    session.commit()
    return result


def imported_file(session, journey_id, path):
    result = import_metrics(session, journey_id, path)
    session.commit()
    return result


def test_a_segment_column_keeps_each_segment_and_sums_them_into_the_daily_totals(session, journey_id):
    result = imported(session, journey_id, HEADER, NEW, TRIAL, CASE, LAPSED)
    assert (result.ok, result.imported, result.segment_rows) == (True, 3, 4)
    assert counts(session) == {
        # 600 + 400 sent, 590 + 396 delivered, 236 + 120 opens, 30 + 20 clicks… 240.00 + 100.50 revenue
        ("Welcome 1", "", "2026-11-09"): row(
            1000, 986, 356, 50, conv=10, unsub=3, bounces=14, complaints=1, revenue=340.5
        ),
        ("Case study", "A", "2026-11-09"): row(500, 495, 150, 25, conv=5, unsub=1, bounces=5),
        ("Win-back", "", "2026-11-10"): row(
            300, 297, 60, 9, conv=2, unsub=4, bounces=3, complaints=1, revenue=99.9
        ),
    }
    assert counts(session, by_segment=True) == {
        ("Welcome 1", "", "2026-11-09", "New subscribers"): row(
            600, 590, 236, 30, conv=6, unsub=1, bounces=10, revenue=240.0
        ),
        ("Welcome 1", "", "2026-11-09", "Trial users"): row(
            400, 396, 120, 20, conv=4, unsub=2, bounces=4, complaints=1, revenue=100.5
        ),
        ("Case study", "A", "2026-11-09", "trial users"): row(500, 495, 150, 25, conv=5, unsub=1, bounces=5),
        ("Win-back", "", "2026-11-10", "Lapsed customers"): row(
            300, 297, 60, 9, conv=2, unsub=4, bounces=3, complaints=1, revenue=99.9
        ),
    }
    assert "Kept per segment (segment): 3 segments" in result.notes[-1]  # segments compared in any case
    assert "“Lapsed customers”, “New subscribers”, “Trial users”" in result.notes[-1]


def test_the_totals_are_those_of_the_same_file_without_its_segment_column(session, journey_id):
    imported(session, journey_id, HEADER, NEW, TRIAL, CASE, LAPSED)
    with_segments = counts(session)
    imported(
        session,
        journey_id,
        HEADER.replace("segment,", ""),
        "2026-11-09,Awareness,Welcome 1,,1000,986,356,50,10,3,14,1,340.50",  # NEW + TRIAL
        "2026-11-09,Consideration,Case study,A,500,495,150,25,5,1,5,0,0",
        "2026-11-10,Retention,Win-back,,300,297,60,9,2,4,3,1,99.9",
    )
    assert counts(session) == with_segments
    assert counts(session, by_segment=True) == {}  # the re-import had no segments: those days have none now


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        pytest.param(
            NEW.replace("New subscribers", "NEW SUBSCRIBERS"),
            "duplicate of row 2 (the same email, variant, segment and day)",
            id="same-segment-twice-in-any-case",
        ),
        pytest.param(
            TRIAL.replace("Trial users", "=HYPERLINK(1)"),
            "segment: “=HYPERLINK(1)” is a formula",
            id="formula-segment",
        ),
        pytest.param(
            TRIAL.replace("Trial users", "S" * 201),
            "segment: segment names are limited to 200 characters",
            id="segment-too-long",
        ),
        pytest.param(TRIAL.replace(",120,", ",-120,"), "opens is negative", id="negative-count"),
    ],
)
def test_a_rejected_file_leaves_both_tables_unchanged(session, journey_id, line, reason):
    imported(session, journey_id, HEADER, LAPSED)
    before = (counts(session), counts(session, by_segment=True))
    result = imported(session, journey_id, HEADER, NEW, line, CASE)
    assert [(r.row, reason in r.error) for r in result.rejected] == [(3, True)], result.rejected
    assert not result.written
    assert (counts(session), counts(session, by_segment=True)) == before


def test_a_reimport_replaces_the_segments_of_the_days_it_writes_and_keeps_the_others(session, journey_id):
    imported(session, journey_id, HEADER, NEW, TRIAL, LAPSED)
    again = "2026-11-09,Awareness,Welcome 1,,VIP,50,50,40,20,5,0,0,0,500"
    imported(session, journey_id, HEADER, again)
    assert counts(session, by_segment=True) == {
        ("Welcome 1", "", "2026-11-09", "VIP"): row(50, 50, 40, 20, conv=5, revenue=500.0),
        ("Win-back", "", "2026-11-10", "Lapsed customers"): row(
            300, 297, 60, 9, conv=2, unsub=4, bounces=3, complaints=1, revenue=99.9
        ),
    }
    assert counts(session)[("Welcome 1", "", "2026-11-09")] == row(50, 50, 40, 20, conv=5, revenue=500.0)
    imported(session, journey_id, HEADER, NEW, TRIAL, LAPSED)  # the same file twice: nothing counted twice
    imported(session, journey_id, HEADER, NEW, TRIAL, LAPSED)
    assert len(counts(session, by_segment=True)) == 3
    assert counts(session)[("Welcome 1", "", "2026-11-09")]["sent"] == 1000


def test_a_segment_column_left_blank_keeps_no_segments_and_a_blank_cell_among_others_is_kept_apart(
    session, journey_id
):
    blank = [NEW.replace("New subscribers", ""), LAPSED.replace("Lapsed customers", "n/a")]
    result = imported(session, journey_id, HEADER, *blank)
    assert (result.imported, result.segment_rows) == (2, 0)
    assert counts(session, by_segment=True) == {}
    result = imported(session, journey_id, HEADER, blank[0], TRIAL)
    assert result.segment_rows == 2
    assert set(counts(session, by_segment=True)) == {
        ("Welcome 1", "", "2026-11-09", ""),
        ("Welcome 1", "", "2026-11-09", "Trial users"),
    }
    assert "“(no segment)”, “Trial users”" in result.notes[-1]


def test_a_dry_run_counts_the_segment_rows_and_writes_nothing(session, journey_id):
    result = imported(session, journey_id, HEADER, NEW, TRIAL, CASE, dry_run=True)
    assert (result.imported, result.segment_rows, result.written) == (2, 3, False)
    assert counts(session, by_segment=True) == {}


def test_klaviyo_campaign_exports_keep_their_lists_and_audiences_as_segments(session, journey_id):
    imported_file(session, journey_id, FIXTURES / "klaviyo.csv")
    older = counts(session, by_segment=True)
    # Win-back: 45,587 unique opens, none flagged as Apple privacy opens; Case study A and B to "Trial users".
    assert set(older) == {
        ("Win-back", "", "2026-11-05", "Lapsed customers"),
        ("Case study", "A", "2026-11-06", "Trial users"),
        ("Case study", "B", "2026-11-06", "Trial users"),
    }
    assert older[("Win-back", "", "2026-11-05", "Lapsed customers")]["opens"] == 45587
    assert {k[:3]: v for k, v in older.items()} == counts(session)  # one list each: the totals
    imported_file(session, journey_id, FIXTURES / "klaviyo_new.csv")
    newer = {k: v for k, v in counts(session, by_segment=True).items() if k[2] >= "2026-11-09"}
    # The SMS and push rows are skipped, so only the email sends' audiences are kept.
    assert set(newer) == {
        ("Welcome 1", "", "2026-11-09", "Newsletter"),
        ("Win-back", "", "2026-11-10", "Lapsed customers"),
    }
    assert newer[("Welcome 1", "", "2026-11-09", "Newsletter")]["delivered"] == 1980  # 2,000 − 20 bounced


def test_a_mapped_file_takes_its_audience_column_as_the_segment(session, journey_id):
    header = ["Sent On", "Message", "Audience", "Delivered", "Unique Opens", "Unique Clicks"]
    guessed = guess_mapping(header)
    assert guessed["segment"] == "Audience"
    lines = [",".join(header), "2026-11-16,Welcome 1,VIP,100,50,10", "2026-11-16,Welcome 1,Lapsed,200,40,4"]
    mapping = {field: column for field, column in guessed.items() if column}
    result = import_metrics(session, journey_id, csv_bytes(*lines), mapping=mapping)
    session.commit()
    assert (result.ok, result.segment_rows) == (True, 2)
    assert counts(session)[("Welcome 1", "", "2026-11-16")] == row(300, 300, 90, 14)
    assert counts(session, by_segment=True)[("Welcome 1", "", "2026-11-16", "Lapsed")] == row(200, 200, 40, 4)
