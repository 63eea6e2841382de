"""manouche-auth createsuperuser and changepassword."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from manouche import orm_lite as models
from manouche.authkit import hashers
from manouche.authkit.commands import main
from manouche.authkit.models import User


@pytest.fixture(autouse=True)
def english_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """The commands speak the terminal's language: these tests run in an English one."""
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")


@pytest.fixture
def db_url(tmp_path: Path, fast_hashers: Any, auth_models: list[Any]) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'cmd.sqlite3'}"
    db = models.Database(url, default=False)
    db.create_all(auth_models)
    db.dispose()
    yield url


def answers(*values: str) -> Any:
    it = iter(values)
    return lambda prompt: next(it)


def run(url: str, *argv: str, ask: Any = None) -> tuple[int, str]:
    out = io.StringIO()
    code = main(["--database", url, *argv], ask=ask or answers(), out=out)
    return code, out.getvalue()


def user(url: str, username: str) -> Any:
    db = models.Database(url, default=False)
    try:
        return User.objects.using(db).get(username=username)
    finally:
        db.dispose()


def test_createsuperuser_with_prompts_and_validation(db_url: str) -> None:
    code, out = run(
        db_url,
        "createsuperuser",
        "--username",
        "admin",
        "--email",
        "a@example.com",
        ask=answers(
            "short",
            "short",
            "one-Long-passphrase",
            "different",
            "one-Long-passphrase",
            "one-Long-passphrase",
        ),
    )
    assert code == 0, out
    assert "This password is too short." in out
    assert "Your passwords didn't match." in out
    assert out.endswith("Superuser created successfully.\n")
    made = user(db_url, "admin")
    assert made.is_superuser and made.is_staff and made.email == "a@example.com"
    assert hashers.check_password("one-Long-passphrase", made.password)
    code, out = run(db_url, "createsuperuser", "--username", "admin")
    assert code == 1 and out == "Error: That username is already taken.\n"


def test_createsuperuser_noinput(db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    code, out = run(db_url, "createsuperuser", "--noinput", "--username", "ops")
    assert code == 1 and "MANOUCHE_SUPERUSER_PASSWORD" in out
    monkeypatch.setenv("MANOUCHE_SUPERUSER_PASSWORD", "from-the-env")
    assert run(db_url, "createsuperuser", "--noinput", "--username", "ops")[0] == 0
    assert hashers.check_password("from-the-env", user(db_url, "ops").password)
    code, out = run(db_url, "createsuperuser", "--noinput")
    assert code == 1 and "--username" in out


def test_changepassword(db_url: str) -> None:
    run(db_url, "createsuperuser", "--username", "bo", ask=answers("pw-of-Bo-123", "pw-of-Bo-123"))
    code, out = run(db_url, "changepassword", "bo", ask=answers("New-pw-for-bo!", "New-pw-for-bo!"))
    assert code == 0 and "Password changed successfully for user 'bo'" in out
    assert hashers.check_password("New-pw-for-bo!", user(db_url, "bo").password)
    code, out = run(db_url, "changepassword", "ghost")
    assert code == 1 and out == "Error: user 'ghost' does not exist\n"
    code, out = run(db_url, "changepassword", "bo", ask=answers(*["a", "b"] * 3))
    assert code == 1 and "no acceptable password after 3 tries" in out


def test_console_script_is_installed(db_url: str) -> None:
    script = Path(sys.executable).parent / "manouche-auth"
    env = {**os.environ, "MANOUCHE_SUPERUSER_PASSWORD": "console-pw-1"}
    done = subprocess.run(
        [str(script), "--database", db_url, "createsuperuser", "--noinput", "--username", "cli"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "Superuser created successfully." in done.stdout


def test_commands_speak_the_terminals_language(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("manouche.i18nkit")
    monkeypatch.setenv("LANG", "de_DE.UTF-8")
    prompts: list[str] = []

    def ask(prompt: str) -> str:
        prompts.append(prompt)
        return ["one-Secret-9", "two-Secret-9"][len(prompts) % 2 - 1]

    code, out = run(db_url, "createsuperuser", "--username", "root", "--email", "", ask=ask)
    assert prompts[:2] == ["Passwort: ", "Passwort (wiederholen): "]
    assert "Fehler: Die Passwörter stimmen nicht überein." in out
    assert code == 1 and out.endswith("Fehler: Abbruch: nach 3 Versuchen kein gültiges Passwort.\n")
    code, out = run(db_url, "changepassword", "ghost")
    assert code == 1 and out == "Fehler: Benutzer „ghost“ existiert nicht\n"
    monkeypatch.setenv("LANG", "C.UTF-8")
    code, out = run(db_url, "changepassword", "ghost")
    assert out == "Error: user 'ghost' does not exist\n"
