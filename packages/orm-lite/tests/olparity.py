"""The parity models built with orm-lite (the same source as tests/djparity/models.py)."""

from manouche import orm_lite
from tests.shared_models import define

OL = define(orm_lite, "parity")
