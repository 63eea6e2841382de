"""``manouche-auth``: Django's ``createsuperuser`` and ``changepassword`` commands.

    manouche-auth --database sqlite:///app.db createsuperuser --username admin --email a@b.c
    manouche-auth --database sqlite:///app.db changepassword admin
    MANOUCHE_SUPERUSER_PASSWORD=... manouche-auth --database ... createsuperuser \\
        --noinput --username admin --email admin@example.com

Passwords are asked twice without echo and checked by the password
validators (Django's four); ``--user-model pkg.module:Class`` names a custom
user model. The tables must exist (``db.create_all()`` or migrations).
"""

from __future__ import annotations

import argparse
import getpass
import importlib
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any, TextIO

from manouche.authkit._i18n import environment_language, gettext
from manouche.authkit.errors import ValidationError
from manouche.authkit.password_validation import validate_password

__all__ = ["main"]

PASSWORD_ENV = "MANOUCHE_SUPERUSER_PASSWORD"


class CommandError(Exception):
    """A problem the command reports as ``Error: ...`` with exit status 1."""


def _user_model(spec: str | None) -> Any:
    if not spec:
        from manouche.authkit.models import User

        return User
    module, _, name = spec.partition(":")
    if not name:
        raise CommandError(f"--user-model must be 'module:Class', not {spec!r}")
    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError) as exc:
        raise CommandError(f"cannot load the user model {spec!r}: {exc}") from None


def _label(model: Any, field: str) -> str:
    """The user field's verbose name, capitalized, in the active language (``Username``)."""
    try:
        label = str(model._meta.get_field(field).verbose_name)
    except Exception:  # a model without orm-lite's _meta: the field's name
        label = field.replace("_", " ")
    return label[:1].upper() + label[1:]


def _ask_password(ask: Callable[[str], str], out: TextIO, user: Any, validate: bool) -> str:
    for _ in range(3):
        first = ask(gettext("Password: "))
        second = ask(gettext("Password (again): "))
        if first != second:
            out.write(gettext("Error: Your passwords didn't match.") + "\n")
            continue
        if not first.strip():
            out.write(gettext("Error: Blank passwords aren't allowed.") + "\n")
            continue
        if validate:
            try:
                validate_password(first, user)
            except ValidationError as exc:
                out.write("\n".join(exc.messages) + "\n")
                continue
        return first
    raise CommandError(gettext("Aborting: no acceptable password after 3 tries."))


def createsuperuser(args: argparse.Namespace, ask: Callable[[str], str], out: TextIO) -> None:
    model = _user_model(args.user_model)
    field = model.USERNAME_FIELD
    username = args.username
    if not username:
        if args.noinput:
            raise CommandError(
                gettext("You must use --%(field)s with --noinput.") % {"field": field}
            )
        username = input(gettext("%(label)s: ") % {"label": _label(model, field)}).strip()
    if not username:
        raise CommandError(gettext("%(label)s cannot be blank.") % {"label": _label(model, field)})
    if model._default_manager.filter(**{field: username}).exists():
        raise CommandError(
            gettext("That %(field)s is already taken.") % {"field": _label(model, field).lower()}
        )
    email = args.email or ""
    if args.noinput:
        password = os.environ.get(PASSWORD_ENV)
        if not password:
            raise CommandError(
                gettext("Set %(variable)s to create a superuser with --noinput.")
                % {"variable": PASSWORD_ENV}
            )
    else:
        probe = model(**{field: username, "email": email}) if hasattr(model, "email") else None
        password = _ask_password(ask, out, probe, validate=not args.skip_validation)
    model._default_manager.create_superuser(username, email, password)
    out.write(gettext("Superuser created successfully.") + "\n")


def changepassword(args: argparse.Namespace, ask: Callable[[str], str], out: TextIO) -> None:
    model = _user_model(args.user_model)
    try:
        user = model._default_manager.get_by_natural_key(args.username)
    except model.DoesNotExist:
        raise CommandError(
            gettext("user '%(username)s' does not exist") % {"username": args.username}
        ) from None
    name = {"username": user.get_username()}
    out.write(gettext("Changing password for user '%(username)s'") % name + "\n")
    password = _ask_password(ask, out, user, validate=not args.skip_validation)
    user.set_password(password)
    user.save()
    out.write(gettext("Password changed successfully for user '%(username)s'") % name + "\n")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="manouche-auth", description=__doc__.split("\n")[0])
    parser.add_argument("--database", required=True, help="an SQLAlchemy URL")
    parser.add_argument("--user-model", help="module:Class of a custom user model")
    sub = parser.add_subparsers(dest="command", required=True)
    create = sub.add_parser("createsuperuser", help="create a superuser")
    create.add_argument("--username")
    create.add_argument("--email")
    create.add_argument("--noinput", "--no-input", action="store_true")
    create.add_argument("--skip-validation", action="store_true")
    change = sub.add_parser("changepassword", help="change a user's password")
    change.add_argument("username")
    change.add_argument("--skip-validation", action="store_true")
    return parser


def main(
    argv: Sequence[str] | None = None,
    *,
    ask: Callable[[str], str] = getpass.getpass,
    out: TextIO | None = None,
) -> int:
    """Run a command; returns the exit status."""
    from manouche import orm_lite

    stream = out or sys.stdout
    args = _parser().parse_args(argv)
    db = orm_lite.Database(args.database)
    # In the language of the terminal (LANGUAGE, LC_ALL, LC_MESSAGES, LANG).
    try:
        with environment_language():
            try:
                if args.command == "createsuperuser":
                    createsuperuser(args, ask, stream)
                else:
                    changepassword(args, ask, stream)
            except CommandError as exc:
                stream.write(gettext("Error: %(error)s") % {"error": exc} + "\n")
                return 1
    finally:
        db.dispose()
    return 0


def console() -> None:  # pragma: no cover - the console script
    sys.exit(main())
