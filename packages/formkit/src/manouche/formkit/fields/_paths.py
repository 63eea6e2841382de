"""FilePathField: a choice among the files (or folders) of a directory."""

from __future__ import annotations

import os
import re
from typing import Any

from manouche.formkit.fields._choices import ChoiceField


class FilePathField(ChoiceField):
    """One of the paths under ``path``, listed when the field is built, as Django's.

    ``match`` is a regular expression searched in each file name, ``recursive``
    walks subfolders (labels are then relative to ``path``), ``allow_files`` and
    ``allow_folders`` choose what is offered; ``__pycache__`` never is. Values
    are full paths; the listing is sorted by label (by name when recursive).

    .. versionadded:: 0.2
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        match: str | None = None,
        recursive: bool = False,
        allow_files: bool = True,
        allow_folders: bool = False,
        **kwargs: Any,
    ) -> None:
        self.path, self.match, self.recursive = path, match, recursive
        self.allow_files, self.allow_folders = allow_files, allow_folders
        super().__init__(choices=(), **kwargs)
        self.match_re = re.compile(match) if match is not None else None
        choices: list[tuple[str, str]] = [] if self.required else [("", "---------")]
        base = os.fspath(path)
        if recursive:
            for root, dirs, files in sorted(os.walk(base)):
                if allow_files:
                    for name in sorted(files):
                        if self._matches(name):
                            full = os.path.join(root, name)
                            choices.append((full, full.replace(base, "", 1)))
                if allow_folders:
                    for name in sorted(dirs):
                        if name != "__pycache__" and self._matches(name):
                            full = os.path.join(root, name)
                            choices.append((full, full.replace(base, "", 1)))
        else:
            found: list[tuple[str, str]] = []
            with os.scandir(base) as entries:
                for entry in entries:
                    if entry.name == "__pycache__":
                        continue
                    wanted = (allow_files and entry.is_file()) or (allow_folders and entry.is_dir())
                    if wanted and self._matches(entry.name):
                        found.append((entry.path, entry.name))
            found.sort(key=lambda choice: choice[1])
            choices.extend(found)
        self.choices = choices

    def _matches(self, name: str) -> bool:
        return self.match_re is None or self.match_re.search(name) is not None
