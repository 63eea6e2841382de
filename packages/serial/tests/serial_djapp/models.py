"""The test schema as Django models (the same declaration as serial_models')."""

from django.db import models

from manouche.testsupport import serial_reference_models

_models = serial_reference_models(models, app_label="serialtest", module=__name__)
Author = _models["Author"]
Tag = _models["Tag"]
Book = _models["Book"]
