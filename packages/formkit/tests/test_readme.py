"""The README's first example runs as written."""

from __future__ import annotations

import re
from pathlib import Path


def test_readme_example_runs() -> None:
    text = (Path(__file__).parent.parent / "README.md").read_text()
    blocks = re.findall(r"```python\n(.*?)```", text, re.S)
    namespace: dict[str, object] = {}
    exec(compile(blocks[0], "README.md", "exec"), namespace)
    assert "ContactForm" in namespace


def test_readme_model_form_example_runs() -> None:
    """The orm-lite model form example: no db= anywhere, queryset set in __init__."""
    import pytest

    pytest.importorskip("manouche.orm_lite")
    text = (Path(__file__).parent.parent / "README.md").read_text()
    blocks = re.findall(r"```python\n(.*?)```", text, re.S)
    example = next(b for b in blocks if "class BookForm(forms.ModelForm)" in b)
    namespace: dict[str, object] = {}
    exec(compile(example, "README.md", "exec"), namespace)
    db = namespace["db"]
    db.close()  # type: ignore[attr-defined]
    db.dispose()  # type: ignore[attr-defined]
