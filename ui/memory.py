"""The Python heap between runs: what is imported once is kept out of the garbage collector's way.

Streamlit runs a full collection (`gc.collect(2)`) after every script run (`runner.postScriptGC`),
while the finished run's last messages wait for the GIL. A full collection walks every object the
collector tracks, and this app's imports (Altair's schema classes, pandas, SQLAlchemy, pydantic, the
app's own modules: about 230,000 objects) made it the largest part of a page's run: 80-350 ms,
after every click, against a trivial app's few thousand objects (docs/BENCHMARKS.md, "Every page at
a real team's scale"). `freeze_imports()`, called at the end of every run (app.py), moves what is
alive once a run has imported new modules into the collector's permanent generation (`gc.freeze`):
the collection after each run then walks only what later runs made. It collects first, so no garbage
is frozen; frozen objects are still freed by reference counting, only cycles among them stay. It
freezes again only when a run imported new modules (a page's first visit), a bounded number of times.
"""

from __future__ import annotations

import gc
import sys

_modules_at_freeze = 0


def freeze_imports() -> bool:
    """Freeze the heap if modules were imported since the last freeze; whether it froze."""
    global _modules_at_freeze
    if len(sys.modules) == _modules_at_freeze:
        return False
    gc.collect()  # the garbage first: a frozen cycle is never collected
    gc.freeze()
    _modules_at_freeze = len(sys.modules)
    return True
