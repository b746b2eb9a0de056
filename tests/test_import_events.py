"""Per-recipient event exports (SendGrid, Mailgun, Postmark, Brevo): each format from a file in the
provider's documented layout (tests/fixtures/README.md), against counts and rates computed by hand."""

from __future__ import annotations

import io

import pytest
from metrics_import_support import FIXTURES, counts, dump, make_onboarding, row

from journey.measure.imports.formats import detect_event_source, detect_format, normalize_header
from journey.measure.imports.importer import import_metrics
from journey.measure.metrics import stage_metrics

COUNTS = ("sent", "delivered", "opens", "machine_opens", "clicks", "unsubscribes", "bounces", "complaints")


def rates(opens, clicks, delivered, sent, *, unsub=0, bounces=0, complaints=0) -> dict:
    """The stage's rates as REFERENCE §2 defines them, from hand-counted recipients."""
    return {
        "open_rate": opens / delivered,
        "click_rate": clicks / delivered,
        "click_to_open_rate": clicks / opens if opens else None,
        "conversion_rate": 0.0,
        "unsubscribe_rate": unsub / delivered,
        "bounce_rate": bounces / sent,
        "complaint_rate": complaints / delivered,
    }


# fixture → (provider, rows read, {(email, variant, day): counts}, {stage: rates}, ignored events)
FORMATS = {
    "events_sendgrid_activity.csv": (
        "SendGrid Email Activity CSV",
        24,
        {
            # a opened twice and clicked; b opened and reported spam ("spam report"); c was deferred,
            # delivered, then unsubscribed from the group ("group unsubscribe", its resubscribe only
            # listed); d bounced; e was dropped (a suppressed address: never sent); f unsubscribed.
            ("Welcome 2", "", "2026-11-03"): row(5, 4, 2, 1, unsub=2, bounces=1, complaints=1),
            # a marketing campaign named in marketing_campaign_name (its categories cell is empty)
            ("Win-back", "", "2026-11-03"): row(1, 1, 1, 0),
        },
        {
            "Awareness": rates(2, 1, 4, 5, unsub=2, bounces=1, complaints=1),  # 50 %, 25 %, 50 %, 20 %, 25 %
            "Retention": rates(1, 0, 1, 1),
        },
        [("deferred", 1, ""), ("group resubscribe", 1, "")],
    ),
    "events_sendgrid_singlesend.csv": (
        "SendGrid event webhook",
        16,
        {
            # marketing_campaign_name is empty: the Single Send's name is in singlesend_name. h opened
            # (a machine open first, then a real one); i only had a machine open (sg_machine_open);
            # j clicked without an open; k was deferred then blocked (never delivered: a bounce);
            # l left the unsubscribe group.
            ("Win-back", "", "2026-11-04"): row(5, 4, 1, 1, machine=1, unsub=1, bounces=1),
        },
        {"Retention": rates(1, 1, 4, 5, unsub=1, bounces=1)},  # 25 %, 25 %, 100 %, 25 %, 20 %
        [("deferred", 1, "")],
    ),
    "events_mailgun.csv": (
        "Mailgun events",
        15,
        {
            # y's temporary failure was retried and delivered (listed, not a bounce); z failed
            # permanently; v's failure is suppress-bounce (a known bad address, never sent); x opened
            # at 23:59:59 and clicked after midnight: both on the send day.
            ("Win-back", "", "2026-11-02"): row(4, 3, 1, 1, unsub=1, bounces=1, complaints=1),
        },
        {"Retention": rates(1, 1, 3, 4, unsub=1, bounces=1, complaints=1)},  # 33.33 %, …, 25 %
        [("failed", 1, "a temporary failure, retried")],
    ),
    "events_postmark.csv": (
        "Postmark webhooks",
        16,
        {
            # Deliveries name the recipient in Recipient, bounces and complaints in Email. p opened and
            # clicked; q complained (its SubscriptionChange is that complaint, not an unsubscribe); r
            # hard-bounced (likewise); s's AutoResponder "bounce" is an out-of-office reply to a
            # delivered email; t and u unsubscribed (u's later reactivation is listed); v soft-bounced
            # and was never delivered. No send events: sent = delivered (5) + bounced (2).
            ("Welcome 2", "", "2026-11-03"): row(7, 5, 1, 1, unsub=2, bounces=2, complaints=1),
        },
        {"Awareness": rates(1, 1, 5, 7, unsub=2, bounces=2, complaints=1)},  # 20 %, …, 28.57 %
        [
            ("SubscriptionChange", 1, "HardBounce: counted as its own event"),
            ("SubscriptionChange", 1, "SpamComplaint: counted as its own event"),
            ("SubscriptionChange", 1, "SuppressSending false: a reactivation"),
        ],
    ),
    "events_brevo.csv": (
        "Brevo events",
        15,
        {
            # m1 was delivered at 23:30 UTC on Nov 2 (its CET `date` says Nov 3: ts_event is read), had
            # a proxy open and a real one, and clicked; m2 only had a proxy_open (a machine open); m3's
            # soft bounce was retried and delivered; m4 hard-bounced and m5 soft-bounced, never
            # delivered; m6 unsubscribed; m7 marked it as spam; m8's list_addition is listed.
            ("Welcome 1", "", "2026-11-02"): row(7, 5, 1, 1, machine=1, unsub=1, bounces=2, complaints=1),
        },
        {"Awareness": rates(1, 1, 5, 7, unsub=1, bounces=2, complaints=1)},  # 20 %, …, 28.57 %
        [("list_addition", 1, "")],
    ),
}


@pytest.fixture
def journey_id(session):
    return make_onboarding(session)


def header_names(fixture: str) -> list[str]:
    first = (FIXTURES / fixture).read_text(encoding="utf-8").splitlines()[0]
    return [normalize_header(name) for name in first.split(",")]


@pytest.mark.parametrize("fixture", list(FORMATS), ids=[f.removesuffix(".csv") for f in FORMATS])
def test_each_event_export_is_detected_by_its_header(fixture):
    names = header_names(fixture)
    assert (detect_format(names), detect_event_source(names)) == ("events", FORMATS[fixture][0])


@pytest.mark.parametrize("fixture", list(FORMATS), ids=[f.removesuffix(".csv") for f in FORMATS])
def test_each_event_export_imports_hand_computed_counts_and_rates_and_reimports_unchanged(
    session, journey_id, fixture
):
    provider, rows_read, expected, stage_rates, ignored = FORMATS[fixture]
    result = import_metrics(session, journey_id, FIXTURES / fixture)
    assert (result.format, result.provider, result.detected) == ("events", provider, True)
    assert (result.rows_read, result.rejected, result.unmatched) == (rows_read, [], [])
    assert sorted((e.event, e.rows, e.reason) for e in result.ignored_events) == ignored
    assert counts(session) == expected
    by_stage = {s.stage: s.counts.rates for s in stage_metrics(session, journey_id) if not s.counts.is_empty}
    assert list(by_stage) == list(stage_rates)
    for stage, expected_rates in stage_rates.items():
        assert by_stage[stage] == pytest.approx(expected_rates), stage
    session.commit()

    before = [r[:13] for r in dump(session)]  # the numbers, not imported_at
    again = import_metrics(session, journey_id, FIXTURES / fixture)
    assert again.imported == result.imported
    assert [r[:13] for r in dump(session)] == before


# fixture → (row to break, column, the error named)
MALFORMED = {
    "events_sendgrid_activity.csv": (6, "processed", "processed: “soon” is not a timestamp"),
    "events_sendgrid_singlesend.csv": (4, "timestamp", "timestamp: “soon” is not a timestamp"),
    "events_mailgun.csv": (9, "timestamp", "timestamp: “soon” is not a timestamp"),
    # a Delivery row: its time is in DeliveredAt (ReceivedAt, read first, is empty there)
    "events_postmark.csv": (3, "DeliveredAt", "DeliveredAt: “soon” is not a timestamp"),
    "events_brevo.csv": (5, "ts_event", "ts_event: “soon” is not a timestamp"),
}


@pytest.mark.parametrize("fixture", list(MALFORMED), ids=[f.removesuffix(".csv") for f in MALFORMED])
def test_a_malformed_copy_is_rejected_naming_row_and_column_and_changes_nothing(session, journey_id, fixture):
    import_metrics(session, journey_id, FIXTURES / fixture)
    session.commit()
    before = dump(session)
    broken_row, column, error = MALFORMED[fixture]
    lines = (FIXTURES / fixture).read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    cells = lines[broken_row - 1].split(",")
    assert cells[header.index(column)]  # the cell being broken held a time
    cells[header.index(column)] = "soon"
    lines[broken_row - 1] = ",".join(cells)
    result = import_metrics(session, journey_id, io.BytesIO("\n".join(lines).encode()))
    assert [(r.row, r.error.split(" (")[0]) for r in result.rejected] == [(broken_row, error)]
    assert not result.written
    assert dump(session) == before


# --- numbers today's importer got wrong, one test each --------------------------------------


def csv_bytes(*lines: str) -> io.BytesIO:
    return io.BytesIO(("\r\n".join(lines) + "\r\n").encode())


def test_a_sendgrid_drop_is_neither_a_send_nor_a_bounce(session, journey_id):
    """SendGrid drops a suppressed address after `processed`: it was never sent, and SendGrid's
    own bounce count leaves drops out. (It used to count as a bounce: bounce rate 1/2, not 0/1.)"""
    data = csv_bytes(
        "email,timestamp,event,category,reason",
        "a@example.com,1793610000,processed,Welcome 2,",
        "a@example.com,1793610005,delivered,Welcome 2,",
        "b@example.com,1793610000,processed,Welcome 2,",
        "b@example.com,1793610000,dropped,Welcome 2,Bounced Address",
    )
    import_metrics(session, journey_id, data)
    assert counts(session) == {("Welcome 2", "", "2026-11-02"): row(1, 1, 0, 0)}


def test_a_postmark_auto_reply_to_a_delivered_email_is_not_a_bounce(session, journey_id):
    """Postmark sends an out-of-office reply as a Bounce of Type AutoResponder after the Delivery.
    (It used to count as a bounce: 1 sent, 1 delivered and 1 bounced.)"""
    data = csv_bytes(
        "RecordType,Recipient,Email,DeliveredAt,BouncedAt,Type,Tag",
        "Delivery,p@example.com,,2026-11-03T09:00:00Z,,,Welcome 2",
        "Bounce,,p@example.com,,2026-11-03T09:05:00Z,AutoResponder,Welcome 2",
        "Bounce,,q@example.com,,2026-11-03T09:06:00Z,HardBounce,Welcome 2",
    )
    import_metrics(session, journey_id, data)
    assert counts(session) == {("Welcome 2", "", "2026-11-03"): row(2, 1, 0, 0, bounces=1)}


def test_a_postmark_suppression_after_a_bounce_or_complaint_is_not_an_unsubscribe(session, journey_id):
    """Postmark records a SubscriptionChange for every suppression, including those a hard bounce or
    a spam complaint causes, and for reactivations. (They used to count as 3 unsubscribes, not 1.)"""
    data = csv_bytes(
        "RecordType,Recipient,Email,DeliveredAt,BouncedAt,ChangedAt,SuppressSending,SuppressionReason,Tag",
        "Delivery,p@example.com,,2026-11-03T09:00:00Z,,,,,Welcome 2",
        "Delivery,q@example.com,,2026-11-03T09:00:00Z,,,,,Welcome 2",
        "SpamComplaint,,q@example.com,,2026-11-03T10:00:00Z,,,,Welcome 2",
        "SubscriptionChange,q@example.com,,,,2026-11-03T10:00:01Z,true,SpamComplaint,Welcome 2",
        "SubscriptionChange,p@example.com,,,,2026-11-03T11:00:00Z,true,ManualSuppression,Welcome 2",
        "SubscriptionChange,p@example.com,,,,2026-11-05T11:00:00Z,false,ManualSuppression,Welcome 2",
    )
    result = import_metrics(session, journey_id, data)
    assert counts(session) == {("Welcome 2", "", "2026-11-03"): row(2, 2, 0, 0, unsub=1, complaints=1)}
    assert [e.message for e in result.ignored_events] == [
        "1 row of event “SubscriptionChange” ignored (SpamComplaint: counted as its own event)",
        "1 row of event “SubscriptionChange” ignored (SuppressSending false: a reactivation)",
    ]


def test_each_field_reads_the_first_filled_of_its_columns_not_the_first_present(session, journey_id):
    """SendGrid leaves marketing_campaign_name empty for a Single Send and names it in singlesend_name;
    Postmark names the recipient in Recipient or in Email. (Such rows used to be rejected.)"""
    data = csv_bytes(
        "email,recipient,timestamp,event,marketing_campaign_name,singlesend_name",
        "a@example.com,,1793610000,processed,,Welcome 2",
        ",a@example.com,1793610005,delivered,Welcome 2,",
        ",,1793610005,delivered,Welcome 2,",
    )
    result = import_metrics(session, journey_id, data)
    assert [(r.row, r.error) for r in result.rejected] == [(4, "email or recipient: the recipient is empty")]
    result = import_metrics(session, journey_id, csv_bytes(*data.getvalue().decode().splitlines()[:3]))
    assert result.ok
    assert counts(session) == {("Welcome 2", "", "2026-11-02"): row(1, 1, 0, 0)}


def test_a_soft_bounce_counts_only_for_a_recipient_never_delivered(session, journey_id):
    """Brevo's soft_bounce and SendGrid's blocked are retried: a later delivery wins."""
    data = csv_bytes(
        "email,timestamp,event,category,type",
        "a@example.com,1793610000,processed,Welcome 2,",
        "a@example.com,1793610005,bounce,Welcome 2,blocked",
        "a@example.com,1793613600,delivered,Welcome 2,",
        "b@example.com,1793610000,processed,Welcome 2,",
        "b@example.com,1793610005,bounce,Welcome 2,blocked",
        "c@example.com,1793610000,processed,Welcome 2,",
        "c@example.com,1793610005,soft_bounce,Welcome 2,",
        "c@example.com,1793613600,delivered,Welcome 2,",
    )
    import_metrics(session, journey_id, data)
    assert counts(session) == {("Welcome 2", "", "2026-11-02"): row(3, 2, 0, 0, bounces=1)}
