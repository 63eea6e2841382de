"""A model's full_clean() and its ModelForm agree on every value.

Both stand on manouche-validation (the same validators, the same
ValidationError), so the same text fed to an orm-lite model's
``full_clean()`` and to a formkit ModelForm of that model is valid in both or
invalid in both, with the same error codes.

Where Django's own model fields and form fields differ, so do ours, and the
inputs leave those cases out: a form strips surrounding spaces and calls an
empty value ``required``, reads the locale's input formats (``05/01/2024``)
and adds ``http://`` to a URL without a scheme; a date that is well formed but
does not exist is ``invalid_date`` for a model field, ``invalid`` for a form.
"""

from __future__ import annotations

import random
from typing import Any

import pytest

from manouche import formkit
from manouche import orm_lite as models


class Contact(models.Model):
    email = models.EmailField()
    website = models.URLField()
    handle = models.SlugField(max_length=12)
    nickname = models.CharField(max_length=5)
    rating = models.IntegerField(
        validators=[models.MinValueValidator(1), models.MaxValueValidator(10)]
    )
    age = models.PositiveSmallIntegerField()
    size = models.CharField(max_length=1, choices=[("s", "Small"), ("l", "Large")])
    ip = models.GenericIPAddressField()
    born = models.DateField()
    price = models.DecimalField(max_digits=5, decimal_places=2)

    class Meta:
        app_label = "agreement"


class ContactForm(formkit.ModelForm):
    class Meta:
        model = Contact
        fields = "__all__"


EMAILS = [
    "ann@example.com",
    "ann@example..com",
    "ann@localhost",
    "ann@[127.0.0.1]",
    "ann@-x.com",
    "ann@x",
    "ann@exa_mple.com",
    "a b@example.com",
    '"a b"@example.com',
    "ann@example.com.",
    "ann@xn--bcher-kva.example",
    "ann@bücher.example",
    "ann@123.123.123.123",
    "ann",
]
URLS = [
    "http://example.com",
    "https://example.com/path?q=1#f",
    "http://localhost:8000/",
    "http://exa mple.com",
    "http://example",
    "ftp://files.example.com",
    "mailto:ann@example.com",
    "http://[::1]:80/",
    "http://256.0.0.1",
    "http://-bad.com",
    "http://example.com:99999",
    "javascript:alert(1)",
    "http://user:pw@example.com",
]
VALUES: dict[str, list[str]] = {
    "email": EMAILS,
    "website": URLS,
    "handle": ["a-b_c", "a b", "ñandú", "x" * 12, "x" * 13, "a.b"],
    "nickname": ["abc", "abcde", "abcdef", "a\x00b"],
    "rating": ["1", "10", "0", "11", "x", "2x5", "-3"],
    "age": ["0", "32767", "32768", "-1", "7"],
    "size": ["s", "l", "m", "S"],
    "ip": ["1.2.3.4", "::1", "256.1.1.1", "1.2.3", "::ffff:1.2.3.4", "fe80::1"],
    "born": ["2024-02-29", "2023-02-29", "2024-1-5", "2024-01-05T10:00", "tomorrow"],
    "price": ["1.5", "123.45", "1234.5", "1.234", "x", "NaN", "-0.01"],
}


def _model_outcome(field: str, text: str) -> Any:
    instance = Contact()
    setattr(instance, Contact._meta.get_field(field).attname, text)
    try:
        instance.full_clean(validate_unique=False, validate_constraints=False)
    except formkit.ValidationError as error:
        errors = error.error_dict.get(field)
        if errors:
            return sorted(_SAME_FOR_FORMS.get(str(e.code), str(e.code)) for e in errors)
    return "ok"


# Django's model fields say which part of a date was wrong; its form fields do not.
_SAME_FOR_FORMS = {"invalid_date": "invalid", "invalid_datetime": "invalid"}


def _form_outcome(field: str, text: str) -> Any:
    form = ContactForm({field: text})
    form.is_valid()
    errors = form.errors.as_data().get(field)
    if errors:
        return sorted(str(e.code) for e in errors)
    return "ok"


# Random edits stay clear of Django's own differences: a form's IntegerField
# reads "3." as 3, and a model's GenericIPAddressField has no NUL check.
_ALPHABETS = {
    "born": "0123456789-",
    "rating": "0123456789-x",
    "age": "0123456789-x",
    "ip": "0123456789abcdef:.%x",
}


@pytest.mark.parametrize("field", sorted(VALUES))
def test_full_clean_and_the_model_form_agree(field: str) -> None:
    rng = random.Random(field)
    texts = list(VALUES[field])
    # Plus random edits of them: a character inserted, dropped or replaced.
    alphabet = _ALPHABETS.get(field, "a.@-_:/1[]é\x00")
    for _ in range(200):
        chars = list(rng.choice(VALUES[field]))
        where = rng.randrange(len(chars) + 1)
        roll = rng.random()
        if roll < 0.4 or not chars:
            chars.insert(where, rng.choice(alphabet))
        elif roll < 0.7:
            del chars[min(where, len(chars) - 1)]
        else:
            chars[min(where, len(chars) - 1)] = rng.choice(alphabet)
        texts.append("".join(chars).strip())
    disagree = [
        (text, model, form)
        for text in texts
        if text and (model := _model_outcome(field, text)) != (form := _form_outcome(field, text))
    ]
    assert disagree == []


def test_the_weak_email_check_is_gone() -> None:
    # orm-lite used to accept this with its own regular expression; a form did not.
    assert _model_outcome("email", "ann@example..com") == ["invalid"]
    assert _form_outcome("email", "ann@example..com") == ["invalid"]


def test_one_validation_error_class_everywhere() -> None:
    from manouche import validation
    from manouche.formkit import exceptions as formkit_exceptions

    assert models.ValidationError is validation.ValidationError
    assert formkit.ValidationError is validation.ValidationError
    assert formkit_exceptions.ValidationError is validation.ValidationError
    assert formkit.validators.validate_email is validation.validate_email
    assert models.NON_FIELD_ERRORS == formkit.NON_FIELD_ERRORS == validation.NON_FIELD_ERRORS
