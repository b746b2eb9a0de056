"""CLI start-up: `python -m journey --help` and `python -m journey render --help`, each in a fresh process.

    .venv/bin/python bench/bench_cli.py [--runs 7]

Each command runs N times in its own subprocess (from the project's root, the interpreter running this
script); the wall time of each run is taken with `time.perf_counter` around `subprocess.run`. Baseline in
the same run, measured the same way: `python -c pass` (the interpreter's own start-up) and
`python -c "import argparse"` (start-up plus the one library `--help` needs). Prints the median and the
slowest run in ms, and the median's ratio to each baseline's median. The runs of all commands are
interleaved (one of each, N times) so a burst of load on the machine hits them alike.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

from machine import machine

ROOT = Path(__file__).resolve().parent.parent

BASELINES = (
    ("python -c pass", ["-c", "pass"]),
    ('python -c "import argparse"', ["-c", "import argparse"]),
)
COMMANDS = (
    ("python -m journey --help", ["-m", "journey", "--help"]),
    ("python -m journey render --help", ["-m", "journey", "render", "--help"]),
)


def run_once(args: list[str]) -> float:
    start = time.perf_counter()
    result = subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(args)} exited {result.returncode}: {result.stderr.strip()}")
    return elapsed * 1000


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=7, help="runs per command (at least 5; default 7)")
    options = parser.parse_args()
    runs = max(options.runs, 5)
    timed = (*BASELINES, *COMMANDS)
    for _label, args in timed:  # warm-up: the OS file cache and the .pyc files
        run_once(args)
    samples: dict[str, list[float]] = {label: [] for label, _ in timed}
    for _ in range(runs):
        for label, args in timed:
            samples[label].append(run_once(args))
    print(f"Machine: {machine()}")
    print(f"{'what':34} {'runs':>4} {'median ms':>10} {'max ms':>8} {'÷ pass':>7} {'÷ argparse':>10}")
    base_pass = statistics.median(samples[BASELINES[0][0]])
    base_argparse = statistics.median(samples[BASELINES[1][0]])
    for label, _ in timed:
        median = statistics.median(samples[label])
        print(
            f"{label:34} {runs:>4} {median:>10.1f} {max(samples[label]):>8.1f} "
            f"{median / base_pass:>6.2f}x {median / base_argparse:>9.2f}x"
        )


if __name__ == "__main__":
    main()
