"""What a dry run will change, in words: the summary line, the per-email table, and the journey that
fits a file best (the import page starts on it).

    check_summary(result, "Onboarding")  # "12 rows → 4 emails in “Onboarding”: 3 new days, 9 updated…"
    check_table(result)                  # one dict per email and variant of the file
    rank_journeys(session, result)       # every journey, the best match for the file's emails first
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from journey.core.text import plural
from journey.measure.imports.importer import CheckRow, ImportResult, _Targets
from journey.plan import journeys


def check_summary(result: ImportResult, journey_name: str) -> str:
    """`12 rows → 4 emails in “Onboarding”: 3 new days, 9 updated, 2 rows skipped` (one per metric row)."""
    emails = {(c.email.casefold(), c.created) for c in result.check if not c.skipped}
    line = (
        f"{plural(result.rows_read, 'row')} → {plural(len(emails), 'email')} in “{journey_name}”: "
        f"{plural(result.new_days, 'new day')}, {result.updated_days:,} updated"
    )
    created = len({c.email.casefold() for c in result.check if c.created})
    if created:
        line += f" ({plural(created, 'email')} to create)"
    if result.skipped_rows:
        line += f", {plural(result.skipped_rows, 'row')} skipped"
    return line


def _rows(check: CheckRow) -> str:
    if check.rows == 1:
        return str(check.first_row)
    return f"{check.first_row} (+{check.rows - 1:,})"


def check_table(result: ImportResult) -> list[dict[str, object]]:
    """The check per email and variant: the file's rows, what they match, new and updated days, why skipped.

    "Rows" is the first row (as a spreadsheet numbers it) and how many more follow. When the file holds
    Mailchimp A/B pairs, an "A/B test" column says what each row group was paired with.
    """
    table = []
    paired = any(check.pair for check in result.check)
    for check in result.check:
        in_file = check.file_email + (f" / {check.file_variant}" if check.file_variant else "")
        if check.skipped:
            matched = "no match"
        else:
            matched = f"{check.email}{f' / {check.variant}' if check.variant else ''} ({check.stage})"
            if check.created:
                matched = f"new email: {matched}"
        table.append(
            {
                "Rows": _rows(check),
                "In the file": in_file,
                "Email in the journey": matched,
                "New days": check.new_days,
                "Updated days": check.updated_days,
                "Skipped": check.skipped,
                **({"A/B test": check.pair} if paired else {}),
            }
        )
    return table


@dataclass(frozen=True)
class JourneyFit:
    """How well a journey's emails match a file's: `matched` of its `total` email names."""

    journey_id: int
    name: str
    matched: int
    total: int

    def caption(self, *, picked: bool) -> str:
        """`Picked “Onboarding”: 4 of 4 email names in the file match.`"""
        verb = "Picked" if picked else "Importing into"
        return f"{verb} “{self.name}”: {self.matched:,} of {self.total:,} email names in the file match."


def rank_journeys(session: Session, result: ImportResult) -> list[JourneyFit]:
    """Every journey with how many of the file's emails (by ESP campaign id or name, as the import
    matches them) it has; the best first, ties by name. The file's emails come from a dry run."""
    wanted = {}
    for check in result.check:
        wanted.setdefault((check.campaign_id, check.file_email.casefold()), check)
    fits = []
    for summary in journeys.list_journeys(session):
        targets = _Targets.load(session, summary.id)
        matched = sum(
            targets.resolve(
                c.campaign_id,
                c.file_email if c.file_email != c.campaign_id else "",
                c.file_variant,
                suffix_variants=result.format == "mailchimp",
            )
            is not None
            for c in wanted.values()
        )
        fits.append(JourneyFit(summary.id, summary.name, matched, len(wanted)))
    return sorted(fits, key=lambda f: (-f.matched, f.name.casefold()))
