"""The test schema as orm-lite models (the same declaration as serial_djapp's)."""

from manouche import orm_lite
from manouche.testsupport import serial_reference_models

_models = serial_reference_models(orm_lite, app_label="serialtest", module=__name__)
Author = _models["Author"]
Tag = _models["Tag"]
Book = _models["Book"]
