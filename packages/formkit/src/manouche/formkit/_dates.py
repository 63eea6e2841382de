"""The input formats of Django's default (English) locale, and a fast strptime.

ISO 8601 datetimes and durations are parsed by ``manouche.validation.dateparse``.
"""

from __future__ import annotations

import datetime
import re

DATE_INPUT_FORMATS = (
    "%Y-%m-%d",
    "%m/%d/%Y",
    "%m/%d/%y",
    "%b %d %Y",
    "%b %d, %Y",
    "%d %b %Y",
    "%d %b, %Y",
    "%B %d %Y",
    "%B %d, %Y",
    "%d %B %Y",
    "%d %B, %Y",
)
TIME_INPUT_FORMATS = ("%H:%M:%S", "%H:%M:%S.%f", "%H:%M")
DATETIME_INPUT_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M:%S.%f",
    "%Y-%m-%d %H:%M",
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y %H:%M:%S.%f",
    "%m/%d/%Y %H:%M",
    "%m/%d/%y %H:%M:%S",
    "%m/%d/%y %H:%M:%S.%f",
    "%m/%d/%y %H:%M",
)

_ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})")
_HM = re.compile(r"([0-9]{1,2}):([0-9]{1,2})")
_HMS = re.compile(r"([0-9]{1,2}):([0-9]{1,2}):([0-9]{1,2})")


def parse_date_format(value: str, format: str) -> datetime.datetime:
    """``datetime.strptime(value, format)``, with fast paths for the common formats.

    A fast path only answers when it accepts the value; anything else goes to
    ``strptime``, so results and errors are exactly strptime's.
    """
    try:
        if format == "%Y-%m-%d":
            if m := _ISO_DATE.fullmatch(value):
                year, month, day = int(m[1]), int(m[2]), int(m[3])
                if 1 <= month <= 12 and 1 <= day <= 31:
                    return datetime.datetime(year, month, day)
        elif format == "%H:%M:%S":
            if m := _HMS.fullmatch(value):
                hour, minute, second = int(m[1]), int(m[2]), int(m[3])
                if hour < 24 and minute < 60 and second < 60:
                    return datetime.datetime(1900, 1, 1, hour, minute, second)
        elif format == "%H:%M":
            if m := _HM.fullmatch(value):
                hour, minute = int(m[1]), int(m[2])
                if hour < 24 and minute < 60:
                    return datetime.datetime(1900, 1, 1, hour, minute)
    except ValueError:
        pass
    return datetime.datetime.strptime(value, format)
