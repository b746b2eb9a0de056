"""The load test's bookkeeping (bench/bench_load.py): which stored marker is a lost edit and which is not.

A save clicked after another was confirmed committed after it, so only such a save may overwrite a
confirmed one; subject and body are saved together, so both carry the same marker.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

from bench_load import Save, Tally, lost_edits, summary_rows  # noqa: E402


def stored(marker: str) -> tuple[str, str]:
    return f"Welcome [{marker}]", f"<mj-text>{marker} Hello</mj-text>"


def test_the_last_confirmed_save_of_each_email_kept_is_no_loss():
    saves = [
        Save(0, 1, "LM-00-0001", clicked=1.0, answered=2.0, outcome="saved"),
        Save(0, 1, "LM-00-0002", clicked=5.0, answered=6.0, outcome="saved"),
        Save(1, 2, "LM-01-0001", clicked=1.5, answered=2.5, outcome="saved"),
    ]
    assert lost_edits(saves, {1: stored("LM-00-0002"), 2: stored("LM-01-0001")}) == []


def test_an_earlier_save_in_the_database_after_a_later_confirmed_one_is_a_lost_edit():
    saves = [
        Save(0, 1, "LM-00-0001", clicked=1.0, answered=2.0, outcome="saved"),
        Save(0, 1, "LM-00-0002", clicked=5.0, answered=6.0, outcome="saved"),
    ]
    assert lost_edits(saves, {1: stored("LM-00-0001")}) == [
        "email 1: holds LM-00-0001, but LM-00-0002 was saved after it"
    ]


def test_two_sessions_saving_one_email_at_once_may_end_either_way():
    saves = [  # both clicked before either was confirmed: either order of commits is right
        Save(0, 1, "LM-00-0001", clicked=1.0, answered=3.0, outcome="saved"),
        Save(19, 1, "LM-19-0001", clicked=1.5, answered=2.5, outcome="saved"),
    ]
    assert lost_edits(saves, {1: stored("LM-00-0001")}) == []
    assert lost_edits(saves, {1: stored("LM-19-0001")}) == []


def test_a_refused_save_in_the_database_or_a_torn_save_is_reported():
    saves = [
        Save(0, 1, "LM-00-0001", clicked=1.0, answered=2.0, outcome="saved"),
        Save(19, 1, "LM-19-0001", clicked=1.5, answered=2.5, outcome="refused"),
    ]
    assert lost_edits(saves, {1: stored("LM-19-0001")}) == [
        "email 1: holds LM-19-0001, which no save sent (or was refused)"
    ]
    torn = ("Welcome [LM-00-0001]", "<mj-text>Hello</mj-text>")
    assert lost_edits(saves, {1: torn}) == [
        "email 1: subject 'Welcome [LM-00-0001]' and body do not carry one saved marker"
    ]


def test_a_save_whose_answer_was_never_seen_may_be_what_is_stored():
    saves = [
        Save(0, 1, "LM-00-0001", clicked=1.0, answered=2.0, outcome="saved"),
        Save(0, 1, "LM-00-0002", clicked=5.0),  # timed out: counted as an error, may have committed
    ]
    assert lost_edits(saves, {1: stored("LM-00-0002")}) == []
    assert lost_edits([saves[1]], {1: stored("LM-00-0002")}) == []  # nothing confirmed: nothing to lose


def test_the_summary_gives_the_p95_ratio_and_marks_an_action_never_timed():
    alone, loaded = Tally(), Tally()
    alone.timings["save"] = [0.1] * 20
    loaded.timings["save"] = [0.2] * 18 + [0.4] * 2
    rows = summary_rows(alone, loaded)
    save = next(row for row in rows if row.startswith("save"))
    assert save.endswith("| 4.0×")
    assert "200ms" in save  # the median under load
    assert next(row for row in rows if row.startswith("open review")).endswith("0")
