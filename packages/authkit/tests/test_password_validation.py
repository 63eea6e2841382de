"""Password validators: the same verdicts, codes and messages as Django's."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.contrib.auth import password_validation as djv
from django.core.exceptions import ValidationError as DjangoValidationError

from manouche.authkit import password_validation as pv
from manouche.authkit.errors import ValidationError


def make_user() -> object:
    from django.contrib.auth.models import User

    return User(
        username="johnsmith", first_name="John", last_name="Smith", email="john.smith@example.com"
    )


USER = make_user()
PLAIN_USER = SimpleNamespace(username="johnsmith", email="john.smith@example.com")
CASES = [
    "short",
    "password",
    "12345678",
    "123",
    "johnsmith",
    "JohnSmith1",
    "smith.john",
    "correct horse battery staple",
    "qwertyuiop",
    "Tr0ub4dor&3",
    "x" * 40,
    "example.com",
    "1234567890123",
    "ZXCVBNM",
    "   letmein  ",
    "",
    "ñandú-über-42",
]


def django_result(password: str, user: object) -> list[tuple[str | None, str]]:
    validators = [
        djv.UserAttributeSimilarityValidator(),
        djv.MinimumLengthValidator(),
        djv.CommonPasswordValidator(),
        djv.NumericPasswordValidator(),
    ]
    try:
        djv.validate_password(password, user, validators)
    except DjangoValidationError as exc:
        return [
            (e.code, str(e.message % e.params if e.params else e.message)) for e in exc.error_list
        ]
    return []


def our_result(password: str, user: object) -> list[tuple[str | None, str]]:
    try:
        pv.validate_password(password, user)
    except ValidationError as exc:
        return list(zip(exc.codes, exc.messages, strict=True))
    return []


@pytest.mark.parametrize("password", CASES)
@pytest.mark.parametrize("user", [USER, None])
def test_same_verdicts_as_django(password: str, user: object) -> None:
    assert our_result(password, user) == django_result(password, user)


def test_options_and_help_texts() -> None:
    v = pv.MinimumLengthValidator(min_length=12)
    with pytest.raises(ValidationError) as info:
        v.validate("elevenchars")
    assert info.value.messages == [
        "This password is too short. It must contain at least 12 characters."
    ]
    assert pv.MinimumLengthValidator(1).get_help_text() == (
        "Your password must contain at least 1 character."
    )
    assert pv.password_validators_help_texts() == [
        str(v.get_help_text())
        for v in djv.get_password_validators(
            [
                {"NAME": "django.contrib.auth.password_validation." + n}
                for n in (
                    "UserAttributeSimilarityValidator",
                    "MinimumLengthValidator",
                    "CommonPasswordValidator",
                    "NumericPasswordValidator",
                )
            ]
        )
    ]
    html = pv.password_validators_help_text_html([pv.NumericPasswordValidator()])
    assert html == "<ul><li>Your password can’t be entirely numeric.</li></ul>"
    with pytest.raises(ValueError, match="max_similarity must be at least 0.1"):
        pv.UserAttributeSimilarityValidator(max_similarity=0.05)
    with pytest.raises(ValueError, match="min_length"):
        pv.MinimumLengthValidator(0)


def test_common_list_is_shipped_and_custom_lists_work(tmp_path: object) -> None:
    assert len(pv.CommonPasswordValidator().passwords) > 19000
    path = tmp_path / "mine.txt"  # type: ignore[operator]
    path.write_text("hunter2\nSwordfish \n")
    v = pv.CommonPasswordValidator(path)
    with pytest.raises(ValidationError):
        v.validate("HUNTER2")
    v.validate("password")  # not in this list
    with pytest.raises(ValueError, match="cannot read the common password list"):
        pv.CommonPasswordValidator(tmp_path / "missing.txt")  # type: ignore[operator]


def test_password_changed_calls_the_hooks() -> None:
    seen = []

    class History:
        def validate(self, password: str, user: object = None) -> None:
            pass

        def get_help_text(self) -> str:
            return ""

        def password_changed(self, password: str, user: object = None) -> None:
            seen.append(password)

    pv.password_changed("new", None, [History(), pv.NumericPasswordValidator()])
    assert seen == ["new"]


def test_plain_objects_name_the_attribute() -> None:
    with pytest.raises(ValidationError) as info:
        pv.UserAttributeSimilarityValidator().validate("johnsmith.example", PLAIN_USER)
    assert info.value.messages == ["The password is too similar to the email."]
