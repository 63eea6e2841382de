"""The README's example runs as written."""

from __future__ import annotations

import re
import sys
import types
from pathlib import Path


def test_readme_example_runs() -> None:
    text = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    code = re.search(r"```python\n(.*?)```", text, re.S)
    assert code is not None
    module = types.ModuleType("readme_example")
    sys.modules[module.__name__] = module
    try:
        # dont_inherit: the example runs without this file's __future__ imports.
        exec(compile(code.group(1), "README.md", "exec", dont_inherit=True), module.__dict__)
    finally:
        del sys.modules[module.__name__]
