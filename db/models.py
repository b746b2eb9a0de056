"""The tables: personas, journeys and their stages and emails, A/B variants, snippets, metrics.

Field rules live here and only here: each table's `XBase` declares its fields with their limits
(`max_length`, `min_length=1` for a required name, `ge`/`le` for a range); `XCreate` is what a new row
needs, `XUpdate` the same fields all optional (a save changes only the fields it names), and
`X(XBase, table=True)` the table. Services clean input against these rules
(journey.core.fields.clean_field), the journey JSON schema and the importers read their limits
from them. A limit on a text column without a length in the schema is declared with
`sa_type=AutoString`, so the rule does not change the column.

Every editable row (personas, journeys, stages, emails, variants, snippets, weekly notes, settings) carries
`version` for optimistic concurrency: services update with `WHERE <key> = ? AND version = ?`
through db.crud.update_versioned, the one way a row is saved, and refuse a save made against a stale
version. Child rows go with their parent (ON DELETE CASCADE).
The schema is created and changed only by the Alembic migrations in db/migrations.
"""

from __future__ import annotations

from copy import copy
from datetime import UTC, date, datetime
from enum import StrEnum

import sqlalchemy as sa
from pydantic import create_model
from sqlmodel import JSON, AutoString, Column, Field, SQLModel

MAX_NAME = 120
MAX_TEXT = 20_000  # a lane, a description: generous, but a 10 MB paste is refused
MAX_LONG_TEXT = 2_000  # a journey's goal, an email's purpose
MAX_MJML = 500_000
MAX_DELAY_HOURS = 24 * 400
MAX_NOTES = 20_000


def utcnow() -> datetime:
    """Now, in UTC, without microseconds noise in exports."""
    return datetime.now(UTC).replace(microsecond=0)


class MapType(StrEnum):
    current_state = "current_state"
    future_state = "future_state"
    day_in_the_life = "day_in_the_life"


MAP_TYPE_LABELS = {
    MapType.current_state: "Current state",
    MapType.future_state: "Future state",
    MapType.day_in_the_life: "Day in the life",
}


class Trigger(StrEnum):
    """What starts an email's delay clock."""

    signup = "signup"
    previous_email = "previous_email"
    product_view = "product_view"
    trial_started = "trial_started"
    cart_abandoned = "cart_abandoned"
    purchase = "purchase"
    shipped = "shipped"
    delivered = "delivered"
    inactivity = "inactivity"
    birthday = "birthday"
    date = "date"
    manual = "manual"


TRIGGER_LABELS = {
    Trigger.signup: "Signs up",
    Trigger.previous_email: "After the previous email",
    Trigger.product_view: "Views a product",
    Trigger.trial_started: "Starts a free trial",
    Trigger.cart_abandoned: "Abandons a cart",
    Trigger.purchase: "Buys",
    Trigger.shipped: "Order shipped",
    Trigger.delivered: "Order delivered",
    Trigger.inactivity: "Goes inactive",
    Trigger.birthday: "Birthday",
    Trigger.date: "On a date",
    Trigger.manual: "Sent by hand (newsletter)",
}


class EmailStatus(StrEnum):
    draft = "draft"
    ready = "ready"


LANES = ("customer_goals", "motivations", "actions", "obstacles", "opportunities", "touchpoints")
LANE_LABELS = {
    "customer_goals": "Customer goals",
    "motivations": "Motivations",
    "actions": "Actions",
    "obstacles": "Obstacles",
    "opportunities": "Opportunities",
    "touchpoints": "Touchpoints",
    "emotion": "Emotion",
}


def _update_model(base: type[SQLModel], name: str, doc: str) -> type[SQLModel]:
    """`base`'s fields, each optional (default None) with the same rules: an XUpdate model."""
    fields = {}
    for field_name, info in base.model_fields.items():
        optional = copy(info)
        optional.default, optional.default_factory = None, None
        fields[field_name] = (info.annotation | None, optional)
    model = create_model(name, __base__=SQLModel, __doc__=doc, **fields)
    model.__module__ = __name__
    return model


MAX_ACTOR = 200  # an actor's label (a display name or an email address) in updated_by and the activity log


class Versioned(SQLModel):
    """Timestamps, who last changed the row and the optimistic-concurrency version every editable row has.

    `updated_by` is the label of the actor who last wrote the row (journey.core.access.Actor.label: the
    display name, else the email address; "Local user (no sign-in)" when the app runs open), set by
    db.audit on every insert and by db.crud.update_versioned on every update. "" for rows older than
    migration 0009.
    """

    created_at: datetime = Field(default_factory=utcnow, nullable=False)
    updated_at: datetime = Field(default_factory=utcnow, nullable=False)
    updated_by: str = Field(default="", max_length=MAX_ACTOR, sa_column_kwargs={"server_default": ""})
    version: int = Field(default=1, nullable=False)


# --- personas ---------------------------------------------------------------


class PersonaBase(SQLModel):
    name: str = Field(min_length=1, max_length=MAX_NAME)
    description: str = Field(default="", max_length=MAX_TEXT, sa_type=AutoString)
    goals: str = Field(default="", max_length=MAX_TEXT, sa_type=AutoString)
    motivations: str = Field(default="", max_length=MAX_TEXT, sa_type=AutoString)
    segment: str = Field(default="", max_length=200)
    # Sample merge data that previews use: {"first_name": "Maya", "company": "Brightside"}.
    merge_data: dict[str, str] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class PersonaCreate(PersonaBase):
    """A new persona: a name, the rest optional."""


PersonaUpdate = _update_model(
    PersonaBase, "PersonaUpdate", "A save of a persona: only the fields given change."
)


class Persona(PersonaBase, Versioned, table=True):
    id: int | None = Field(default=None, primary_key=True)
    __table_args__ = (sa.UniqueConstraint("name", name="uq_persona_name"),)


# --- journeys ---------------------------------------------------------------


class JourneyBase(SQLModel):
    name: str = Field(min_length=1, max_length=MAX_NAME)
    goal: str = Field(default="", max_length=MAX_LONG_TEXT, sa_type=AutoString)
    target_kpi: str = Field(default="", max_length=200)
    map_type: str = Field(default=MapType.current_state.value, max_length=32)
    # Journey check: most emails a persona may receive in any 7 days of a walk-through.
    max_emails_per_week: int = Field(default=3, ge=1, le=50)


class JourneyCreate(JourneyBase):
    """A new journey: a name, the rest optional."""


JourneyUpdate = _update_model(
    JourneyBase, "JourneyUpdate", "A save of a journey: only the fields given change."
)


class Journey(JourneyBase, Versioned, table=True):
    id: int | None = Field(default=None, primary_key=True)
    # Set on a journey duplicated as the future state of another one.
    source_journey_id: int | None = Field(
        default=None,
        sa_column=Column(sa.Integer, sa.ForeignKey("journey.id", ondelete="SET NULL"), nullable=True),
    )
    # The bin (journey.plan.bin): a deleted journey keeps its rows for 30 days, hidden everywhere; its
    # name stays taken until it is deleted for good (the unique constraint covers it).
    deleted_at: datetime | None = Field(default=None, nullable=True)
    deleted_by: str = Field(default="", max_length=200)
    __table_args__ = (sa.UniqueConstraint("name", name="uq_journey_name"),)


class JourneyPersona(SQLModel, table=True):
    """Which personas a journey follows."""

    __tablename__ = "journey_persona"

    journey_id: int = Field(
        sa_column=Column(sa.Integer, sa.ForeignKey("journey.id", ondelete="CASCADE"), primary_key=True)
    )
    persona_id: int = Field(
        sa_column=Column(sa.Integer, sa.ForeignKey("persona.id", ondelete="CASCADE"), primary_key=True)
    )


# --- stages -----------------------------------------------------------------


class StageBase(SQLModel):
    name: str = Field(min_length=1, max_length=80)
    position: int = 0
    # Lanes: free text, one item per line.
    customer_goals: str = Field(default="", max_length=MAX_TEXT, sa_type=AutoString)
    motivations: str = Field(default="", max_length=MAX_TEXT, sa_type=AutoString)
    actions: str = Field(default="", max_length=MAX_TEXT, sa_type=AutoString)
    obstacles: str = Field(default="", max_length=MAX_TEXT, sa_type=AutoString)
    opportunities: str = Field(default="", max_length=MAX_TEXT, sa_type=AutoString)
    touchpoints: str = Field(default="", max_length=MAX_TEXT, sa_type=AutoString)
    emotion: int = Field(default=0, ge=-2, le=2)  # -2 (frustrated) … +2 (delighted)


class StageCreate(StageBase):
    """A new stage: a name, the rest optional."""


StageUpdate = _update_model(StageBase, "StageUpdate", "A save of a stage: only the fields given change.")


class Stage(StageBase, Versioned, table=True):
    id: int | None = Field(default=None, primary_key=True)
    journey_id: int = Field(
        sa_column=Column(
            sa.Integer, sa.ForeignKey("journey.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    __table_args__ = (
        sa.UniqueConstraint("journey_id", "name", name="uq_stage_journey_name"),
        sa.CheckConstraint("emotion BETWEEN -2 AND 2", name="ck_stage_emotion"),
    )


# --- emails -----------------------------------------------------------------


class EmailBase(SQLModel):
    name: str = Field(min_length=1, max_length=MAX_NAME)
    position: int = 0
    purpose: str = Field(default="", max_length=MAX_LONG_TEXT, sa_type=AutoString)
    trigger: str = Field(default=Trigger.signup.value, max_length=32)
    # Extra for the trigger: days of inactivity for "inactivity", an ISO date for "date".
    trigger_detail: str = Field(default="", max_length=64)
    delay_hours: int = Field(default=0, ge=0, le=MAX_DELAY_HOURS)
    subject: str = Field(default="", max_length=300)
    preheader: str = Field(default="", max_length=300)
    mjml: str = Field(default="", max_length=MAX_MJML, sa_type=AutoString)
    cta_label: str = Field(default="", max_length=120)
    cta_url: str = Field(default="", max_length=2000)
    status: str = Field(default=EmailStatus.draft.value, max_length=16)
    esp_campaign_id: str | None = Field(default=None, max_length=200)


class EmailCreate(EmailBase):
    """A new email: a name, the rest optional."""


EmailUpdate = _update_model(EmailBase, "EmailUpdate", "A save of an email: only the fields given change.")


class Email(EmailBase, Versioned, table=True):
    id: int | None = Field(default=None, primary_key=True)
    stage_id: int = Field(
        sa_column=Column(
            sa.Integer, sa.ForeignKey("stage.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    __table_args__ = (sa.CheckConstraint("delay_hours >= 0", name="ck_email_delay"),)


class EmailVariantBase(SQLModel):
    label: str = Field(min_length=1, max_length=40)  # "A", "B", "Short subject"… metric imports refer to it
    subject: str | None = Field(default=None, max_length=300)  # None: the email's own
    preheader: str | None = Field(default=None, max_length=300)
    mjml: str | None = Field(default=None, max_length=MAX_MJML, sa_type=AutoString)
    esp_campaign_id: str | None = Field(default=None, max_length=200)


class EmailVariantCreate(EmailVariantBase):
    """A new variant: a label, and the overrides it has."""


EmailVariantUpdate = _update_model(
    EmailVariantBase, "EmailVariantUpdate", "A save of a variant: only the fields given change."
)


class EmailVariant(EmailVariantBase, Versioned, table=True):
    __tablename__ = "email_variant"
    id: int | None = Field(default=None, primary_key=True)
    email_id: int = Field(
        sa_column=Column(
            sa.Integer, sa.ForeignKey("email.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    __table_args__ = (sa.UniqueConstraint("email_id", "label", name="uq_variant_email_label"),)


EMAIL_VERSION_FIELDS = (
    "name",
    "purpose",
    "trigger",
    "trigger_detail",
    "delay_hours",
    "subject",
    "preheader",
    "mjml",
    "cta_label",
    "cta_url",
    "status",
)  # what a version of an email keeps (journey.write.history): its content, not its place or metrics


class EmailVersion(SQLModel, table=True):
    """One saved state of an email: written on its creation and on every save (journey.write.history).

    Never updated: restoring a version writes its content as a new version. The last KEEP_VERSIONS
    (journey.write.history) of each email are kept."""

    __tablename__ = "email_version"
    id: int | None = Field(default=None, primary_key=True)
    email_id: int = Field(
        sa_column=Column(sa.Integer, sa.ForeignKey("email.id", ondelete="CASCADE"), nullable=False)
    )
    number: int  # the email's version number once this state was saved (named apart from row locks)
    saved_at: datetime = Field(default_factory=utcnow, nullable=False)
    saved_by: str = Field(default="", max_length=200)
    restored_from: int | None = None  # the version this one restored, if it is a restore
    changed: str = Field(default="", max_length=500)  # what differs from the version before, "created"…
    name: str = Field(max_length=MAX_NAME)
    purpose: str = Field(default="", sa_type=AutoString)
    trigger: str = Field(default="", max_length=32)
    trigger_detail: str = Field(default="", max_length=64)
    delay_hours: int = 0
    subject: str = Field(default="", max_length=300)
    preheader: str = Field(default="", max_length=300)
    mjml: str = Field(default="", sa_type=AutoString)
    cta_label: str = Field(default="", max_length=120)
    cta_url: str = Field(default="", max_length=2000)
    status: str = Field(default="", max_length=16)
    __table_args__ = (sa.UniqueConstraint("email_id", "number", name="uq_email_version_number"),)


# --- snippets ---------------------------------------------------------------

MAX_SNIPPET_NAME = 60


class SnippetBase(SQLModel):
    """A block of MJML (header, footer, brand block) that emails include with <mj-include path="name.mjml">."""

    name: str = Field(min_length=1, max_length=MAX_SNIPPET_NAME)  # lower case: letters, digits, - and _
    mjml: str = Field(default="", max_length=MAX_MJML, sa_type=AutoString)


class SnippetCreate(SnippetBase):
    """A new snippet: a name and its MJML."""


SnippetUpdate = _update_model(
    SnippetBase, "SnippetUpdate", "A save of a snippet: only the fields given change."
)


class Snippet(SnippetBase, Versioned, table=True):
    id: int | None = Field(default=None, primary_key=True)
    __table_args__ = (sa.UniqueConstraint("name", name="uq_snippet_name"),)


# --- metrics ----------------------------------------------------------------


class MetricSums(SQLModel):
    """Unique counts and revenue: one day's in metric_daily (and a segment's), a week's sums in metric_weekly."""

    sent: int = 0
    delivered: int = 0
    opens: int = 0
    machine_opens: int = 0  # flagged machine (Apple MPP) opens, counted apart from `opens`
    clicks: int = 0
    conversions: int = 0
    unsubscribes: int = 0
    bounces: int = 0
    complaints: int = 0
    revenue: float = 0.0


SUMMED = tuple(MetricSums.model_fields)  # the columns the covering indexes carry, in this order


class MetricCounts(MetricSums):
    """The unique counts and revenue an import keeps (for an email, variant and day, or one segment of
    it), with where they came from."""

    source: str = Field(default="", max_length=32)  # the import format
    imported_at: datetime = Field(default_factory=utcnow, nullable=False)


class MetricDaily(MetricCounts, table=True):
    """Unique counts for one email, variant and day: a re-import replaces the row."""

    __tablename__ = "metric_daily"
    id: int | None = Field(default=None, primary_key=True)
    email_id: int = Field(
        sa_column=Column(sa.Integer, sa.ForeignKey("email.id", ondelete="CASCADE"), nullable=False)
    )
    variant: str = Field(default="", max_length=40)  # "" when the email had no A/B test
    day: date
    __table_args__ = (
        sa.UniqueConstraint("email_id", "variant", "day", name="uq_metric_email_variant_day"),
        sa.Index("ix_metric_day_email", "day", "email_id"),
        # Covering: reports join stage → email → metric_daily by email_id and a day range; with every
        # summed column in the index, aggregation never reads the table itself.
        sa.Index("ix_metric_email_day_covering", "email_id", "day", "variant", *SUMMED),
    )


class MetricWeekly(MetricSums, table=True):
    """metric_daily summed per email, variant and ISO week (its Monday): the rollup the weekly queries read.

    Never written by hand: every write to metric_daily recomputes the (email, variant, week) rows it
    touched from metric_daily in the same transaction (db.rollups), so it is always exact.
    """

    __tablename__ = "metric_weekly"
    id: int | None = Field(default=None, primary_key=True)
    email_id: int = Field(
        sa_column=Column(sa.Integer, sa.ForeignKey("email.id", ondelete="CASCADE"), nullable=False)
    )
    variant: str = Field(default="", max_length=40)
    week_start: date
    __table_args__ = (
        sa.UniqueConstraint("email_id", "variant", "week_start", name="uq_metric_weekly_email_variant_week"),
        # Covering, like metric_daily's: the weekly sums read the index alone.
        sa.Index(
            "ix_metric_weekly_email_week_covering",
            "email_id",
            "week_start",
            "variant",
            *SUMMED,
        ),
    )


class DataVersion(SQLModel, table=True):
    """One row whose counter every committed write bumps (db.rollups): the caches' stamp, one indexed read."""

    __tablename__ = "data_version"
    id: int = Field(default=1, primary_key=True)
    counter: int = Field(
        default=0, sa_type=sa.BigInteger, nullable=False
    )  # named apart from row locks (`version`)


# The metric names, read from the table: its whole-number columns other than keys are the unique counts
# (sent … complaints, in column order), then revenue. Imports, sums and reports all use these.
METRIC_COUNTS: tuple[str, ...] = tuple(
    column.name
    for column in MetricDaily.__table__.columns
    if isinstance(column.type, sa.Integer) and not column.primary_key and not column.foreign_keys
)
METRIC_FIELDS: tuple[str, ...] = (*METRIC_COUNTS, "revenue")


MAX_SEGMENT = 200  # as a persona's segment (PersonaBase.segment), which a segment is matched against


class MetricSegmentDaily(MetricCounts, table=True):
    """One segment's share of an email, variant and day, where the import carried a segment (a list or
    audience): the same counts as metric_daily, whose row for that email, variant and day holds their sum.
    An import that writes a metric_daily row replaces that row's segment rows (none, if it carries none)."""

    __tablename__ = "metric_segment_daily"
    id: int | None = Field(default=None, primary_key=True)
    email_id: int = Field(
        sa_column=Column(sa.Integer, sa.ForeignKey("email.id", ondelete="CASCADE"), nullable=False)
    )
    variant: str = Field(default="", max_length=40)
    segment: str = Field(max_length=MAX_SEGMENT)  # as the file writes it ("" for a row left blank)
    day: date
    __table_args__ = (
        # (email_id, day) first: the review sums each of a journey's emails over a week's days, and a
        # re-import deletes the segments of an email, variant and day, both by that prefix.
        sa.UniqueConstraint("email_id", "day", "variant", "segment", name="uq_metric_segment_email_day"),
        # PostgreSQL's planner reads one week of many emails by day (else it scans the whole table).
        sa.Index("ix_metric_segment_day_email", "day", "email_id"),
    )


class WeeklyNote(SQLModel, table=True):
    """What the team decided in a weekly review."""

    __tablename__ = "weekly_note"
    id: int | None = Field(default=None, primary_key=True)
    journey_id: int = Field(
        sa_column=Column(sa.Integer, sa.ForeignKey("journey.id", ondelete="CASCADE"), nullable=False)
    )
    week: str = Field(max_length=8)  # ISO week, "2026-W47"
    notes: str = Field(default="", max_length=MAX_NOTES, sa_type=AutoString)
    created_at: datetime = Field(default_factory=utcnow, nullable=False)
    updated_at: datetime = Field(default_factory=utcnow, nullable=False)
    updated_by: str = Field(default="", max_length=MAX_ACTOR, sa_column_kwargs={"server_default": ""})
    version: int = Field(default=1, nullable=False)
    __table_args__ = (sa.UniqueConstraint("journey_id", "week", name="uq_note_journey_week"),)


class Setting(SQLModel, table=True):
    """Workspace settings as JSON values, e.g. key "alert_thresholds"."""

    key: str = Field(primary_key=True, max_length=80)
    value: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    updated_at: datetime = Field(default_factory=utcnow, nullable=False)
    updated_by: str = Field(default="", max_length=MAX_ACTOR, sa_column_kwargs={"server_default": ""})
    version: int = Field(default=1, nullable=False)  # saved through db.crud.update_versioned like every row


# --- accounts -----------------------------------------------------------------

MAX_EMAIL = 254  # the longest address SMTP carries (RFC 5321's path less its brackets)


class UserAccount(Versioned, table=True):
    """A member of the team: the role they act with, and (for built-in sign-in) a password's argon2 hash.

    `email` is stored lower-cased and unique; `password_hash` is None for an account that only gives a
    role to someone who signs in through the identity provider (OIDC). `failed_attempts` and
    `locked_until` throttle sign-in after repeated wrong passwords (journey.plan.users).
    """

    __tablename__ = "user_account"
    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(min_length=3, max_length=MAX_EMAIL)
    name: str = Field(default="", max_length=MAX_NAME)
    role: str = Field(max_length=16)  # journey.core.access.Role: owner, editor or viewer
    password_hash: str | None = Field(default=None, max_length=512)
    failed_attempts: int = Field(default=0, nullable=False)
    locked_until: datetime | None = Field(default=None)
    __table_args__ = (
        sa.UniqueConstraint("email", name="uq_user_account_email"),
        sa.CheckConstraint("role IN ('owner', 'editor', 'viewer')", name="ck_user_account_role"),
    )


# --- the activity log -------------------------------------------------------

ACTIVITY_KINDS = ("journey", "stage", "email", "persona", "variant", "snippet", "import", "note", "setting")
ACTIVITY_ACTIONS = ("created", "changed", "deleted", "imported", "restored")


class Activity(SQLModel, table=True):
    """One change: when, who, what kind of object, which one (its id and its name at the time), what.

    Written by db.audit in the transaction of the change itself (a rolled-back change leaves no row),
    never edited. `journey_id` has no foreign key: a deleted journey's history stays.
    """

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, nullable=False, index=True)
    actor: str = Field(default="", max_length=MAX_ACTOR)  # the actor's email ("local", "cli" without sign-in)
    actor_name: str = Field(default="", max_length=MAX_ACTOR)  # their label at the time
    kind: str = Field(max_length=16)  # ACTIVITY_KINDS
    action: str = Field(max_length=16)  # ACTIVITY_ACTIONS
    object_id: str = Field(default="", max_length=80)  # a row's id, a setting's key, an import's file name
    object_name: str = Field(default="", max_length=300)
    journey_id: int | None = Field(default=None, index=True)
    summary: str = Field(default="", max_length=500)
