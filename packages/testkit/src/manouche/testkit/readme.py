"""Run the Python blocks of a Markdown file, as a reader would, and check what they print.

Every fenced block marked ``python`` runs, in order, in one module namespace
(a later block uses what an earlier one defined, as in a tutorial). A block
followed at once by a fenced block marked ``output`` must print exactly that
(trailing blank space aside). A block preceded by the line
``<!-- fragment -->`` is only compiled: it shows part of something bigger and
cannot run alone. Top-level ``await`` works (the block runs in a fresh event
loop)::

    from manouche.testkit.readme import run_readme

    def test_readme_runs(tmp_path, monkeypatch):
        monkeypatch.chdir(tmp_path)  # files the examples write land here
        run_readme(Path(__file__).parents[1] / "README.md")

A failing block raises :class:`ReadmeBlockError` naming the file and the
line the block starts on, with the original exception chained.
"""

from __future__ import annotations

import ast
import asyncio
import contextlib
import inspect
import io
import re
import sys
import types
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

__all__ = ["FRAGMENT", "ReadmeBlock", "ReadmeBlockError", "readme_blocks", "run_readme"]

#: The line that marks the next Python block as a fragment (compiled, not run).
FRAGMENT = "<!-- fragment -->"

_FENCE = re.compile(r"^(?P<indent> {0,3})(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>[^`\n]*)$")


@dataclass(frozen=True)
class ReadmeBlock:
    """One Python block: its code, the 1-based line its code starts on, and what it must print."""

    code: str
    line: int
    fragment: bool = False
    output: str | None = None


class ReadmeBlockError(AssertionError):
    """A block of a Markdown file failed to compile, raised, or printed something else."""


def _fenced(text: str) -> Iterator[tuple[str, str, int, bool]]:
    """``(language, code, first code line, marked as fragment)`` of each fenced block."""
    lines = text.splitlines()
    i = 0
    previous = ""
    while i < len(lines):
        m = _FENCE.match(lines[i])
        if m is None:
            if lines[i].strip():
                previous = lines[i].strip()
            i += 1
            continue
        fence = m.group("fence")
        language = m.group("info").strip().split(" ")[0].lower() if m.group("info") else ""
        start = i + 1
        j = start
        while j < len(lines) and not (
            lines[j].strip().startswith(fence[0] * len(fence))
            and set(lines[j].strip()) == {fence[0]}
        ):
            j += 1
        indent = len(m.group("indent"))
        body = [line[indent:] if line[:indent].isspace() else line for line in lines[start:j]]
        yield language, "\n".join(body) + "\n", start + 1, previous == FRAGMENT
        previous = ""
        i = j + 1


def readme_blocks(path: str | Path) -> list[ReadmeBlock]:
    """The Python blocks of the Markdown file at ``path``, with their expected output."""
    text = Path(path).read_text(encoding="utf-8")
    found: list[ReadmeBlock] = []
    for language, code, line, fragment in _fenced(text):
        if language in ("python", "py"):
            found.append(ReadmeBlock(code, line, fragment))
        elif language == "output" and found and found[-1].output is None:
            last = found[-1]
            found[-1] = ReadmeBlock(last.code, last.line, last.fragment, code)
    return found


def _compile(block: ReadmeBlock, name: str) -> types.CodeType:
    # dont_inherit: the block runs without the caller's __future__ imports.
    source = "\n" * (block.line - 1) + block.code  # tracebacks point at the file's lines
    code: types.CodeType = compile(
        source, name, "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT, dont_inherit=True
    )
    return code


def run_readme(path: str | Path, *, module_name: str = "readme_example") -> types.ModuleType:
    """Run every Python block of ``path`` in order; returns the namespace they ran in."""
    path = Path(path)
    module = types.ModuleType(module_name)
    module.__file__ = str(path)
    sys.modules[module_name] = module
    try:
        for block in readme_blocks(path):
            where = f"{path.name}, the block at line {block.line}"
            try:
                code = _compile(block, str(path))
            except SyntaxError as exc:
                raise ReadmeBlockError(f"{where} does not compile: {exc}") from exc
            if block.fragment:
                continue
            out = io.StringIO()
            try:
                with contextlib.redirect_stdout(out):
                    result = eval(code, module.__dict__)  # noqa: S307 - the file's own code
                    if inspect.iscoroutine(result):
                        asyncio.run(result)
            except Exception as exc:
                raise ReadmeBlockError(f"{where} raised {type(exc).__name__}: {exc}") from exc
            if block.output is not None:
                printed = [line.rstrip() for line in out.getvalue().rstrip().splitlines()]
                shown = [line.rstrip() for line in block.output.rstrip().splitlines()]
                if printed != shown:
                    raise ReadmeBlockError(
                        f"{where} printed:\n" + "\n".join(printed) + "\n"
                        "where the file shows:\n" + "\n".join(shown)
                    )
        return module
    finally:
        sys.modules.pop(module_name, None)
