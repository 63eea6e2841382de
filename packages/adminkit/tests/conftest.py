"""A fresh SQLite database per test with the shop tables, authkit's tables and users."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import webtest

from manouche import orm_lite as models
from manouche.authkit import (
    Auth,
    AuthenticationMiddleware,
    ContentType,
    Group,
    MessageMiddleware,
    Permission,
    Session,
    SessionMiddleware,
    SignedCookieSessions,
    User,
    create_permissions,
)
from manouche.httpkit import make_wsgi_app
from manouche.urlmap import URLMap, mount

sys.path.insert(0, str(Path(__file__).parent))

import shop  # noqa: E402

SECRET = "adminkit-tests-secret-key-0123456789"
PASSWORD = "a long test password 42"


@pytest.fixture
def db(tmp_path: Path) -> Iterator[models.Database]:
    database = models.Database(f"sqlite:///{tmp_path / 'shop.sqlite3'}")
    database.make_default()
    database.create_all([ContentType, Permission, Group, User, Session, *shop.MODELS])
    create_permissions(shop.MODELS)
    shop.fill(database)
    yield database
    database.dispose()


def _wrap(site: Any) -> Any:
    """The site mounted at /admin/ behind authkit's sessions, messages and users."""
    urls = URLMap([mount("admin/", site)])
    return make_wsgi_app(
        urls,
        [
            SessionMiddleware.configure(engine=SignedCookieSessions(secret_key=SECRET)),
            MessageMiddleware.configure(secret_key=SECRET),
            AuthenticationMiddleware.configure(auth=Auth(secret_key=SECRET)),
        ],
    )


@pytest.fixture
def wrap() -> Callable[[Any], Any]:
    """``wrap(site)``: the site as a WSGI app at /admin/ behind sessions, messages, users."""
    return _wrap


@pytest.fixture
def site(db: models.Database) -> Any:
    return shop.build_site(db)


@pytest.fixture
def app(site: Any) -> webtest.TestApp:
    return webtest.TestApp(_wrap(site))


def _make_user(
    username: str, *, staff: bool = True, superuser: bool = False, perms: tuple[str, ...] = ()
) -> Any:
    user = User.objects.create_user(
        username, password=PASSWORD, is_staff=staff, is_superuser=superuser
    )
    for perm in perms:
        app_label, codename = perm.split(".")
        user.user_permissions.add(
            Permission.objects.get(codename=codename, content_type__app_label=app_label)
        )
    return user


def _login(app: webtest.TestApp, username: str) -> None:
    page = app.get("/admin/login/")
    form = page.forms["login-form"]
    form["username"] = username
    form["password"] = PASSWORD
    response = form.submit()
    assert response.status_int == 302, response.text


@pytest.fixture
def make_user() -> Callable[..., Any]:
    """``make_user(username, staff=True, superuser=False, perms=())``: a user with the
    test password and those permissions (``"app_label.codename"``)."""
    return _make_user


@pytest.fixture
def login() -> Callable[[webtest.TestApp, str], None]:
    """``login(app, username)``: log in through the admin's login form."""
    return _login


@pytest.fixture
def admin_app(app: webtest.TestApp, db: models.Database) -> webtest.TestApp:
    _make_user("root", superuser=True)
    _login(app, "root")
    return app


@pytest.fixture(autouse=True)
def fast_hashing() -> Iterator[None]:
    from manouche.authkit import MD5PasswordHasher, set_default_hashers

    previous = set_default_hashers([MD5PasswordHasher])
    yield
    set_default_hashers(previous)
