"""Benchmark: journey import (transfer.import_journey) against the old row-by-row path, same run.

    .venv/bin/python bench/bench_transfer.py [--runs 3] [--old-max 1000]

Journey files of 100, 1,000 and 5,000 stages, one email each (with two A/B variants on every tenth
email), imported into a fresh, migrated SQLite file each run. Baseline: the previous import, kept
here only (`import_one_by_one`: journeys.add_stage / add_email per row, which re-read the journey's
stages and the stage's emails for each), timed up to --old-max stages because it grows with the square
of the stages. Prints medians, statements sent, and the ratio old / new.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import event  # noqa: E402

from bench.machine import machine  # noqa: E402
from db.engine import make_engine, session_scope  # noqa: E402
from db.migrate import upgrade  # noqa: E402
from db.models import LANES, EmailVariant  # noqa: E402
from journey.plan import journeys, transfer  # noqa: E402

SIZES = (100, 1_000, 5_000)


def journey_file(stages: int) -> dict:
    """`stages` stages of one email each; every tenth email has variants A and B."""
    return {
        "format": "email-journey/1",
        "journey": {"name": f"Bench {stages}"},
        "stages": [
            {
                "name": f"Stage {n}",
                "obstacles": "Not enough information to spark interest",
                "emails": [
                    {
                        "name": f"Email {n}",
                        "trigger": "signup",
                        "subject": f"Step {n}",
                        "variants": [{"label": "A"}, {"label": "B", "subject": "Other"}]
                        if n % 10 == 0
                        else [],
                    }
                ],
            }
            for n in range(stages)
        ],
    }


def import_one_by_one(session, payload) -> int:
    """The import as it was before batching (no personas or snippets in these files)."""
    parsed = transfer.parse_journey_file(payload)
    journey = journeys.create_journey(session, name=parsed.journey.name, template="blank")
    for stage_file in parsed.stages:
        stage = journeys.add_stage(
            session,
            journey.id,
            name=stage_file.name,
            emotion=stage_file.emotion,
            **{lane: getattr(stage_file, lane) for lane in LANES},
        )
        for email_file in stage_file.emails:
            values = email_file.model_dump(exclude={*transfer.IGNORED, "variants", "name"})
            email = journeys.add_email(session, stage.id, name=email_file.name, **values)
            session.add_all(
                EmailVariant(email_id=email.id, **v.model_dump(exclude=transfer.IGNORED))
                for v in email_file.variants
            )
    session.flush()
    return journey.id


def timed(template: Path, folder: Path, importer, payload) -> tuple[float, int]:
    """(seconds, statements) for one import into a fresh copy of the migrated database."""
    path = folder / f"run-{time.monotonic_ns()}.db"
    shutil.copyfile(template, path)
    engine = make_engine(f"sqlite:///{path}")
    sent = [0]

    @event.listens_for(engine, "before_cursor_execute")
    def count(*_args) -> None:
        sent[0] += 1

    start = time.perf_counter()
    with session_scope(engine) as session:
        importer(session, payload)
    seconds = time.perf_counter() - start
    engine.dispose()
    path.unlink()
    return seconds, sent[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--old-max", type=int, default=1_000, help="largest size the old path is timed at")
    args = parser.parse_args()
    print(machine())
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        template = folder / "template.db"
        engine = make_engine(f"sqlite:///{template}")
        upgrade(engine)
        engine.dispose()
        for size in SIZES:
            payload = journey_file(size)
            new = [timed(template, folder, transfer.import_journey, payload) for _ in range(args.runs)]
            new_s = statistics.median(s for s, _ in new)
            line = f"{size:>6,} stages: batched {new_s * 1000:9.1f} ms ({new[0][1]:>6,} statements)"
            if size <= args.old_max:
                old = [timed(template, folder, import_one_by_one, payload) for _ in range(args.runs)]
                old_s = statistics.median(s for s, _ in old)
                line += (
                    f"   one by one {old_s * 1000:9.1f} ms ({old[0][1]:>6,} statements)"
                    f"   ratio {old_s / new_s:5.1f}x"
                )
            print(line, flush=True)


if __name__ == "__main__":
    main()
