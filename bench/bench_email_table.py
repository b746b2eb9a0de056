"""Benchmark: what showing the Metrics email table's rates in the one rate format costs per rerun.

    .venv/bin/python bench/bench_email_table.py [--repeats 25]

Two ways to show rates as format_rate writes them and keep them sortable numbers: (1) what
`ui.widgets.rates_table` does, a copy of the frame with the rates in per cent and a NumberColumn printf
format per column (`rate_column_format`); (2) a pandas Styler with format_rate on the rate columns (exact
per value, but Streamlit marshals every cell's display value on each rerun). Both are timed as
st.dataframe runs them, for email tables of 19 (the demo), 150 (5 stages × 30 emails) and 1,500 emails.
Baseline: the plain frame's Arrow serialisation alone, same rows, same run. Prints medians and ratios.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from machine import machine  # noqa: E402
from streamlit import dataframe_util  # noqa: E402
from streamlit.elements.lib.pandas_styler_utils import marshall_styler  # noqa: E402
from streamlit.proto.ArrowData_pb2 import ArrowData  # noqa: E402

from journey.core.text import format_rate, rate_column_format  # noqa: E402
from journey.measure import charts  # noqa: E402
from journey.measure.metrics import Counts, EmailMetrics, WeekMetrics  # noqa: E402


def email_frame(emails: int):
    rng = random.Random(7)
    rows, weeks = [], []
    for i in range(emails):
        delivered = rng.randint(500, 30_000)
        counts = Counts(
            sent=delivered + 50,
            delivered=delivered,
            opens=delivered * 45 // 100,
            clicks=delivered * 4 // 100,
            conversions=delivered // 100,
            unsubscribes=delivered // 500,
            bounces=50,
            revenue=round(rng.uniform(0, 5_000), 2),
        )
        rows.append(EmailMetrics(i, f"Email {i}", i % 5, f"Stage {i % 5}", None, counts))
        for w in range(12):
            weeks.append(WeekMetrics(date(2026, 9, 7) + timedelta(weeks=w), i, f"Email {i}", i, counts))
    return charts.email_table_frame(rows, weeks)


def timed(step, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=25)
    args = parser.parse_args()
    print(machine())
    for emails in (19, 150, 1_500):
        frame = email_frame(emails)

        def plain(frame=frame):
            dataframe_util.convert_pandas_df_to_arrow_bytes(frame)

        def printf(frame=frame):
            shown = frame.assign(**{name: frame[name] * 100 for name in charts.EMAIL_RATES})
            for name in charts.EMAIL_RATES:
                rate_column_format(frame[name])
            dataframe_util.convert_pandas_df_to_arrow_bytes(shown)

        def styled(frame=frame):
            styler = frame.style.format(format_rate, subset=list(charts.EMAIL_RATES), na_rep="–")
            marshall_styler(ArrowData(), styler, "bench")
            dataframe_util.convert_pandas_df_to_arrow_bytes(frame)

        styled()  # the first Styler loads jinja2: once per process, not per rerun
        base = timed(plain, args.repeats)
        shipped, rejected = timed(printf, args.repeats), timed(styled, args.repeats)
        print(
            f"{emails:>5} emails: plain Arrow {base:6.2f} ms (baseline) | per cent + printf (shipped) "
            f"{shipped:6.2f} ms, {shipped / base:4.1f}× | Styler {rejected:7.2f} ms, {rejected / base:5.1f}×"
        )


if __name__ == "__main__":
    main()
