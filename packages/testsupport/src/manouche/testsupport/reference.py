"""Django configured as the behavioural reference of differential tests, once."""

from __future__ import annotations

from typing import Any

#: A secret key for signing in tests, long enough for every signer; never a real one.
TEST_SECRET_KEY = "manouche-test-secret-" + "x" * 40

#: Every password hasher Django ships, so that the reference verifies any stored format.
DJANGO_PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.BCryptSHA256PasswordHasher",
    "django.contrib.auth.hashers.BCryptPasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
    "django.contrib.auth.hashers.MD5PasswordHasher",
]

#: What every reference setup shares; a suite overrides what it tests.
DEFAULTS: dict[str, Any] = {
    "DEBUG": False,
    "SECRET_KEY": "manouche-reference-tests-only",
    "ALLOWED_HOSTS": ["*"],
    "USE_TZ": True,
    "TIME_ZONE": "UTC",
    "USE_I18N": False,
    "INSTALLED_APPS": [],
    "MIDDLEWARE": [],
    "ROOT_URLCONF": None,
    "DATABASES": {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
    "DEFAULT_AUTO_FIELD": "django.db.models.BigAutoField",
}


def configure_django(**overrides: Any) -> Any:
    """Configure Django's settings for the reference and set Django up; return ``settings``.

    The settings are :data:`DEFAULTS` updated with ``overrides`` (Django's setting
    names). The call is idempotent: a later call with settings Django already has
    returns them unchanged; a later call asking for a different value raises
    ``RuntimeError`` naming the setting, since Django's settings cannot change once
    set up (two suites in one run must agree on the reference they share).
    """
    import django  # type: ignore[import-untyped]
    from django.conf import settings  # type: ignore[import-untyped]

    wanted = {**DEFAULTS, **overrides}
    if settings.configured:
        differ = sorted(
            name for name, value in overrides.items() if getattr(settings, name, None) != value
        )
        if differ:
            have = ", ".join(f"{n}={getattr(settings, n, None)!r}" for n in differ)
            want = ", ".join(f"{n}={overrides[n]!r}" for n in differ)
            raise RuntimeError(f"Django is already configured with {have}; this suite needs {want}")
    else:
        settings.configure(**wanted)
    django.setup()
    return settings
