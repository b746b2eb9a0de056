"""`python -m journey bin list|restore|purge` (in process, through the `cli` fixture)."""

import json
from datetime import UTC, datetime, timedelta

from support import in_db, make_journey

from journey.measure import weeks
from journey.plan import journeys


def test_bin_lists_restores_and_purges(cli, tmp_path, monkeypatch):
    db = f"sqlite:///{tmp_path / 'cli.db'}"
    deleted = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
    monkeypatch.setattr(weeks, "utc_now", lambda: deleted)
    cli("init", db=db, check=True)
    with in_db(db) as session:
        old = make_journey(session, "Old").id
        kept = make_journey(session, "Kept").id
        journeys.delete_journey(session, old)
        journeys.delete_journey(session, kept)
    listed = json.loads(cli("bin", "list", "--json", db=db, check=True).stdout)
    assert [(r["name"], r["days_left"]) for r in listed] == [("Kept", 30), ("Old", 30)]
    assert "Local user" in listed[0]["deleted_by"]
    assert "Restored “Kept”" in cli("bin", "restore", str(kept), db=db, check=True).stdout
    assert '"name": "Kept"' in cli("list", "--json", db=db, check=True).stdout
    monkeypatch.setattr(weeks, "utc_now", lambda: deleted + timedelta(days=30))
    assert cli("bin", "purge", db=db, check=True).stdout.strip() == "Purged 1 journey: Old."
    assert cli("bin", "list", db=db, check=True).stdout.strip() == "The bin is empty."
    refused = cli("bin", "restore", str(old), db=db)
    assert refused.returncode == 1
    assert "not in the bin" in refused.stderr
