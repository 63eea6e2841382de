"""The gettext hook every user-facing message goes through.

It is manouche-validation's hook, shared so that one :func:`set_translation`
translates the validators' messages and formkit's alike. By default it is
i18nkit's active language when manouche-i18nkit is installed (each package's
``locale/`` catalogs, formkit's and validation's), English otherwise. Messages are
translated when an error is raised or a label is rendered, never at import
time, so a hook installed after import still applies.
"""

from __future__ import annotations

from manouche.validation.translation import gettext, ngettext, set_translation

__all__ = ["gettext", "ngettext", "set_translation"]
