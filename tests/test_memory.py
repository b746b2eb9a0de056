"""ui.memory: the heap frozen once a run has imported new modules, so Streamlit's full collection after
every run walks only what later runs made (docs/BENCHMARKS.md, "Every page at a real team's scale")."""

import gc
import sys
import types
import weakref

from support import APP_PATH, PAGE_TIMEOUT_S

from ui import memory


class _Cycle:
    pass


def test_new_imports_freeze_the_heap_after_collecting_its_garbage(monkeypatch):
    memory.freeze_imports()
    assert memory.freeze_imports() is False  # nothing imported since: no second freeze
    garbage = _Cycle()
    garbage.me = garbage  # only the collector frees a cycle
    collected = weakref.ref(garbage)
    del garbage
    kept = _Cycle()  # alive: frozen with the rest
    monkeypatch.setitem(sys.modules, "_journey_test_imported", types.ModuleType("_journey_test_imported"))

    assert memory.freeze_imports() is True
    assert collected() is None  # collected first, never frozen
    assert not gc.is_finalized(kept)
    assert all(obj is not kept for obj in gc.get_objects())  # out of the collector's walk
    assert gc.get_freeze_count() > 10_000  # the imported modules' objects
    assert memory.freeze_imports() is False


def test_every_run_of_the_app_ends_with_the_freeze_check(app_db, monkeypatch):
    from streamlit.testing.v1 import AppTest

    calls = []
    monkeypatch.setattr(memory, "freeze_imports", lambda: calls.append(True))
    at = AppTest.from_file(APP_PATH, default_timeout=PAGE_TIMEOUT_S).run()  # app.py, on its opening page
    assert not at.exception
    assert [t.value for t in at.title] == ["Journeys"]
    assert calls == [True]
