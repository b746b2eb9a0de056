"""Benchmark: every page of the app in AppTest on a real team's workspace, against a trivial page.

    .venv/bin/python bench/bench_pages.py [--reruns 9] [--database-url postgresql://postgres@127.0.0.1:5432/bench_pages]
        [--pages review,dashboard] [--rebuild] [--profile review]

The workspace (issue 11): 20 journeys × 5 stages × 30 emails (3,000 emails, starter MJML bodies),
3 personas, and a year of daily metrics for every email, the 365 days up to yesterday; 20 of each
stage's 30 emails carry an A/B test (variants A and B, each with its own rows). That is
3,000 × 365 + 2,000 × 365 = 1,825,000 `metric_daily` rows. Journeys, stages, emails, personas and
variants are made through the app's own services (journey.plan.journeys, journey.write.variants);
the metric rows are **bulk inserted** (SQLAlchemy Core `executemany`), not imported through the CSV
importer: the importer is benched by bench/bench_import.py.

The workspace is built once and kept: bench/out/bench_pages.db for SQLite, or the PostgreSQL
database named by --database-url (created when missing); `--rebuild` builds it again.

For each page: the first visit (a fresh AppTest session through app.py's navigation, every
`st.cache_data` emptied first, as after an import; the process already warm: every page was run
once before, so every module is imported and the engine open) and the median of N warm reruns of
the same session. Beside it, in the same run, a trivial page (bench/trivial_page.py: a title and a
line of text), timed again just before each page so that load from other work on the machine hits
both alike. Prints each page's medians, the ratio to the trivial page timed beside it and PASS/FAIL
against the targets: warm median < 300 ms and < 40× the trivial page; first visit < 1 s.
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from machine import machine  # noqa: E402

from ui.navigation import PAGES as APP_PAGES  # noqa: E402

logging.disable(logging.WARNING)  # AppTest outside a server warns about every cache and every thread

JOURNEYS, STAGES, EMAILS_PER_STAGE, AB_PER_STAGE, DAYS = 20, 5, 30, 20, 365
EXPECTED_ROWS = JOURNEYS * STAGES * (EMAILS_PER_STAGE + AB_PER_STAGE) * DAYS
PAGES = tuple(page.key for page in APP_PAGES)  # every page of the registry (ui/navigation.py)
WARM_TARGET_MS, RATIO_TARGET, FIRST_TARGET_MS = 300.0, 40.0, 1000.0
TRIVIAL_PAGE = ROOT / "bench" / "trivial_page.py"


# --- the workspace ---------------------------------------------------------------------------------


def _ensure_postgres_database(url: str) -> None:
    """Create the bench's PostgreSQL database when it does not exist yet."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from db.engine import database_url

    target = make_url(database_url(url))
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        exists = connection.execute(
            text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": target.database}
        ).first()
        if not exists:
            connection.execute(text(f'CREATE DATABASE "{target.database}"'))
    admin.dispose()


def _workspace_ready(engine) -> tuple[int, int] | None:
    """(the bench journey the pages open on, its first email) when the workspace is built, else None."""
    from sqlalchemy import func, select

    from db.models import Email, Journey, MetricDaily, Stage

    with engine.connect() as connection:
        rows = connection.execute(select(func.count()).select_from(MetricDaily)).scalar_one()
        first = connection.execute(select(Journey.id).where(Journey.name == "Bench journey 1")).scalar()
        if rows != EXPECTED_ROWS or first is None:
            return None
        email = connection.execute(
            select(Email.id)
            .join(Stage, Stage.id == Email.stage_id)
            .where(Stage.journey_id == first)
            .order_by(Stage.position, Email.position)
        ).scalar()
    return first, email


def _build_journeys(engine) -> list[tuple[int, bool]]:
    """Personas, journeys, stages, emails and variants through the services: [(email id, A/B tested)]."""
    from big_journey import fill_journey

    from db.engine import session_scope
    from journey.plan import journeys, personas
    from journey.write import variants

    emails: list[tuple[int, bool]] = []
    with session_scope(engine) as session:
        persona_ids = [
            personas.create_persona(session, name=f"Persona {i}", merge_data={"first_name": f"P{i}"}).id
            for i in range(3)
        ]
    for j in range(JOURNEYS):
        with session_scope(engine) as session:
            made = journeys.create_journey(
                session, name=f"Bench journey {j + 1}", goal="Grow", template="blank", persona_ids=persona_ids
            )
            for email in fill_journey(session, made.id, EMAILS_PER_STAGE):
                ab = email.position < AB_PER_STAGE  # positions count from 0 in each stage
                if ab:
                    variants.add_variant(session, email.id, label="A")
                    variants.add_variant(session, email.id, label="B", subject=f"Try B of {email.name}")
                emails.append((email.id, ab))
        print(f"  journey {j + 1}/{JOURNEYS} made", flush=True)
    return emails


def _insert_metrics(engine, emails: list[tuple[int, bool]]) -> None:
    """A year of daily metrics per email (per variant when A/B tested), bulk inserted in batches."""
    from sqlalchemy import insert

    from db.models import MetricDaily

    first_day = date.today() - timedelta(days=DAYS)
    batch: list[dict] = []
    with engine.begin() as connection:
        for n, (email_id, ab) in enumerate(emails):
            for variant in ("A", "B") if ab else ("",):
                lift = 6 if variant == "B" else 0
                for d in range(DAYS):
                    batch.append(
                        {
                            "email_id": email_id,
                            "variant": variant,
                            "day": first_day + timedelta(days=d),
                            "sent": 1000,
                            "delivered": 980,
                            "opens": 380 + (d * 7 + n) % 60,
                            "clicks": 35 + lift + (d * 3 + n) % 11,
                            "conversions": 4 + d % 3,
                            "unsubscribes": 1 + (d + n) % 3,
                            "bounces": 20,
                            "complaints": int(d % 5 == 0),
                            "revenue": 120.0 + d % 40,
                            "source": "bench",
                        }
                    )
            if len(batch) >= 50_000:
                connection.execute(insert(MetricDaily), batch)
                batch.clear()
        if batch:
            connection.execute(insert(MetricDaily), batch)


def build_workspace(url: str, *, rebuild: bool) -> tuple[int, int]:
    """The big workspace at `url` (built unless already there): (the journey to open, its first email)."""
    from sqlalchemy import text

    from db.engine import make_engine
    from db.migrate import upgrade

    if url.startswith("postgres"):
        _ensure_postgres_database(url)
    engine = make_engine(url)
    if rebuild:
        _drop_everything(engine)
    upgrade(engine)
    ready = _workspace_ready(engine)
    if ready is None:
        _drop_everything(engine)
        upgrade(engine)
        started = time.perf_counter()
        print("building the workspace (once; kept for the next runs)…", flush=True)
        emails = _build_journeys(engine)
        made = time.perf_counter()
        _insert_metrics(engine, emails)
        with engine.begin() as connection:
            connection.execute(text("ANALYZE"))
        print(
            f"  {len(emails):,} emails through the services in {made - started:.0f} s, "
            f"{EXPECTED_ROWS:,} metric rows bulk inserted in {time.perf_counter() - made:.0f} s"
        )
        ready = _workspace_ready(engine)
        assert ready is not None, "the workspace was not built as expected"
    engine.dispose()
    return ready


def _drop_everything(engine) -> None:
    from sqlalchemy import MetaData

    metadata = MetaData()
    metadata.reflect(engine)
    metadata.drop_all(engine)


# --- the pages -------------------------------------------------------------------------------------


def _fresh_session(page: str | None, state: dict):
    from streamlit.testing.v1 import AppTest

    from ui.navigation import page_path

    if page is None:
        at = AppTest.from_file(str(TRIVIAL_PAGE), default_timeout=300)
    else:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
        at.switch_page(page_path(page))
    for key, value in state.items():
        at.session_state[key] = value
    return at


def _run(at) -> float:
    started = time.perf_counter()
    at.run()
    elapsed = time.perf_counter() - started
    assert not at.exception, [e.value for e in at.exception]
    return elapsed * 1000


def time_page(page: str | None, state: dict, reruns: int) -> tuple[float, float, int]:
    """(first visit ms with empty data caches, median warm rerun ms, elements drawn) of one page."""
    import streamlit as st

    st.cache_data.clear()
    at = _fresh_session(page, state)
    first = _run(at)
    warm = statistics.median(_run(at) for _ in range(reruns))
    return first, warm, _count_elements(at)


def _count_elements(at) -> int:
    count, stack = 0, [at._tree]
    while stack:
        node = stack.pop()
        children = getattr(node, "children", None) or {}
        stack.extend(children.values())
        count += 1
    return count


def profile_page(page: str, state: dict, reruns: int) -> None:
    """Print a pyinstrument (or cProfile) profile of the page's warm reruns."""
    at = _fresh_session(page, state)
    _run(at)
    try:
        from pyinstrument import Profiler
    except ImportError:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(reruns):
            _run(at)
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)
        return
    profiler = Profiler(interval=0.001)
    profiler.start()
    for _ in range(reruns):
        _run(at)
    profiler.stop()
    print(profiler.output_text(unicode=True, color=False, show_all=False))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reruns", type=int, default=9)
    parser.add_argument("--database-url", default=f"sqlite:///{ROOT / 'bench' / 'out' / 'bench_pages.db'}")
    parser.add_argument("--pages", default=",".join(PAGES), help="comma-separated page keys")
    parser.add_argument("--rebuild", action="store_true", help="build the workspace again")
    parser.add_argument("--profile", metavar="PAGE", help="profile this page's warm reruns instead")
    args = parser.parse_args()
    url = args.database_url
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    os.environ["DATABASE_URL"] = url
    os.environ["JOURNEY_SEED_DEMO"] = "0"
    journey_id, email_id = build_workspace(url, rebuild=args.rebuild)

    from ui.pickers import CURRENT_JOURNEY
    from ui.studio import STUDIO_EMAIL

    state = {CURRENT_JOURNEY: journey_id, STUDIO_EMAIL: email_id}
    if args.profile:
        profile_page(args.profile, state, args.reruns)
        return
    backend = "PostgreSQL" if url.startswith("postgres") else "SQLite"
    print(f"{backend}: {EXPECTED_ROWS:,} metric rows, {JOURNEYS * STAGES * EMAILS_PER_STAGE:,} emails")
    print(machine())
    for page in PAGES:  # warm the process: every module imported, the engine open (not the data caches)
        _run(_fresh_session(page, state))
    print(
        f"{'page':<16}{'first visit':>13}{'warm median':>13}{'trivial':>10}{'× trivial':>11}{'elements':>10}  verdict"
    )
    failed, trivials = [], []
    for page in args.pages.split(","):
        trivial = time_page(None, {}, args.reruns)[1]  # the baseline, timed just before the page
        trivials.append(trivial)
        first, warm, elements = time_page(page, state, args.reruns)
        ratio = warm / trivial
        ok = warm < WARM_TARGET_MS and ratio < RATIO_TARGET and first < FIRST_TARGET_MS
        failed += [] if ok else [page]
        print(
            f"{page:<16}{first:>10.0f} ms{warm:>10.0f} ms{trivial:>7.1f} ms{ratio:>10.1f}×{elements:>10}  "
            f"{'PASS' if ok else 'FAIL'}"
        )
    print(f"trivial page: median of its {len(trivials)} medians {statistics.median(trivials):.1f} ms")
    print(
        f"targets: warm < {WARM_TARGET_MS:.0f} ms and < {RATIO_TARGET:.0f}× trivial, first visit < "
        f"{FIRST_TARGET_MS:.0f} ms -> {'all PASS' if not failed else 'FAIL: ' + ', '.join(failed)}"
    )


if __name__ == "__main__":
    main()
