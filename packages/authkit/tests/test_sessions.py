"""Sessions: one conformance suite over every engine and backend, and Django interop."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from cachelib import SimpleCache

from manouche.authkit import sessions
from manouche.testsupport import TEST_SECRET_KEY as SECRET

ENGINES = [
    "db-sqlite",
    "db-postgresql",
    "db-mariadb",
    "cache-simple",
    "cache-redis",
    "signed",
    "file",
]


@pytest.fixture(params=ENGINES)
def engine(request: pytest.FixtureRequest) -> Iterator[sessions.BaseSessionEngine]:
    kind = request.param
    if kind.startswith("db-"):
        db = request.getfixturevalue("databases").get(kind[3:])
        yield sessions.DatabaseSessions(db=db, secret_key=SECRET)
    elif kind == "cache-simple":
        yield sessions.CacheSessions(cache=SimpleCache(), secret_key=SECRET)
    elif kind == "cache-redis":
        yield sessions.CacheSessions(
            cache=request.getfixturevalue("redis_cache"), secret_key=SECRET
        )
    elif kind == "file":
        yield sessions.FileSessions(path=request.getfixturevalue("tmp_path"), secret_key=SECRET)
    else:
        yield sessions.SignedCookieSessions(secret_key=SECRET)


def reload(engine: sessions.BaseSessionEngine, s: sessions.SessionBase) -> sessions.SessionBase:
    return engine.store(s.session_key)


def test_save_and_load(engine: sessions.BaseSessionEngine) -> None:
    s = engine.store()
    assert s.is_empty() and s.session_key is None and not s.modified
    s["user"] = 42
    s["cart"] = {"items": [1, 2], "note": "ünï"}
    assert s.modified
    s.save()
    key = s.session_key
    assert key and (len(key) == 32 or engine.stores_data_in_key)
    again = reload(engine, s)
    assert not again.accessed
    assert again["user"] == 42 and again.get("cart") == {"items": [1, 2], "note": "ünï"}
    assert again.accessed and not again.modified
    assert sorted(again.keys()) == ["cart", "user"] and len(again) == 2
    again["user"] = 43
    again.save()
    assert reload(engine, again)["user"] == 43


def test_unknown_or_malformed_key_is_a_new_empty_session(
    engine: sessions.BaseSessionEngine,
) -> None:
    for key in ("a" * 32, "short", "x" * 41, "", "../../etc/passwd"):
        s = engine.store(key)
        assert dict(s.items()) == {}
        assert s.session_key is None
        assert s.is_empty()


def test_mapping_api(engine: sessions.BaseSessionEngine) -> None:
    s = engine.store()
    assert s.setdefault("a", 1) == 1 and s.setdefault("a", 2) == 1
    s.update({"b": 2}, c=3)
    assert s.pop("b") == 2 and s.pop("zz", None) is None
    assert "a" in s and s.has_key("c") and "b" not in s
    del s["c"]
    assert dict(s.items()) == {"a": 1}
    s.set_test_cookie()
    assert s.test_cookie_worked()
    s.delete_test_cookie()
    assert not s.test_cookie_worked()
    with pytest.raises(KeyError):
        s["missing"]


def test_cycle_key_keeps_data_and_kills_the_old_key(engine: sessions.BaseSessionEngine) -> None:
    s = engine.store()
    s["user"] = 1
    s.save()
    old = s.session_key
    s.cycle_key()
    s.save()
    # A signed cookie is its data: the same data in the same second signs the same.
    assert s.session_key != old or engine.stores_data_in_key
    assert reload(engine, s)["user"] == 1
    if not engine.stores_data_in_key:
        assert engine.store(old).get("user") is None
        assert not engine.exists(str(old))


def test_flush_deletes_everything(engine: sessions.BaseSessionEngine) -> None:
    s = engine.store()
    s["user"] = 1
    s.save()
    old = s.session_key
    s.flush()
    assert s.session_key is None and dict(s.items()) == {}
    if not engine.stores_data_in_key:
        assert engine.store(old).get("user") is None


def test_expiry(engine: sessions.BaseSessionEngine) -> None:
    s = engine.store()
    assert s.get_expiry_age() == 1209600
    assert not s.get_expire_at_browser_close()
    s.set_expiry(300)
    assert s.get_expiry_age() == 300
    s.set_expiry(0)
    assert s.get_expire_at_browser_close()
    when = datetime.now(UTC) + timedelta(hours=1)
    s.set_expiry(when)
    assert 3590 <= s.get_expiry_age() <= 3600
    assert s.get_expiry_date() == when
    s.set_expiry(timedelta(minutes=10))
    assert 590 <= s.get_expiry_age() <= 600
    s.set_expiry(None)
    assert s.get_expiry_age() == 1209600
    with pytest.raises(TypeError, match="set_expiry"):
        s.set_expiry("soon")  # type: ignore[arg-type]


def test_expired_sessions_are_not_loaded(engine: sessions.BaseSessionEngine) -> None:
    if isinstance(engine, sessions.CacheSessions):
        pytest.skip("the cache itself expires entries (its timeout is the expiry age)")
    s = engine.store()
    s["user"] = 1
    if isinstance(engine, sessions.DatabaseSessions | sessions.FileSessions):
        s.set_expiry(datetime.now(UTC) - timedelta(seconds=5))
        s.save()
        live = engine.store()
        live["user"] = 2
        live.save()
        assert engine.clear_expired() == 1
        assert engine.store(s.session_key).get("user") is None
        assert engine.store(live.session_key).get("user") == 2
    else:
        short = sessions.SignedCookieSessions(secret_key=SECRET, cookie_age=1)
        t = short.store()
        t["user"] = 1
        t.save()
        import time

        time.sleep(2.1)
        assert short.store(t.session_key).get("user") is None


def test_update_of_a_deleted_session_is_an_error(engine: sessions.BaseSessionEngine) -> None:
    if engine.stores_data_in_key:
        pytest.skip("a signed cookie cannot be deleted by another request")
    s = engine.store()
    s["user"] = 1
    s.save()
    other = reload(engine, s)
    other.flush()
    s["user"] = 2
    with pytest.raises(sessions.UpdateError):
        s.save()


def test_data_must_be_json(engine: sessions.BaseSessionEngine) -> None:
    s = engine.store()
    s["when"] = datetime.now()
    with pytest.raises(TypeError, match="JSON-serializable"):
        s.save()


def test_concurrent_creation_every_acknowledged_session_is_stored(
    engine: sessions.BaseSessionEngine,
) -> None:
    if engine.stores_data_in_key:
        pytest.skip("nothing is stored server-side")
    acknowledged: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def client(n: int) -> None:
        try:
            for i in range(15):
                s = engine.store()
                s["n"] = n * 100 + i
                s.save()
                with lock:
                    acknowledged.append(str(s.session_key))
                s["n"] += 1
                s.save()
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(set(acknowledged)) == 8 * 15
    values = sorted(engine.store(k)["n"] for k in acknowledged)
    assert values == sorted(n * 100 + i + 1 for n in range(8) for i in range(15))


def test_tampered_signed_cookie_is_an_empty_session() -> None:
    engine = sessions.SignedCookieSessions(secret_key=SECRET)
    s = engine.store()
    s["user"] = 1
    s.save()
    key = str(s.session_key)
    payload, stamp, sig = key.rsplit(":", 2)
    forged_engine = sessions.SignedCookieSessions(secret_key="attacker-key-" + "z" * 40)
    f = forged_engine.store()
    f["user"] = 2
    f.save()
    for bad in (key[:-1] + ("A" if key[-1] != "A" else "B"), str(f.session_key), payload):
        assert engine.store(bad).get("user") is None


def test_engine_options_are_checked() -> None:
    with pytest.raises(ValueError, match="secret_key"):
        sessions.SignedCookieSessions(secret_key="")
    with pytest.raises(ValueError, match="cookie_age"):
        sessions.SignedCookieSessions(secret_key="k", cookie_age=0)
    with pytest.raises(TypeError, match="cachelib cache"):
        sessions.CacheSessions(cache=object(), secret_key="k")  # type: ignore[arg-type]


# -- Django interop -------------------------------------------------------------


def test_django_db_sessions_read_here_and_ours_in_django(django_db: Any) -> None:
    from django.contrib.sessions.backends.db import SessionStore as DjangoStore

    theirs = DjangoStore()
    theirs["user"] = "7"
    theirs["cart"] = [1, 2]
    theirs.set_expiry(600)
    theirs.save()
    engine = sessions.DatabaseSessions(db=django_db, secret_key=SECRET)
    here = engine.store(theirs.session_key)
    assert dict(here.items()) == {"user": "7", "cart": [1, 2], "_session_expiry": 600}
    here["seen"] = True
    here.save()
    back = DjangoStore(theirs.session_key)
    assert back["seen"] is True and back["cart"] == [1, 2]
    mine = engine.store()
    mine["from"] = "manouche"
    mine.save()
    assert DjangoStore(mine.session_key)["from"] == "manouche"
    assert abs(DjangoStore(mine.session_key).get_expiry_age() - 1209600) <= 2


def test_django_signed_cookies_both_ways() -> None:
    from django.contrib.sessions.backends.signed_cookies import SessionStore as DjangoSigned

    theirs = DjangoSigned()
    theirs["user"] = 5
    theirs.save()
    engine = sessions.SignedCookieSessions(secret_key=SECRET)
    assert engine.store(theirs.session_key)["user"] == 5
    mine = engine.store()
    mine["user"] = 6
    mine.save()
    assert DjangoSigned(mine.session_key)["user"] == 6


def test_file_keys_cannot_leave_the_directory(tmp_path: Any) -> None:
    engine = sessions.FileSessions(path=tmp_path / "s", secret_key=SECRET)
    secret = tmp_path / "sessionidsecretfile"
    secret.write_text("x")
    for key in ("../sessionidsecretfile", "..%2Fsecret", "ABCDEFGH12345678", "a/b/c/d/e/f"):
        s = engine.store(key)
        assert s.session_key is None and dict(s.items()) == {}
        assert not engine.exists(key)
    assert secret.read_text() == "x"


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_database_session_statements_outside_and_inside_a_transaction(
    kind: str, databases: Any
) -> None:
    """Outside a transaction, a load and a save are one statement each (on PostgreSQL
    without BEGIN/COMMIT round trips, as Django's autocommit); inside ``atomic()`` the
    save belongs to the caller's transaction, and what follows still runs in one."""
    import sqlalchemy as sa

    db = databases.get(kind)
    engine = sessions.DatabaseSessions(db=db, secret_key=SECRET)
    s = engine.store()
    s["n"] = 1
    s.save()
    sent: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        sent.append(statement.split()[0].upper())

    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        again = engine.store(s.session_key)
        again["n"] = again["n"] + 1
        again.save()
        assert sent == ["SELECT", "UPDATE"]
        # The connection is back in its transaction mode: a rolled back block undoes.
        with pytest.raises(RuntimeError), db.atomic():
            inner = engine.store(s.session_key)
            inner["n"] = 100
            inner.save()
            raise RuntimeError("roll back")
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)
    assert engine.store(s.session_key)["n"] == 2
