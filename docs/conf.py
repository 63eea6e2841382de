"""Sphinx configuration of the Manouche documentation site (``python3 dev.py docs``)."""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "_ext"))
sys.path.insert(0, str(HERE.parent))  # examples/ and bench/, which the pages show

project = "Manouche"
author = "The Manouche developers"
copyright = "2026, the Manouche developers"  # noqa: A001 - Sphinx's name

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx.ext.viewcode",
    "manouche_docs",
    "bench_charts",
]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build", "README.md", "_ext", "bench/*.txt"]

# Strict: every reference to a documented Python name must resolve. Names of
# other libraries (WebOb, SQLAlchemy, the standard library, ...) are not
# documented here and are not links; ours are.
nitpicky = True
nitpick_ignore_regex = [(r"py:.*", r"(?!manouche\.).*")]

myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3

autodoc_typehints = "signature"
autodoc_member_order = "bysource"
autodoc_default_options = {"show-inheritance": True}
autoclass_content = "class"

html_theme = "furo"
html_title = "Manouche"
html_static_path = ["_static"]
html_favicon = "_static/favicon.svg"
html_show_sourcelink = False
pygments_style = "sphinx"

# The docstrings' "Parameters:" sections are Google style.
napoleon_google_docstring = True
napoleon_numpy_docstring = False
