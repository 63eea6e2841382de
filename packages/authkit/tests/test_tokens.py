"""Password reset tokens: Django's tokens verify here, ours in Django; single use; expiry."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest

from manouche.authkit import tokens
from manouche.authkit.models import User
from manouche.testsupport import TEST_SECRET_KEY as SECRET


@pytest.fixture
def user(django_db: Any, fast_hashers: Any) -> Iterator[Any]:
    django_db.make_default()
    u = User.objects.create_user("tok", "tok@example.com", "old-pass")
    u.last_login = datetime(2026, 1, 2, 3, 4, 5, 678)
    u.save()
    yield User.objects.get(pk=u.pk)
    User.objects.filter(pk=u.pk).delete()


def test_tokens_both_ways_with_django(user: Any) -> None:
    from django.contrib.auth.models import User as DjUser
    from django.contrib.auth.tokens import PasswordResetTokenGenerator as DjGen

    theirs = DjUser.objects.get(pk=user.pk)
    gen = tokens.PasswordResetTokenGenerator(secret=SECRET)
    assert gen.check_token(user, DjGen().make_token(theirs))
    assert DjGen().check_token(theirs, gen.make_token(user))
    assert gen.make_token(user) == DjGen().make_token(theirs)


def test_single_use_and_expiry(user: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    gen = tokens.PasswordResetTokenGenerator(secret=SECRET, timeout=3600)
    token = gen.make_token(user)
    assert gen.check_token(user, token)
    user.set_password("new-pass")
    user.save()
    assert not gen.check_token(user, token)  # used: the password changed
    fresh = gen.make_token(user)
    later = datetime.now() + timedelta(seconds=3601)
    monkeypatch.setattr(gen, "_now", lambda: later)
    assert not gen.check_token(user, fresh)
    other = tokens.PasswordResetTokenGenerator(secret="another-secret", secret_fallbacks=[SECRET])
    monkeypatch.undo()
    assert other.check_token(user, gen.make_token(user))


@pytest.mark.parametrize(
    "bad", ["", None, "abc", "zzzzzzzzzzzzzz-abc", "1-2-3", "!!-abc", "1a-" + "0" * 20]
)
def test_malformed_tokens(user: Any, bad: str | None) -> None:
    assert not tokens.PasswordResetTokenGenerator(secret=SECRET).check_token(user, bad)


def test_uidb64_round_trip(user: Any) -> None:
    gen = tokens.PasswordResetTokenGenerator(secret=SECRET)
    uid, token = tokens.password_reset_link(user, gen)
    from django.utils.http import urlsafe_base64_encode as dj_encode

    assert uid == dj_encode(str(user.pk).encode())
    assert tokens.user_from_uidb64(User, uid) == user
    for bad in ("", "!!!", "OTk5OTk5", "é"):
        assert tokens.user_from_uidb64(User, bad) is None
    assert tokens.int_to_base36(123456) == "2n9c" and tokens.base36_to_int("2n9c") == 123456
    with pytest.raises(ValueError):
        tokens.int_to_base36(-1)
