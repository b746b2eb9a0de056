"""The components' CSS and JavaScript files, beside this module."""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).parent


def script(name: str) -> str:
    """A component's JavaScript module: the shared helpers (fit.js), then its own file."""
    return (HERE / "fit.js").read_text(encoding="utf-8") + "\n" + (HERE / name).read_text(encoding="utf-8")
