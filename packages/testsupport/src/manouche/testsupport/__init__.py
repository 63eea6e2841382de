"""Test support shared by the Manouche packages' own suites (workspace only).

Django configured once as the behavioural reference, HTML compared as Django's
test case compares it, one WSGI request made as a server makes it, and the
reference models declared once for both Django and orm-lite. Never published:
packages list it in their ``test`` extra only.
"""

from __future__ import annotations

from manouche.testsupport.errors import plain_errors
from manouche.testsupport.html import assert_html_equal, html_equal
from manouche.testsupport.models import (
    form_choice_models,
    form_profile_model,
    form_reference_models,
    serial_reference_models,
)
from manouche.testsupport.reference import (
    DJANGO_PASSWORD_HASHERS,
    TEST_SECRET_KEY,
    configure_django,
)
from manouche.testsupport.wsgi import call_wsgi

__all__ = [
    "DJANGO_PASSWORD_HASHERS",
    "TEST_SECRET_KEY",
    "assert_html_equal",
    "call_wsgi",
    "configure_django",
    "form_choice_models",
    "form_profile_model",
    "form_reference_models",
    "html_equal",
    "plain_errors",
    "serial_reference_models",
]
