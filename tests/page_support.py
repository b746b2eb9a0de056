"""Helpers for AppTest page tests: open a page on the test database, click buttons by label."""

from __future__ import annotations

from conftest import ROOT
from streamlit.testing.v1 import AppTest

from db.engine import make_engine, session_scope
from db.migrate import upgrade
from ui.navigation import page_path


def open_page(name: str, **state) -> AppTest:
    """Open the page registered as `name` (ui.navigation) through app.py's navigation."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    for key, value in state.items():
        at.session_state[key] = value
    at.switch_page(page_path(name))
    return at.run()


def click(at: AppTest, label: str) -> AppTest:
    """Click the (form submit) button whose label is `label`, and rerun."""
    matches = [b for b in at.button if b.label == label]
    assert matches, f"no button {label!r}; buttons: {[b.label for b in at.button]}"
    return matches[0].click().run()


def texts(at: AppTest) -> str:
    """Everything the page shows as text: markdown, captions, alerts, toasts."""
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [e.value for e in at.error] + [i.value for i in at.info] + [w.value for w in at.warning]
    parts += [s.value for s in at.success] + [t.value for t in at.toast]
    return "\n".join(str(p) for p in parts)


def in_db(url: str):
    """A committed session on the app's database, for setting up and checking what a page saved."""
    engine = make_engine(url)
    upgrade(engine)
    return session_scope(engine)
