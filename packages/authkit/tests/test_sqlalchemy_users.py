"""A plain SQLAlchemy user model (as a Flask-SQLAlchemy app has) behind authkit's login."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

import pytest
import sqlalchemy as sa
import webob
from cachelib import SimpleCache
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, sessionmaker
from webtest import TestApp

from manouche.authkit import auth as authmod
from manouche.authkit import csrf, hashers, sessions
from manouche.authkit.decorators import login_required
from manouche.authkit.sqlalchemy_users import SQLAlchemyUser, SQLAlchemyUserBackend
from manouche.httpkit import make_wsgi_app
from manouche.testsupport import TEST_SECRET_KEY as SECRET


class Base(DeclarativeBase):
    pass


class Account(Base):
    __tablename__ = "accounts"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(150), unique=True)
    password: Mapped[str] = mapped_column(sa.String(128))
    email: Mapped[str] = mapped_column(sa.String(254), default="")
    is_active: Mapped[bool] = mapped_column(default=True)
    is_admin: Mapped[bool] = mapped_column(default=False)
    last_login: Mapped[datetime | None] = mapped_column(default=None)


@pytest.fixture
def factory(tmp_path: Any, fast_hashers: Any) -> Any:
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'accounts.sqlite3'}")
    Base.metadata.create_all(engine)
    make = sessionmaker(engine, expire_on_commit=False)
    with make() as s:
        s.add_all(
            [
                Account(
                    username="ann", password=hashers.make_password("ann-pass"), email="a@x.org"
                ),
                Account(username="old", password=hashers.make_password("old-pass", hasher="md5")),
                Account(username="off", password=hashers.make_password("pw"), is_active=False),
                Account(username="boss", password=hashers.make_password("pw"), is_admin=True),
            ]
        )
        s.commit()
    yield make
    engine.dispose()


def backend_for(factory: Any) -> SQLAlchemyUserBackend:
    return SQLAlchemyUserBackend(
        Account,
        factory,
        superuser_field="is_admin",
        permissions=lambda row, obj: {"shop.view_order"} if row.email else set(),
    )


def test_authenticate_permissions_and_upgrade(factory: Any) -> None:
    auth = authmod.Auth(secret_key=SECRET, backends=[backend_for(factory)], default=False)
    ann = auth.authenticate(None, username="ann", password="ann-pass")
    assert isinstance(ann, SQLAlchemyUser) and ann.email == "a@x.org" and ann.pk == 1
    assert ann.has_perm("shop.view_order") and not ann.has_perm("shop.delete_order")
    assert ann.has_module_perms("shop") and not ann.has_module_perms("blog")
    assert auth.authenticate(None, username="ann", password="nope") is None
    assert auth.authenticate(None, username="ghost", password="x") is None
    assert auth.authenticate(None, username="off", password="pw") is None
    boss = auth.authenticate(None, username="boss", password="pw")
    assert boss is not None and boss.has_perm("anything.at_all")
    assert auth.authenticate(None, username="old", password="old-pass") is not None
    with factory() as s:
        stored = s.scalars(sa.select(Account.password).filter_by(username="old")).one()
    assert stored.startswith("pbkdf2_sha256$1000$")  # upgraded on login, committed
    with pytest.raises(TypeError, match="not a class mapped"):
        SQLAlchemyUserBackend(object, factory)
    with pytest.raises(ValueError, match="no 'login'"):
        SQLAlchemyUserBackend(Account, factory, username_field="login")


def test_login_over_http_with_the_sqlalchemy_model(factory: Any) -> None:
    backend = backend_for(factory)
    auth = authmod.Auth(secret_key=SECRET, backends=[backend], default=False)

    def login_view(request: webob.Request) -> webob.Response:
        if request.method == "POST":
            user = authmod.authenticate(
                request, username=request.POST["username"], password=request.POST["password"]
            )
            if user is None:
                return webob.Response("invalid", status=400)
            authmod.login(request, user)
            return webob.Response(status=302, location="/me")
        return webob.Response(f"<form method=post>{csrf.csrf_input(request)}</form>")

    @login_required(login_url="/login")
    def me(request: webob.Request) -> webob.Response:
        return webob.Response("hello " + authmod.request_user(request).get_username())

    def logout_view(request: webob.Request) -> webob.Response:
        authmod.logout(request)
        return webob.Response("bye")

    views = {"/login": login_view, "/me": me, "/logout": logout_view}
    app = TestApp(
        make_wsgi_app(
            lambda request: views[request.path_info](request),
            [
                sessions.SessionMiddleware.configure(
                    engine=sessions.CacheSessions(cache=SimpleCache(), secret_key=SECRET)
                ),
                csrf.CsrfViewMiddleware,
                authmod.AuthenticationMiddleware.configure(auth=auth),
            ],
        )
    )
    assert app.get("/me").status_int == 302
    token = re.search(r'value="([^"]+)"', app.get("/login").text)
    assert token
    form = {"username": "ann", "password": "ann-pass", "csrfmiddlewaretoken": token.group(1)}
    assert app.post("/login", form).status_int == 302
    assert app.get("/me").text == "hello ann"
    with factory() as s:
        assert s.scalars(sa.select(Account.last_login).filter_by(username="ann")).one()
    # A password change elsewhere ends this session.
    with factory() as s:
        row = s.scalars(sa.select(Account).filter_by(username="ann")).one()
        row.password = hashers.make_password("changed")
        s.commit()
    assert app.get("/me").status_int == 302
