"""API tokens: one per user, stored as a SHA-256 digest (the key itself is shown once)."""

from __future__ import annotations

import hashlib
import secrets

from manouche import orm_lite as models
from manouche.authkit import User


def digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class ApiToken(models.Model):
    digest = models.CharField(max_length=64, unique=True)
    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="api_token")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        app_label = "polls_api"

    @classmethod
    def issue(cls, user: User) -> str:
        """A new key for ``user`` (replacing the old one); only its digest is stored."""
        key = secrets.token_hex(20)
        cls.objects.filter(user=user).delete()
        cls.objects.create(digest=digest(key), user=user)
        return key

    @classmethod
    def user_for(cls, key: str) -> User | None:
        token = cls.objects.select_related("user").filter(digest=digest(key)).first()
        return token.user if token is not None else None
