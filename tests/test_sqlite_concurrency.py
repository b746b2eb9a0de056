"""SQLite under two writers: transactions begin IMMEDIATE, so read-then-write never fails with "locked"."""

import contextlib
import threading

from sqlmodel import Session

from db.engine import make_engine
from db.migrate import upgrade
from journey.plan import personas


def test_two_sessions_that_read_then_write_both_succeed(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'busy.db'}")
    upgrade(engine)
    with Session(engine) as session:
        persona_id = personas.create_persona(session, name="Maya").id
        session.commit()
    errors: list[BaseException] = []
    barrier = threading.Barrier(2)

    def edit(n: int) -> None:
        try:
            with Session(engine) as session:
                personas.list_personas(session)  # read first…
                # …wait until the other session has read too (with deferred BEGIN both would now hold
                # a read lock and one write would fail at once; with IMMEDIATE the other waits its turn)…
                with contextlib.suppress(threading.BrokenBarrierError):
                    barrier.wait(timeout=1)
                personas.create_persona(session, name=f"Teammate {n}")  # …then write
                session.commit()
        except BaseException as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=edit, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    with Session(engine) as session:
        assert sorted(p.name for p in personas.list_personas(session)) == ["Maya", "Teammate 0", "Teammate 1"]
        assert personas.get_persona(session, persona_id).version == 1
