"""Every error a marketer can cause, in one tree.

    JourneyError                 the root: pages catch this and show str(exc)
    ├── NotFound                 a persona, journey, stage or email that is not there
    ├── InvalidInput             a field breaks a rule (empty, too long, wrong type…)
    │   └── DuplicateName        a name already taken where names must be unique
    ├── StaleEdit                someone saved the same row since it was loaded
    ├── PermissionDenied         a write (or an owner's task) that the signed-in role may not do
    ├── SignInRefused            a wrong password, an address not on the allowlist, too many attempts
    ├── DatabaseBusy             another save held the database longer than a write waits
    ├── InvalidJourneyFile       a journey JSON file that cannot be imported
    ├── InvalidBackup            a workspace backup that cannot be restored here (or not into this database)
    ├── InvalidMJML              MJML that cannot be rendered (with line and column)
    ├── TemplateError            a merge tag that cannot be rendered (with line and column)
    ├── InputTooLarge            input over a size or nesting limit
    ├── IncludeError             an mj-include that names no snippet, or includes that form a cycle
    ├── ImportRejected           a metrics file rejected as a whole (with the row)
    ├── SendError                a test send that the SMTP server refused
    └── ScreenshotUnavailable    a PNG of a preview that this server cannot draw (no Chromium)

Each carries where it happened (field, line, column, row) so a page can put the
message beside the right widget. Messages are written for a marketer: what is
wrong, where, and how to fix it. A message never starts with its own line: pass
`line=` (and `column=`) and `str(exc)` puts "Line 4, column 7: " in front, while
`exc.message` stays the bare message (a Finding made from the error keeps the
line apart, see journey.core.findings).
"""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo

from journey.core.findings import located


class JourneyError(Exception):
    """Something the user can fix; str(exc) is the message to show."""

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        line: int | None = None,
        column: int | None = None,
        row: int | None = None,
    ) -> None:
        super().__init__(located(message, line, column))
        self.message = message  # without the location: str(exc) has it in front
        self.field = field
        self.line = line
        self.column = column
        self.row = row


class NotFound(JourneyError):
    """A persona, journey, stage or email that does not exist (any more)."""


class InvalidInput(JourneyError):
    """A field value breaks a rule; `field` names the field."""


class DuplicateName(InvalidInput):
    """A name that is already taken where names must be unique."""


class StaleEdit(JourneyError):
    """The row changed since it was loaded; nothing was overwritten.

    Where the row is still there, it says who saved first and when (`by`, `at`: aware, UTC) and carries
    the row's current values (`current`: field → value) and `version`, so a page can offer "Reload their
    version" and "Compare" (journey.plan.activity.stale_edit builds it from the row).
    """

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        what: str = "",
        by: str = "",
        at: datetime | None = None,
        current: dict | None = None,
        version: int | None = None,
    ) -> None:
        super().__init__(message, field=field)
        self.what, self.by, self.at = what, by, at
        self.current = dict(current or {})
        self.version = version

    @classmethod
    def of(
        cls,
        what: str,
        *,
        by: str = "",
        at: datetime | None = None,
        current: dict | None = None,
        version: int | None = None,
        now: datetime | None = None,
        zone: tzinfo | None = None,
    ) -> StaleEdit:
        """The refusal for a stale save of a `what` ("persona", "stage"…); with `by` and `at`, who saved
        first and when: "Ana Lima saved this email at 09:41 (3 minutes ago), after you opened it." """
        if not by or at is None:
            message = (
                f"This {what} was changed by someone else since you opened it. Nothing was overwritten: "
                "reload to see their version, then make your change again."
            )
        else:
            message = (
                f"{by} saved this {what} {saved_when(at, now=now, zone=zone)}, after you opened it. "
                "Nothing was overwritten: reload their version, or compare it with yours."
            )
        return cls(message, what=what, by=by, at=at, current=current, version=version)


def ago(at: datetime, now: datetime) -> str:
    """ "just now", "3 minutes ago", "2 hours ago", "4 days ago"."""
    seconds = max(0, int((now - at).total_seconds()))
    for unit, size in (("day", 86_400), ("hour", 3_600), ("minute", 60)):
        if seconds >= size:
            count = seconds // size
            return f"{count} {unit}{'' if count == 1 else 's'} ago"
    return "just now"


def saved_when(at: datetime, *, now: datetime | None = None, zone: tzinfo | None = None) -> str:
    """ "at 09:41 (3 minutes ago)" in `zone` (UTC by default); "on 28 Nov at 09:41 (…)" another day."""
    at = at if at.tzinfo else at.replace(tzinfo=UTC)
    now = now or datetime.now(UTC)
    local, today = at.astimezone(zone or UTC), now.astimezone(zone or UTC)
    in_utc = zone in (None, UTC) or getattr(zone, "key", "") in ("UTC", "Etc/UTC")
    clock = f"{local:%H:%M}" + (" UTC" if in_utc else "")
    day = "" if local.date() == today.date() else f"on {local.day} {local:%b} "
    return f"{day}at {clock} ({ago(at, now)})"


class PermissionDenied(JourneyError):
    """The signed-in user's role does not allow this (a viewer's write, an editor's owner-only task)."""

    @classmethod
    def needs(cls, needed: str, has: str) -> PermissionDenied:
        return cls(
            f"Your role ({has}) cannot do this; it needs the {needed} role. "
            "Ask an owner of this workspace to change your role."
        )


class SignInRefused(JourneyError):
    """A sign-in that failed: wrong address or password, not on the allowlist, or throttled."""


class DatabaseBusy(JourneyError):
    """Another save or import held the database's write lock for longer than a write waits; nothing was saved."""

    MESSAGE = "The database is busy with another save; try again in a moment. Nothing was saved."

    def __init__(self, message: str = MESSAGE) -> None:
        super().__init__(message)


class InvalidJourneyFile(JourneyError):
    """A journey JSON file with missing keys, wrong types or bad references."""


class InvalidBackup(JourneyError):
    """A workspace backup that is not one, is from a newer schema, or would overwrite a database that is not empty."""


class InvalidMJML(JourneyError):
    """MJML the renderer cannot parse; `line` and `column` say where."""


class TemplateError(JourneyError):
    """A merge tag that cannot be rendered; `line` and `column` say where, `rule` which check id it is."""

    def __init__(
        self,
        message: str,
        *,
        rule: str = "merge-tag-error",
        field: str | None = None,
        line: int | None = None,
        column: int | None = None,
        fix: str = "",
    ) -> None:
        super().__init__(message, field=field, line=line, column=column)
        self.rule = rule
        self.fix = fix  # how to fix it, when the message alone does not say


class InputTooLarge(JourneyError):
    """Input over a size or nesting limit, refused before any work is done."""


class IncludeError(JourneyError):
    """An mj-include that names no snippet, or a cycle of includes; `line` says where, `rule` which."""

    def __init__(self, message: str, *, rule: str = "mjml-include", line: int | None = None) -> None:
        super().__init__(message, field="mjml", line=line)
        self.rule = rule


class ImportRejected(JourneyError):
    """A metrics file rejected as a whole; `row` says where when one row is to blame."""


class SendError(JourneyError):
    """A test send that failed: SMTP not configured, refused or unreachable."""


class ScreenshotUnavailable(JourneyError):
    """A PNG of a preview view cannot be drawn here: Playwright or Chromium is not installed."""
