"""Django configured as the behavioural reference, and cheap hashers for speed."""

from __future__ import annotations

import os
import tempfile

DJANGO_DB = os.path.join(tempfile.mkdtemp(prefix="authkit-parity-"), "django.sqlite3")
SECRET = "authkit-test-secret-" + "x" * 40

ALL_DJANGO_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.BCryptSHA256PasswordHasher",
    "django.contrib.auth.hashers.BCryptPasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
    "django.contrib.auth.hashers.MD5PasswordHasher",
]


def pytest_configure() -> None:
    import django
    from django.conf import settings

    if not settings.configured:
        settings.configure(
            SECRET_KEY=SECRET,
            DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": DJANGO_DB}},
            INSTALLED_APPS=[
                "django.contrib.contenttypes",
                "django.contrib.auth",
                "django.contrib.sessions",
                "django.contrib.messages",
            ],
            PASSWORD_HASHERS=ALL_DJANGO_HASHERS,
            USE_TZ=True,
            DEFAULT_AUTO_FIELD="django.db.models.AutoField",
            ALLOWED_HOSTS=["*"],
        )
        django.setup()
