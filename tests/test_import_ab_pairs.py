"""Mailchimp A/B pairs: "Spring sale" and "Spring sale (B)" in an all-campaigns export become variants A and B
of one email (issue 11, point 4), listed in the dry run's check, and show as an A/B test in the review.

The fixture (tests/fixtures/metrics/mailchimp_ab_pairs.csv, counted by hand):
row 2 "Spring sale" (mc-ss-a) 16 Nov: 1,000 sent, 990 delivered, 300 opens, 30 clicks, 6 orders, 180.00
row 3 "Spring sale (B)" (mc-ss-b) 16 Nov: 1,000 sent, 992 delivered, 340 opens, 62 clicks, 11 orders, 330.00
row 4 "Roast Club (copy 01)" 17 Nov (a Mailchimp replicate, not a variant)
row 5 "Tasting notes" 18 Nov, row 6 "Tasting notes (Nov)" 19 Nov (a word in brackets, not a variant)
"""

from __future__ import annotations

import pytest
from conftest import ROOT
from metrics_import_support import FIXTURES, counts, row
from sqlalchemy import select
from support import in_db, make_journey, run_page, texts

from db.models import Email, EmailVariant
from journey.measure import review
from journey.measure.imports.importer import import_metrics, split_ab_title
from journey.measure.imports.preview import check_table

PAIRS = FIXTURES / "mailchimp_ab_pairs.csv"
A_SIDE = row(1_000, 990, 300, 30, conv=6, unsub=2, bounces=10, revenue=180.0)
B_SIDE = row(1_000, 992, 340, 62, conv=11, unsub=1, bounces=8, revenue=330.0)


def variants(session) -> dict[str, list[str]]:
    """Each email's EmailVariant labels, by email name."""
    rows = session.execute(
        select(Email.name, EmailVariant.label).join(EmailVariant, EmailVariant.email_id == Email.id)
    ).all()
    result: dict[str, list[str]] = {}
    for name, label in sorted(rows):
        result.setdefault(name, []).append(label)
    return result


def subjects(session) -> dict[tuple[str, str], str | None]:
    """(email name, variant label) → the variant's subject override (None: the email's own)."""
    rows = session.execute(
        select(Email.name, EmailVariant.label, EmailVariant.subject).join(
            EmailVariant, EmailVariant.email_id == Email.id
        )
    ).all()
    return {(name, label): subject for name, label, subject in rows}


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        pytest.param("Welcome (B)", ("Welcome", "B"), id="letter"),
        pytest.param("Welcome (Nov) (C)", ("Welcome (Nov)", "C"), id="the-last-brackets"),
        pytest.param("Welcome(B)", None, id="no-space"),
        pytest.param("Welcome (B) again", None, id="not-at-the-end"),
        pytest.param("(B)", None, id="no-base"),
    ],
)
def test_split_ab_title_takes_the_trailing_bracketed_suffix(title, expected):
    assert split_ab_title(title) == expected


def test_a_title_and_its_b_title_in_one_file_become_one_email_with_variants_a_and_b(session):
    journey = make_journey(session, stages={"Consideration": []})
    result = import_metrics(session, journey.id, PAIRS, create_missing_stage="Consideration")
    assert result.rejected == []
    assert result.created_emails == [
        "Spring sale",
        "Roast Club (copy 01)",
        "Tasting notes",
        "Tasting notes (Nov)",
    ]
    got = counts(session)
    assert got[("Spring sale", "A", "2026-11-16")] == A_SIDE
    assert got[("Spring sale", "B", "2026-11-16")] == B_SIDE
    assert ("Spring sale", "", "2026-11-16") not in got
    assert ("Tasting notes (Nov)", "", "2026-11-19") in got  # "(Nov)" names no variant
    assert variants(session) == {"Spring sale": ["A", "B"]}  # the studio lists them
    assert subjects(session) == {  # a new email has no subject of its own: each side keeps the file's
        ("Spring sale", "A"): "Spring sale: 20 % off every bean",
        ("Spring sale", "B"): "Your beans, 20 % off this week",
    }


def test_the_dry_run_check_lists_what_was_paired_and_writes_nothing(session):
    journey = make_journey(session, stages={"Consideration": []})
    result = import_metrics(session, journey.id, PAIRS, create_missing_stage="Consideration", dry_run=True)
    table = {line["In the file"]: line for line in check_table(result)}
    assert table["Spring sale"]["Email in the journey"] == "new email: Spring sale / A (Consideration)"
    assert table["Spring sale"]["A/B test"] == (
        "A/B test: “Spring sale” is variant A of “Spring sale”, beside “Spring sale (B)”"
    )
    assert table["Spring sale (B)"]["Email in the journey"] == "new email: Spring sale / B (Consideration)"
    assert table["Spring sale (B)"]["A/B test"] == (
        "A/B test: “Spring sale (B)” is variant B of “Spring sale”, beside “Spring sale”"
    )
    assert table["Roast Club (copy 01)"]["A/B test"] == ""
    assert table["Tasting notes (Nov)"]["A/B test"] == ""
    assert counts(session) == {}
    assert variants(session) == {}


def test_a_b_title_pairs_with_its_base_title_matched_by_campaign_id(session):
    """ "Spring sale" matches the journey's "Sale day" by its ESP campaign id; "Spring sale (B)" goes with it."""
    journey = make_journey(session, stages={"Decision": [{"name": "Sale day", "esp_campaign_id": "mc-ss-a"}]})
    result = import_metrics(session, journey.id, PAIRS)
    got = counts(session)
    assert got[("Sale day", "A", "2026-11-16")] == A_SIDE
    assert got[("Sale day", "B", "2026-11-16")] == B_SIDE
    assert [u.name for u in result.unmatched] == [
        "Roast Club (copy 01)",
        "Tasting notes",
        "Tasting notes (Nov)",
    ]


def test_an_email_named_like_the_b_title_keeps_its_own_rows(session):
    journey = make_journey(session, stages={"Decision": ["Spring sale", "Spring sale (B)"]})
    import_metrics(session, journey.id, PAIRS)
    got = counts(session)
    assert got[("Spring sale", "", "2026-11-16")] == A_SIDE
    assert got[("Spring sale (B)", "", "2026-11-16")] == B_SIDE
    assert variants(session) == {}


def test_an_unmatched_pair_is_listed_once_with_both_titles_rows(session):
    journey = make_journey(session, stages={"Decision": ["Tasting notes"]})
    result = import_metrics(session, journey.id, PAIRS, dry_run=True)
    sale = next(u for u in result.unmatched if u.name == "Spring sale")
    assert (sale.rows, sale.sent, sale.clicks) == (2, 2_000, 92)
    assert "Spring sale (B)" not in {u.name for u in result.unmatched}
    skipped = {c.file_email: c.skipped for c in result.check if c.skipped}
    assert (
        skipped["Spring sale (B)"]
        == "no email named “Spring sale” in this journey (“Spring sale (B)” is its variant B)"
    )


def test_imported_pair_shows_as_an_ab_test_in_the_weekly_review(session):
    email = {"name": "Spring sale", "subject": "Spring sale: 20 % off every bean"}
    journey = make_journey(session, stages={"Decision": [email]})
    import_metrics(session, journey.id, PAIRS)
    # A is the email as it is (its subject is the A row's); B keeps the subject the file sent it with
    assert subjects(session) == {
        ("Spring sale", "A"): None,
        ("Spring sale", "B"): "Your beans, 20 % off this week",
    }
    weekly = review.weekly_review(session, journey.id, "2026-W47")
    (test,) = weekly.ab_tests
    assert (test.email, test.stage) == ("Spring sale", "Decision")
    assert [label for label, _counts in test.variants] == ["A", "B"]
    assert test.verdict.winner == "B"  # 62 / 992 clicks against 30 / 990: significant
    assert test.subjects == {"B": "Your beans, 20 % off this week"}


def test_import_page_lists_the_pair_then_the_review_page_shows_the_ab_test(app_db):
    """End to end in the app: upload the export, read the pair in the check, import, review the week."""
    from streamlit.testing.v1 import AppTest

    from ui.navigation import page_path

    with in_db(app_db) as session:
        make_journey(session, stages={"Decision": ["Spring sale"]})
    at = AppTest.from_file(str(ROOT / page_path("import_metrics")), default_timeout=60).run()
    at.file_uploader(key="import_file").set_value(("campaigns.csv", PAIRS.read_bytes(), "text/csv"))
    at.run()
    assert not at.exception
    check = next(frame.value for frame in at.dataframe if "A/B test" in frame.value.columns)
    pairs = dict(zip(check["In the file"], check["A/B test"], strict=True))
    assert (
        pairs["Spring sale (B)"]
        == "A/B test: “Spring sale (B)” is variant B of “Spring sale”, beside “Spring sale”"
    )
    at.button(key="import_commit").click().run()
    assert not at.exception
    assert "Imported" in at.success[0].value

    at = run_page("review")
    at.selectbox(key="review_week").set_value("2026-W47").run()
    assert not at.exception
    shown = texts(at)
    assert "Spring sale" in shown
    assert "B wins" in shown
