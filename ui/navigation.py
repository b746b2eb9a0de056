"""The one registry of the app's pages, grouped like the sidebar: Plan, Write, Measure.

app.py builds `st.navigation` from it, and every `st.switch_page` (and every page test) names a page
by its key here, so no page path is written twice. It lives here, not in app.py, because a page that
imported app.py would run the navigation again.

The files stay flat in pages/ (the sections live here, not in folders): Streamlit switches to its
legacy multipage mode whenever a pages/ folder exists, and in that mode only pages/*.py answer a deep
link such as /review on the first request after a start (docs/ARCHITECTURE.md, "Pages").
"""

from __future__ import annotations

from typing import NamedTuple


class PageSpec(NamedTuple):
    key: str  # also the URL path (/review) and the file name: pages/<key>.py
    section: str
    title: str
    icon: str
    default: bool = False

    @property
    def path(self) -> str:
        return f"pages/{self.key}.py"


PAGES: tuple[PageSpec, ...] = (
    PageSpec("journeys", "Plan", "Journeys", ":material/route:", default=True),
    PageSpec("editor", "Plan", "Journey editor", ":material/edit_note:"),
    PageSpec("personas", "Plan", "Personas", ":material/groups:"),
    PageSpec("journey_map", "Plan", "Journey map", ":material/map:"),
    PageSpec("walkthrough", "Plan", "Walk-through", ":material/directions_walk:"),
    PageSpec("studio", "Write", "Email studio", ":material/drafts:"),
    PageSpec("review", "Measure", "Weekly review", ":material/event_note:"),
    PageSpec("dashboard", "Measure", "Metrics", ":material/monitoring:"),
    PageSpec("import_metrics", "Measure", "Import metrics", ":material/upload_file:"),
)
SECTIONS: tuple[str, ...] = ("Plan", "Write", "Measure")
_BY_KEY = {page.key: page for page in PAGES}


def page_path(key: str) -> str:
    """The script path of the page `key` (for `st.switch_page` and AppTest), relative to app.py."""
    return _BY_KEY[key].path
