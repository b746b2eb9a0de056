"""The UI glue: Streamlit helpers shared by the pages, one module per job.

    db          the cached engine and one session per use
    writes      run_write / attempt: the one way to run a write and show a refusal
    forms       forms that keep what was typed, a refusal beside its field
    loaders     cached reads (load_…), keyed on the workspace's data stamp
    pickers     the journey picker (it follows the user), persona and week pickers
    current     the current journey: kept across pages and in the URL (?journey=ID)
    empty       empty states: a page link or the demo journey's button, never a shell command
    widgets     findings, downloads, charts with their downloads
    studio, previews, variants, send    the email studio
    components  first-party custom components (v2): the code editor, the email preview
    imports     the metrics import
    metrics     the Metrics page's views, in tabs (only the open one drawn)
    review      the weekly review's sections: alerts, the A/B table, coloured tables per stage
    navigation  the page registry (and the end of Streamlit's legacy multipage mode)
    memory      the heap frozen after new imports, so the collection after each run stays short

Pages import from these modules; nothing in journey/ or db/ knows Streamlit. Importing the package
(every page does) ends Streamlit's legacy multipage mode on a deep link's first run.
"""

from ui.navigation import leave_legacy_multipage_mode

leave_legacy_multipage_mode()
