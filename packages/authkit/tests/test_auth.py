"""Users, groups, permissions and authentication, against Django on its own tables."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from manouche.authkit import auth as authmod
from manouche.authkit import hashers
from manouche.authkit.models import (
    AnonymousUser,
    ContentType,
    Group,
    Permission,
    User,
    create_permissions,
)
from manouche.authkit.signals import user_login_failed
from manouche.testsupport import DJANGO_PASSWORD_HASHERS as ALL_DJANGO_HASHERS
from manouche.testsupport import TEST_SECRET_KEY as SECRET


@pytest.fixture
def on_django_db(django_db: Any, fast_hashers: Any) -> Iterator[Any]:
    """orm-lite's default database is Django's file for the test; users emptied after."""
    from django.test import override_settings

    django_db.make_default()
    auth = authmod.Auth(secret_key=SECRET)
    cheap = ["django.contrib.auth.hashers.MD5PasswordHasher", *ALL_DJANGO_HASHERS]
    with override_settings(PASSWORD_HASHERS=cheap):
        yield auth
    from django.contrib.auth.models import Group as DjGroup
    from django.contrib.auth.models import User as DjUser

    DjUser.objects.all().delete()
    DjGroup.objects.all().delete()


def test_django_made_users_and_permissions_read_here(on_django_db: authmod.Auth) -> None:
    from django.contrib.auth.models import Group as DjGroup
    from django.contrib.auth.models import Permission as DjPermission
    from django.contrib.auth.models import User as DjUser

    editors = DjGroup.objects.create(name="editors")
    editors.permissions.add(DjPermission.objects.get(codename="change_group"))
    ann = DjUser.objects.create_user("ann", "ann@example.com", "s3cret-pass", first_name="Ann")
    ann.groups.add(editors)
    ann.user_permissions.add(DjPermission.objects.get(codename="view_user"))
    DjUser.objects.create_superuser("root", "root@example.com", "rootpw")
    DjUser.objects.create_user("off", password="pw", is_active=False).user_permissions.add(
        DjPermission.objects.get(codename="view_user")
    )

    here = User.objects.get(username="ann")
    assert here.first_name == "Ann" and here.email == "ann@example.com"
    assert here.check_password("s3cret-pass") and not here.check_password("nope")
    assert [g.name for g in here.groups.all()] == ["editors"]
    assert Permission.objects.count() == DjPermission.objects.count()
    assert {str(ct) for ct in ContentType.objects.all()} >= {"auth | user", "sessions | session"}
    perms = ["auth.change_group", "auth.view_user", "auth.add_user", "sessions.view_session"]
    for username in ("ann", "root", "off"):
        ours = User.objects.get(username=username)
        theirs = DjUser.objects.get(username=username)
        assert ours.get_all_permissions() == theirs.get_all_permissions()
        assert ours.get_group_permissions() == theirs.get_group_permissions()
        assert ours.get_user_permissions() == theirs.get_user_permissions()
        for perm in perms:
            assert ours.has_perm(perm) == theirs.has_perm(perm), (username, perm)
        for app in ("auth", "sessions", "polls"):
            assert ours.has_module_perms(app) == theirs.has_module_perms(app)
        assert ours.has_perms(perms[:2]) == theirs.has_perms(perms[:2])
    from django.contrib.auth.models import AnonymousUser as DjAnonymous

    assert AnonymousUser().has_perm("auth.view_user") is DjAnonymous().has_perm("auth.view_user")
    assert not AnonymousUser().is_authenticated and AnonymousUser().is_anonymous
    with pytest.raises(ValueError):
        here.has_perms("auth.view_user")


def test_users_written_here_are_read_by_django(on_django_db: authmod.Auth) -> None:
    from django.contrib.auth import authenticate as dj_authenticate
    from django.contrib.auth.models import User as DjUser

    group = Group.objects.create(name="staff-here")
    group.permissions.add(Permission.objects.get(codename="delete_user"))
    bo = User.objects.create_user("bo", "Bo@EXAMPLE.com", "pass-for-bo")
    bo.groups.add(group)
    assert bo.email == "Bo@example.com"
    theirs = DjUser.objects.get(username="bo")
    assert theirs.check_password("pass-for-bo")
    assert dj_authenticate(None, username="bo", password="pass-for-bo") == theirs
    assert theirs.has_perm("auth.delete_user") and not theirs.has_perm("auth.add_user")
    su = User.objects.create_superuser("chief", "c@example.com", "pw")
    assert DjUser.objects.get(username="chief").is_superuser
    with pytest.raises(ValueError, match="is_staff=True"):
        User.objects.create_superuser("x", password="pw", is_staff=False)
    with pytest.raises(ValueError, match="username must be set"):
        User.objects.create_user("")
    assert su.has_perm("anything.at_all")


def test_authenticate_and_the_login_failed_signal(on_django_db: authmod.Auth) -> None:
    User.objects.create_user("cy", password="right-pass")
    User.objects.create_user("dormant", password="right-pass", is_active=False)
    failed: list[dict[str, Any]] = []

    def receiver(sender: Any, **kw: Any) -> None:
        failed.append(kw["credentials"])

    user_login_failed.connect(receiver)
    try:
        user = authmod.authenticate(None, username="cy", password="right-pass")
        assert user is not None and user.username == "cy"
        assert user.backend == "manouche.authkit.auth.ModelBackend"
        assert authmod.authenticate(None, username="cy", password="wrong") is None
        assert authmod.authenticate(None, username="ghost", password="x") is None
        assert authmod.authenticate(None, username="dormant", password="right-pass") is None
        assert authmod.authenticate(None, token="abc") is None  # no backend takes it
    finally:
        user_login_failed.disconnect(receiver)
    assert failed[0] == {"username": "cy", "password": "********************"}
    assert failed[-1] == {"token": "********************"}
    assert len(failed) == 4


def test_outdated_hash_is_upgraded_on_login(on_django_db: authmod.Auth) -> None:
    old = User.objects.create_user("dee")
    old.password = hashers.make_password("pw", hasher="md5")
    old.save()
    assert authmod.authenticate(None, username="dee", password="pw") is not None
    stored = User.objects.get(username="dee").password
    assert stored.startswith("pbkdf2_sha256$1000$")
    from django.contrib.auth.hashers import check_password as dj_check

    assert dj_check("pw", stored)


def test_unknown_user_costs_one_hash_like_a_wrong_password(
    on_django_db: authmod.Auth, monkeypatch: pytest.MonkeyPatch
) -> None:
    User.objects.create_user("eve", password="right")
    calls: list[str] = []
    real = hashers._pbkdf2

    def counting(password: str, salt: str, iterations: int, digest: str) -> bytes:
        calls.append(password)
        return real(password, salt, iterations, digest)

    monkeypatch.setattr(hashers, "_pbkdf2", counting)
    authmod.authenticate(None, username="eve", password="guess")
    wrong = len(calls)
    calls.clear()
    authmod.authenticate(None, username="nobody-by-that-name", password="guess")
    assert wrong == len(calls) == 1


def test_create_permissions_for_a_new_model(on_django_db: authmod.Auth) -> None:
    from manouche import orm_lite as models

    class Poll(models.Model):
        title = models.CharField(max_length=10)

        class Meta:
            app_label = "pollsx"
            permissions = [("close_poll", "Can close polls")]

    made = create_permissions([Poll])
    assert sorted(p.codename for p in made) == [
        "add_poll",
        "change_poll",
        "close_poll",
        "delete_poll",
        "view_poll",
    ]
    assert create_permissions([Poll]) == []
    u = User.objects.create_user("fay", password="x")
    u.user_permissions.add(Permission.objects.get(codename="close_poll"))
    assert User.objects.get(pk=u.pk).has_perm("pollsx.close_poll")


def test_auth_options_are_checked() -> None:
    with pytest.raises(ValueError, match="secret_key"):
        authmod.Auth(secret_key="", default=False)
    with pytest.raises(TypeError, match="not an authentication backend"):
        authmod.Auth(secret_key="k", backends=[object()], default=False)  # type: ignore[list-item]
