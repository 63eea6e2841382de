"""The Markdown block runner: blocks run in order, output is compared, fragments only compile."""

from __future__ import annotations

from pathlib import Path

import pytest

from manouche.testkit.readme import ReadmeBlockError, readme_blocks, run_readme


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "README.md"
    path.write_text(text, encoding="utf-8")
    return path


DOC = """# Title

```python
x = 2
print(x * 21)
```

```output
42
```

Some text.

  ```python
  async def f():
      return x + 1

  y = await f()
  print(y)
  ```

<!-- fragment -->

```python
undefined_name.attribute  # shows part of something bigger
```

```sh
not python
```
"""


def test_blocks_share_one_namespace_and_output_is_checked(tmp_path: Path) -> None:
    path = write(tmp_path, DOC)
    blocks = readme_blocks(path)
    assert [(b.line, b.fragment, b.output) for b in blocks] == [
        (4, False, "42\n"),
        (15, False, None),
        (25, True, None),
    ]
    module = run_readme(path)
    assert module.y == 3


def test_wrong_output_names_the_block(tmp_path: Path) -> None:
    path = write(tmp_path, DOC.replace("42\n```", "41\n```"))
    with pytest.raises(
        ReadmeBlockError, match=r"block at line 4 printed:\n42\nwhere the file shows:\n41"
    ):
        run_readme(path)


def test_an_exception_names_the_block_and_its_line(tmp_path: Path) -> None:
    path = write(tmp_path, "text\n\n```python\nimport os\n\n1 / 0\n```\n")
    with pytest.raises(ReadmeBlockError, match="block at line 4 raised ZeroDivisionError") as info:
        run_readme(path)
    # The traceback points at the file's own line.
    tb = info.value.__cause__.__traceback__
    while tb.tb_next is not None:
        tb = tb.tb_next
    assert tb.tb_lineno == 6


def test_a_fragment_must_still_compile(tmp_path: Path) -> None:
    path = write(tmp_path, "<!-- fragment -->\n```python\ndef broken(:\n```\n")
    with pytest.raises(ReadmeBlockError, match="block at line 3 does not compile"):
        run_readme(path)


def test_the_package_readme_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    run_readme(Path(__file__).parents[1] / "README.md")
