from __future__ import annotations

import socket

import pytest

from manouche.testkit import SERVICES, require_service, service_answers


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_unknown_service_is_named() -> None:
    with pytest.raises(ValueError, match="unknown service 'oracle'"):
        require_service("oracle")


def test_down_service_skips_with_its_name(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MANOUCHE_TEST_REDIS_URL", f"redis://127.0.0.1:{_free_port()}/0")
    monkeypatch.delenv("MANOUCHE_REQUIRE_SERVICES", raising=False)
    pytester.makepyfile(
        """
        from manouche.testkit import require_service
        def test_it():
            require_service("redis")
        """
    )
    result = pytester.runpytest_subprocess("-rs")
    result.assert_outcomes(skipped=1)
    result.stdout.fnmatch_lines(["*Redis does not answer on 127.0.0.1:*"])


def test_down_service_fails_when_required(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MANOUCHE_TEST_REDIS_URL", f"redis://127.0.0.1:{_free_port()}/0")
    monkeypatch.setenv("MANOUCHE_REQUIRE_SERVICES", "1")
    pytester.makepyfile(
        """
        from manouche.testkit import require_service
        def test_it():
            require_service("redis")
        """
    )
    result = pytester.runpytest_subprocess()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*Redis does not answer*MANOUCHE_REQUIRE_SERVICES*"])


def test_postgresql_fresh_database_is_isolated(postgresql_url: str) -> None:
    import sqlalchemy as sa

    engine = sa.create_engine(postgresql_url)
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE t (x integer)"))
        conn.execute(sa.text("INSERT INTO t VALUES (1)"))
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT current_database()")).scalar() != "test"
        assert conn.execute(sa.text("SELECT count(*) FROM t")).scalar() == 1
    engine.dispose()


def test_mariadb_fresh_database(mariadb_url: str) -> None:
    import sqlalchemy as sa

    engine = sa.create_engine(mariadb_url)
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE t (x integer)"))
        assert conn.execute(sa.text("SELECT DATABASE()")).scalar() != "test"
    engine.dispose()


def test_redis_answers(redis_url: str) -> None:
    assert service_answers("redis")
    assert SERVICES["redis"].label == "Redis"
