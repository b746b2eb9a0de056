"""What every benchmark prints about the machine it ran on (docs/BENCHMARKS.md records it)."""

from __future__ import annotations

import os
import platform
from pathlib import Path


def machine() -> str:
    """Cores, CPU model, Python, OS and the load average at the time of the run."""
    cpu = platform.processor() or "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return (
        f"{os.cpu_count()} cores ({cpu}), Python {platform.python_version()}, {platform.system()}, "
        f"load average {load}"
    )
