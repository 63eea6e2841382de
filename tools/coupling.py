"""The sibling edges allowed between Manouche packages.

This encodes the coupling table of ARCHITECTURE.md ("Coupling rules", rule 1)
so that import-linter can enforce it. A new edge is a design decision: it is
added to ARCHITECTURE.md first, in an issue, then here.
"""

from __future__ import annotations

# import name -> sibling import names it may import at module level.
# validation is the ground floor with signals: Django's validators, ValidationError,
# date parsing and the one model reader; it imports no sibling itself.
ALLOWED: dict[str, frozenset[str]] = {
    "orm_lite": frozenset({"signals", "validation"}),
    "httpkit": frozenset({"signals"}),
    "serial": frozenset({"signals", "validation"}),
    "formkit": frozenset({"validation"}),
    "adminkit": frozenset({"formkit", "tplkit", "urlmap", "httpkit", "validation"}),
    "restkit": frozenset({"urlmap", "httpkit", "validation"}),
    "authkit": frozenset({"signals", "httpkit", "orm_lite"}),
    "sites": frozenset({"orm_lite", "signals"}),
}

# Optional integrations: an import of a sibling that sits behind an extra and
# is guarded where it is used. Each entry is (importer module, imported
# module) exactly as import-linter spells an ``ignore_imports`` line.
OPTIONAL: tuple[tuple[str, str], ...] = (
    # Rule 1, translations: a package's private _i18n.py uses i18nkit when installed.
    ("manouche.authkit._i18n", "manouche.i18nkit"),
    ("manouche.adminkit._i18n", "manouche.i18nkit"),
    ("manouche.restkit._i18n", "manouche.i18nkit"),
    ("manouche.formkit._i18n", "manouche.i18nkit"),
    ("manouche.httpkit._i18n", "manouche.i18nkit"),
    ("manouche.orm_lite._i18n", "manouche.i18nkit"),
    ("manouche.tplkit._i18n", "manouche.i18nkit"),
    ("manouche.sites._i18n", "manouche.i18nkit"),
    ("manouche.serial._i18n", "manouche.i18nkit"),
    ("manouche.sitemaps._i18n", "manouche.i18nkit"),
    ("manouche.syndication._i18n", "manouche.i18nkit"),
    # validation, the ground floor, imports i18nkit lazily (on the first message
    # translated) from its _i18n.py, and works in English without it.
    ("manouche.validation._i18n", "manouche.i18nkit"),
    # urlmap's i18n_patterns reads the active language from i18nkit when installed.
    ("manouche.urlmap._i18n", "manouche.i18nkit"),
    # adminkit's users, permissions, login and CSRF when authkit is installed.
    ("manouche.adminkit._security", "manouche.authkit"),
    # restkit: HTTP Basic checks passwords and sessions check CSRF through authkit
    # when it is installed; throttles count in cachekit's default cache when configured.
    ("manouche.restkit.authentication", "manouche.authkit"),
    ("manouche.restkit.throttling", "manouche.cachekit"),
    # restkit's browsable API page is a tplkit template when tplkit is installed,
    # a built-in page otherwise.
    ("manouche.restkit.renderers", "manouche.tplkit"),
)


def importlinter_config(packages: list[str]) -> str:
    """Return an import-linter INI configuration for the given packages."""
    roots = [f"manouche.{name}" for name in packages]
    lines = [
        "[importlinter]",
        "root_packages =",
        *(f"    {root}" for root in roots),
        "include_external_packages = False",
        "",
    ]
    for name in packages:
        forbidden = [
            f"manouche.{other}"
            for other in packages
            if other != name and other not in ALLOWED.get(name, frozenset())
        ]
        if not forbidden:
            continue
        lines += [
            f"[importlinter:contract:{name}]",
            f"name = manouche.{name} imports only the siblings ARCHITECTURE.md allows",
            "type = forbidden",
            "allow_indirect_imports = True",
            f"source_modules = manouche.{name}",
            "forbidden_modules =",
            *(f"    {mod}" for mod in forbidden),
        ]
        ignores = [f"{a} -> {b}" for a, b in OPTIONAL if a.startswith(f"manouche.{name}")]
        if ignores:
            lines += ["ignore_imports =", *(f"    {line}" for line in ignores)]
        lines.append("")
    return "\n".join(lines)
