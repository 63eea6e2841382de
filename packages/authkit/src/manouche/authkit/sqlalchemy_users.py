"""Plain SQLAlchemy user models (a Flask-SQLAlchemy app's) as authkit users.

A site that already has a ``User`` table mapped with SQLAlchemy's ORM keeps
it: :class:`SQLAlchemyUserBackend` authenticates against it (Django's hash
formats in its password column), and wraps each row in a
:class:`SQLAlchemyUser`, which speaks the small protocol ``login()``,
``get_user()`` and the decorators need (``pk``, ``is_authenticated``,
``get_username()``, ``get_session_auth_hash()``, ``has_perm()``)::

    backend = SQLAlchemyUserBackend(User, sessionmaker(engine))
    auth = Auth(secret_key=SECRET, backends=[backend])

Attributes not in the protocol are read from the row (``user.email``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa

from manouche.authkit._crypto import salted_hmac
from manouche.authkit.auth import BaseBackend
from manouche.authkit.hashers import PasswordHashers, check_password, make_password

__all__ = ["SQLAlchemyUser", "SQLAlchemyUserBackend"]


class SQLAlchemyUser:
    """A row of the user model, with the user protocol authkit needs."""

    is_authenticated = True
    is_anonymous = False

    def __init__(self, row: Any, backend: SQLAlchemyUserBackend) -> None:
        object.__setattr__(self, "row", row)
        object.__setattr__(self, "_backend", backend)

    def __getattr__(self, name: str) -> Any:
        return getattr(object.__getattribute__(self, "row"), name)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SQLAlchemyUser) and other.pk == self.pk

    def __hash__(self) -> int:
        return hash(self.pk)

    def __str__(self) -> str:
        return self.get_username()

    @property
    def pk(self) -> Any:
        identity = sa.inspect(self.row).identity
        return identity[0] if identity and len(identity) == 1 else identity

    @property
    def is_active(self) -> bool:
        field = self._backend.active_field
        return bool(getattr(self.row, field, True)) if field else True

    @property
    def is_superuser(self) -> bool:
        field = self._backend.superuser_field
        return bool(getattr(self.row, field, False)) if field else False

    @property
    def password(self) -> str:
        return str(getattr(self.row, self._backend.password_field) or "")

    def get_username(self) -> str:
        return str(getattr(self.row, self._backend.username_field))

    def get_session_auth_hash(self, secret: str | bytes) -> str:
        return salted_hmac(
            "django.contrib.auth.models.AbstractBaseUser.get_session_auth_hash",
            self.password,
            secret,
            algorithm="sha256",
        ).hexdigest()

    def set_password(self, raw_password: str | None) -> None:
        """Hash and store a new password (committed at once)."""
        self._backend.store_password(
            self, make_password(raw_password, hashers=self._backend.hashers)
        )

    def record_login(self, when: Any) -> None:
        """Store the login time when the model has a ``last_login`` column."""
        if "last_login" in sa.inspect(type(self.row)).attrs:
            self._backend.store_fields(self, last_login=when)

    def check_password(self, raw_password: str) -> bool:
        return check_password(
            raw_password, self.password, self.set_password, hashers=self._backend.hashers
        )

    def has_perm(self, perm: str, obj: Any = None) -> bool:
        if self.is_active and self.is_superuser:
            return True
        return perm in self._backend.permissions(self, obj)

    def has_perms(self, perm_list: Any, obj: Any = None) -> bool:
        if isinstance(perm_list, str) or not hasattr(perm_list, "__iter__"):
            raise ValueError("perm_list must be an iterable of permissions.")
        return all(self.has_perm(perm, obj) for perm in perm_list)

    def has_module_perms(self, app_label: str) -> bool:
        if self.is_active and self.is_superuser:
            return True
        return any(p.split(".", 1)[0] == app_label for p in self._backend.permissions(self, None))


class SQLAlchemyUserBackend(BaseBackend):
    """Authenticate against a SQLAlchemy-mapped user model.

    :param model: the mapped user class.
    :param session_factory: makes SQLAlchemy ``Session`` objects
        (``sessionmaker(engine)``, or Flask-SQLAlchemy's ``db.session``'s
        factory).
    :param username_field: the column of the login name (``"username"``).
    :param password_field: the column with Django's encoded hash (``"password"``).
    :param active_field: a boolean column that must be true to log in, or None.
    :param superuser_field: a boolean column that grants every permission, or None.
    :param permissions: ``permissions(user, obj) -> set of "app.codename"``, or None.
    :param hashers: the ``PasswordHashers`` (the default ones when None).
    """

    def __init__(
        self,
        model: Any,
        session_factory: Callable[[], Any],
        *,
        username_field: str = "username",
        password_field: str = "password",
        active_field: str | None = "is_active",
        superuser_field: str | None = None,
        permissions: Callable[[Any, Any], set[str]] | None = None,
        hashers: PasswordHashers | None = None,
    ) -> None:
        mapper = sa.inspect(model, raiseerr=False)
        if mapper is None:
            raise TypeError(f"{model!r} is not a class mapped by SQLAlchemy")
        for name in (username_field, password_field):
            if name not in mapper.attrs:
                raise ValueError(f"{model.__name__} has no {name!r} attribute")
        if active_field is not None and active_field not in mapper.attrs:
            active_field = None
        self.model = model
        self.session_factory = session_factory
        self.username_field = username_field
        self.password_field = password_field
        self.active_field = active_field
        self.superuser_field = superuser_field
        self._permissions = permissions
        self.hashers = hashers

    def _wrap(self, row: Any) -> SQLAlchemyUser:
        return SQLAlchemyUser(row, self)

    def _find(self, session: Any, **where: Any) -> Any:
        stmt = sa.select(self.model).filter_by(**where).limit(1)
        return session.scalars(stmt).first()

    def authenticate(
        self,
        request: Any,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> SQLAlchemyUser | None:
        if username is None:
            username = kwargs.get(self.username_field)
        if username is None or password is None:
            return None
        with self.session_factory() as session:
            row = self._find(session, **{self.username_field: username})
            if row is None:
                make_password(password, hashers=self.hashers)  # the timing defence
                return None
            session.expunge(row)
        user = self._wrap(row)
        if user.check_password(password) and user.is_active:
            return user
        return None

    def get_user(self, user_id: Any) -> SQLAlchemyUser | None:
        key = self._coerce_pk(user_id)
        if key is None:
            return None
        with self.session_factory() as session:
            row = session.get(self.model, key)
            if row is None:
                return None
            session.expunge(row)
        user = self._wrap(row)
        return user if user.is_active else None

    def _coerce_pk(self, user_id: Any) -> Any:
        column = sa.inspect(self.model).primary_key[0]
        try:
            python_type = column.type.python_type
        except NotImplementedError:
            return user_id
        try:
            return python_type(user_id)
        except (TypeError, ValueError):
            return None

    def store_password(self, user: SQLAlchemyUser, encoded: str) -> None:
        self.store_fields(user, **{self.password_field: encoded})

    def store_fields(self, user: SQLAlchemyUser, **values: Any) -> None:
        """Write ``values`` to the user's row (committed), and keep the fresh row."""
        with self.session_factory() as session:
            row = session.merge(user.row)
            for name, value in values.items():
                setattr(row, name, value)
            session.commit()
            session.refresh(row)
            session.expunge(row)
        object.__setattr__(user, "row", row)

    def permissions(self, user: SQLAlchemyUser, obj: Any) -> set[str]:
        if self._permissions is None or not user.is_active:
            return set()
        return set(self._permissions(user.row, obj))

    def get_all_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        return self.permissions(user_obj, obj) if isinstance(user_obj, SQLAlchemyUser) else set()

    def has_perm(self, user_obj: Any, perm: str, obj: Any = None) -> bool:
        return perm in self.get_all_permissions(user_obj, obj)
