"""``manouche-orm`` asks its questions where they are seen, refuses to guess without a
terminal, and answers every failure with one line."""

from __future__ import annotations

import io
import os
import pty
import select
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from manouche.orm_lite._commands import main

ENTRY_V1 = """
from manouche import orm_lite as models

class Entry(models.Model):
    headline = models.CharField(max_length=80)
    score = models.IntegerField(null=True)
"""
ENTRY_RENAMED = ENTRY_V1.replace("headline =", "title =")
ENTRY_NOT_NULL = ENTRY_V1.replace(
    "score = models.IntegerField(null=True)", "score = models.IntegerField()"
)
ENTRY_ADDED = ENTRY_V1 + "    votes = models.IntegerField()\n"


class Terminal(io.StringIO):
    """Typed answers on a standard input that says it is a terminal."""

    def isatty(self) -> bool:
        return True


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Path]:
    pkg = tmp_path / "cmdproj"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "models.py").write_text(ENTRY_V1)
    yield tmp_path
    _forget()
    if str(tmp_path) in sys.path:
        sys.path.remove(str(tmp_path))


def _forget() -> None:
    for name in [m for m in sys.modules if m == "cmdproj" or m.startswith("cmdproj.")]:
        del sys.modules[name]


def _models(project: Path, source: str) -> None:
    """Change the models, as an edit of models.py between two commands would."""
    (project / "cmdproj" / "models.py").write_text(source)
    _forget()


def _base(project: Path) -> list[str]:
    return [
        "--database",
        f"sqlite:///{project / 'cmd.db'}",
        "--models",
        "cmdproj.models",
        "--version-table",
        "cmd_versions",
    ]


def _revisions(project: Path) -> list[str]:
    return sorted(p.name for p in (project / "cmdproj" / "migrations").glob("0*.py"))


def _one_line_error(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("manouche-orm: error: ")
    assert "Traceback" not in err
    return lines[0]


def test_a_possible_rename_without_terminal_is_refused_naming_the_options(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    base = _base(project)
    assert main([*base, "makemigrations", "cmdproj", "--noinput"], cwd=project) == 0
    _models(project, ENTRY_RENAMED)
    capsys.readouterr()
    for stdin in (io.StringIO("y\n"), Terminal("y\n")):  # piped input, and --noinput
        monkeypatch.setattr(sys, "stdin", stdin)
        args = [*base, "makemigrations", "cmdproj"] + (["--noinput"] if stdin.isatty() else [])
        assert main(args, cwd=project) == 2
        line = _one_line_error(capsys.readouterr().err)
        assert "Was cmdproj_entry.headline renamed to cmdproj_entry.title?" in line
        assert "--rename cmdproj_entry.headline=title" in line and "--no-rename" in line
        assert _revisions(project) == ["0001_initial.py"]  # nothing written

    drop_add = ["--noinput", "--no-rename", "--default", "cmdproj_entry.title=untitled"]
    assert main([*base, "makemigrations", "cmdproj", *drop_add], cwd=project) == 0
    (dropped,) = set(_revisions(project)) - {"0001_initial.py"}
    text = (project / "cmdproj" / "migrations" / dropped).read_text()
    assert "drop_column('headline')" in text and "add_column" in text
    os.remove(project / "cmdproj" / "migrations" / dropped)

    rename = ["--rename", "cmdproj_entry.headline=cmdproj_entry.title", "--noinput"]
    assert main([*base, "makemigrations", "cmdproj", *rename], cwd=project) == 0
    (renamed,) = set(_revisions(project)) - {"0001_initial.py"}
    assert renamed == "0002_rename_headline_entry_title.py"
    text = (project / "cmdproj" / "migrations" / renamed).read_text()
    assert "new_column_name='title'" in text and "drop_column" not in text


def test_the_rename_question_is_shown_on_a_terminal(project: Path) -> None:
    """A real pseudo-terminal: the question appears, the answer is read, the rename written."""
    base = _base(project)
    assert main([*base, "makemigrations", "cmdproj", "--noinput"], cwd=project) == 0
    _models(project, ENTRY_RENAMED)
    leader, follower = pty.openpty()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from manouche.orm_lite._commands import main; raise SystemExit(main())",
            *base,
            "makemigrations",
            "cmdproj",
        ],
        stdin=follower,
        stdout=follower,
        stderr=follower,
        cwd=project,
        env=env,
    )
    os.close(follower)
    seen = b""
    try:
        while b"[y/N]" not in seen:
            ready, _, _ = select.select([leader], [], [], 120)
            assert ready, f"no question on the terminal; it shows {seen!r}"
            seen += os.read(leader, 1024)
        assert b"Was cmdproj_entry.headline renamed to cmdproj_entry.title? [y/N]" in seen
        os.write(leader, b"y\n")
        while True:
            ready, _, _ = select.select([leader], [], [], 120)
            try:
                chunk = os.read(leader, 1024) if ready else b""
            except OSError:  # the command ended and closed the terminal
                break
            if not chunk:
                break
            seen += chunk
        assert proc.wait(timeout=120) == 0, seen
    finally:
        if proc.poll() is None:
            proc.kill()
        os.close(leader)
    assert "0002_rename_headline_entry_title.py" in _revisions(project)


def test_not_null_without_default_asks_for_a_one_off_value(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    base = _base(project)
    assert main([*base, "makemigrations", "cmdproj", "--noinput"], cwd=project) == 0
    assert main([*base, "migrate", "cmdproj"], cwd=project) == 0
    engine = sa.create_engine(f"sqlite:///{project / 'cmd.db'}")
    with engine.begin() as conn:
        conn.exec_driver_sql("INSERT INTO cmdproj_entry (headline, score) VALUES ('a', NULL)")
        conn.exec_driver_sql("INSERT INTO cmdproj_entry (headline, score) VALUES ('b', 4)")

    # Nullable -> NOT NULL with no default: no terminal, no answer given: refused.
    _models(project, ENTRY_NOT_NULL)
    capsys.readouterr()
    assert main([*base, "makemigrations", "cmdproj", "--noinput"], cwd=project) == 2
    line = _one_line_error(capsys.readouterr().err)
    assert "cmdproj_entry.score becomes NOT NULL" in line
    assert "--default cmdproj_entry.score=VALUE" in line
    assert (
        main(
            [*base, "makemigrations", "cmdproj", "--noinput", "--default", "cmdproj_entry.score=x"],
            cwd=project,
        )
        == 2
    )
    assert "'x' is not a valid int for cmdproj_entry.score" in capsys.readouterr().err

    # On a terminal the question is shown and the typed value used.
    monkeypatch.setattr(sys, "stdin", Terminal("nope\n0\n"))
    assert main([*base, "makemigrations", "cmdproj"], cwd=project) == 0
    out = capsys.readouterr().out
    assert "cmdproj_entry.score becomes NOT NULL without a default" in out
    assert "'nope' is not a valid int" in out  # asked again
    assert main([*base, "migrate", "cmdproj"], cwd=project) == 0
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT headline, score FROM cmdproj_entry").all() == [
            ("a", 0),
            ("b", 4),
        ]

    # A new NOT NULL column without default: the value from --default fills the rows.
    _models(project, ENTRY_ADDED.replace("null=True", ""))
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    assert (
        main(
            [*base, "makemigrations", "cmdproj", "--default", "cmdproj_entry.votes=1"], cwd=project
        )
        == 0
    )
    assert main([*base, "migrate", "cmdproj"], cwd=project) == 0
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT votes FROM cmdproj_entry").all() == [(1,), (1,)]
    engine.dispose()


def test_failures_are_one_line(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    base = _base(project)
    # A database that cannot be opened.
    unreachable = ["--database", f"sqlite:///{project / 'no' / 'such' / 'dir.db'}"]
    assert main([*unreachable, "--models", "cmdproj.models", "showmigrations"], cwd=project) == 2
    assert "OperationalError" in _one_line_error(capsys.readouterr().err)
    # Models that cannot be imported.
    assert main(["--models", "cmdproj.nothing", "migrate"], cwd=project) == 2
    assert "cannot import the models" in _one_line_error(capsys.readouterr().err)
    # A migration that fails: rolled back, said in one line.
    assert main([*base, "makemigrations", "cmdproj", "--noinput"], cwd=project) == 0
    assert main([*base, "migrate", "cmdproj"], cwd=project) == 0
    engine = sa.create_engine(f"sqlite:///{project / 'cmd.db'}")
    with engine.begin() as conn:
        conn.exec_driver_sql("INSERT INTO cmdproj_entry (headline, score) VALUES ('a', 1)")
        conn.exec_driver_sql("INSERT INTO cmdproj_entry (headline, score) VALUES ('a', 2)")
    _models(project, ENTRY_V1.replace("max_length=80", "max_length=80, unique=True"))
    assert main([*base, "makemigrations", "cmdproj", "--noinput"], cwd=project) == 0
    capsys.readouterr()
    assert main([*base, "migrate", "cmdproj"], cwd=project) == 2
    line = _one_line_error(capsys.readouterr().err)
    assert "Migration 0002_" in line and "UNIQUE constraint failed" in line
    assert "Rolled back" in line and "cmdproj at 0001_initial" in line
    with engine.connect() as conn:
        names = [r[0] for r in conn.exec_driver_sql("SELECT name FROM sqlite_master").all()]
    assert not [n for n in names if n.startswith("_alembic_tmp")]
    engine.dispose()


def test_rename_option_is_checked(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = [*_base(project), "makemigrations", "cmdproj", "--noinput"]
    assert main([*args, "--rename", "nonsense"], cwd=project) == 2
    assert "--rename takes TABLE.OLD=NEW" in _one_line_error(capsys.readouterr().err)
    assert main([*args, "--default", "novalue"], cwd=project) == 2
    assert "--default takes TABLE.COLUMN=VALUE" in _one_line_error(capsys.readouterr().err)


UNNAMED_FK = """
import sqlalchemy as sa
from alembic import op

revision = "cmdproj_0002"
down_revision = "cmdproj_0001"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("cmdproj_entry") as batch_op:
        batch_op.add_column(sa.Column("parent_id", sa.BigInteger(), nullable=True))
        batch_op.create_foreign_key(None, "cmdproj_entry", ["parent_id"], ["id"])


def downgrade():
    pass
"""


def test_a_revision_that_cannot_replay_is_named(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An older revision with an unnamed foreign key (as makemigrations once wrote) stops
    makemigrations with its name and the reason, not a traceback."""
    base = _base(project)
    assert main([*base, "makemigrations", "cmdproj", "--noinput"], cwd=project) == 0
    (project / "cmdproj" / "migrations" / "0002_entry_parent.py").write_text(UNNAMED_FK)
    capsys.readouterr()
    assert main([*base, "makemigrations", "cmdproj", "--noinput"], cwd=project) == 2
    line = _one_line_error(capsys.readouterr().err)
    assert "0002_entry_parent fails there" in line and "needs a name" in line


def test_the_database_url_comes_from_manouche_database_url(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MANOUCHE_ORM_DATABASE", raising=False)
    monkeypatch.setenv("MANOUCHE_DATABASE_URL", f"sqlite:///{project / 'env.db'}")
    base = _base(project)[2:]  # no --database: the environment says it
    assert main([*base, "makemigrations", "cmdproj", "--noinput"], cwd=project) == 0
    assert main([*base, "migrate"], cwd=project) == 0
    assert (project / "env.db").exists()
    # The old name still works, with a warning naming the new one.
    monkeypatch.delenv("MANOUCHE_DATABASE_URL")
    monkeypatch.setenv("MANOUCHE_ORM_DATABASE", f"sqlite:///{project / 'old.db'}")
    with pytest.warns(FutureWarning, match="set MANOUCHE_DATABASE_URL instead"):
        assert main([*base, "migrate"], cwd=project) == 0
    assert (project / "old.db").exists()
