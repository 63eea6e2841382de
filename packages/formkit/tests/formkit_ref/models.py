"""Django twins of the orm-lite models of the ModelForm tests.

Every model comes from manouche-testsupport's one declaration, which the
formkit tests also use for the orm-lite side."""

from __future__ import annotations

from django.core import validators
from django.db import models as dm

from manouche.testsupport import form_choice_models, form_profile_model, form_reference_models

_shared = form_reference_models(dm, validators, app_label="formkit_ref")
Author = _shared["Author"]
Tag = _shared["Tag"]
Book = _shared["Book"]


Profile = form_profile_model(dm, app_label="formkit_ref")["Profile"]
_choice = form_choice_models(dm, app_label="formkit_ref")
Writer = _choice["Writer"]
Essay = _choice["Essay"]
Badge = _choice["Badge"]
