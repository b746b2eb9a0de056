"""The one registry of the app's pages, grouped like the sidebar: Plan, Write, Measure, Workspace.

app.py builds `st.navigation` from it, and every `st.switch_page` (and every page test) names a page
by its key here, so no page path is written twice. It lives here, not in app.py, because a page that
imported app.py would run the navigation again.

The files stay flat in pages/ (the sections live here, not in folders): Streamlit switches to its
legacy multipage mode whenever a pages/ folder exists, and in that mode only pages/*.py answer a deep
link such as /review on the first request after a start (docs/ARCHITECTURE.md, "Pages").
`leave_legacy_multipage_mode` (below) sends such a first request through app.py's navigation.
"""

from __future__ import annotations

from typing import NamedTuple


class PageSpec(NamedTuple):
    key: str  # the file name (pages/<key>.py) and, but for the default page, the URL path (/review)
    section: str
    title: str
    icon: str
    default: bool = False

    @property
    def path(self) -> str:
        return f"pages/{self.key}.py"

    @property
    def url_path(self) -> str:
        """Its address below the app's root: the key, but "" for the default page (Streamlit serves it
        at the root, and /journeys is "page not found")."""
        return "" if self.default else self.key


PAGES: tuple[PageSpec, ...] = (
    PageSpec("journeys", "Plan", "Journeys", ":material/route:", default=True),
    PageSpec("editor", "Plan", "Journey editor", ":material/edit_note:"),
    PageSpec("personas", "Plan", "Personas", ":material/groups:"),
    PageSpec("journey_map", "Plan", "Journey map", ":material/map:"),
    PageSpec("walkthrough", "Plan", "Walk-through", ":material/directions_walk:"),
    PageSpec("studio", "Write", "Email studio", ":material/drafts:"),
    PageSpec("snippets", "Write", "Snippets", ":material/view_agenda:"),
    PageSpec("review", "Measure", "Weekly review", ":material/event_note:"),
    PageSpec("dashboard", "Measure", "Metrics", ":material/monitoring:"),
    PageSpec("import_metrics", "Measure", "Import metrics", ":material/upload_file:"),
    PageSpec("activity", "Workspace", "Activity", ":material/history:"),
    PageSpec("settings", "Workspace", "Settings", ":material/settings:"),
)
SECTIONS: tuple[str, ...] = ("Plan", "Write", "Measure", "Workspace")
_BY_KEY = {page.key: page for page in PAGES}


def page_path(key: str) -> str:
    """The script path of the page `key` (for `st.switch_page` and AppTest), relative to app.py."""
    return _BY_KEY[key].path


def leave_legacy_multipage_mode() -> None:
    """Send a deep link that arrived before app.py ever ran through app.py's navigation.

    Streamlit starts every server in its legacy multipage mode when a `pages/` folder sits beside
    the entry point (`PagesManager.uses_pages_directory`), and only app.py's first `st.navigation`
    call switches that off. So if the first request after a start is a bookmark such as /review,
    Streamlit runs pages/review.py by itself: raw file names in the sidebar, no page config. No
    public API changes that (Streamlit 1.67), so this flips the private flag and reruns the same URL,
    which then goes through app.py. The ui package calls it once per process, on its first import:
    every page imports ui, so the first such run ends the legacy mode. Outside a script run it does
    nothing. Tested in tests/test_ui_navigation.py and, end to end, tests/test_browser_review.py.
    """
    import streamlit as st
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    if PagesManager.uses_pages_directory and get_script_run_ctx() is not None:
        PagesManager.uses_pages_directory = False
        st.rerun()
