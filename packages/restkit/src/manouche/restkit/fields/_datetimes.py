"""Fields that hold dates, times, date-times and durations."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from typing import Any

from manouche.restkit._i18n import gettext_noop as _
from manouche.restkit.fields._base import (
    Field,
)
from manouche.restkit.fields._scalars import (
    _NumberField,
)
from manouche.validation import parse_date, parse_datetime, parse_time

# -- dates and times ---------------------------------------------------------------

ISO_8601 = "iso-8601"


class DateTimeField(Field):
    """ISO 8601 date and time. Aware input stays aware; ``default_timezone`` makes naive aware."""

    default_error_messages = {
        "invalid": _("Datetime has wrong format. Use one of these formats instead: {format}."),
        "date": _("Expected a datetime but got a date."),
        "make_aware": _('Invalid datetime for the timezone "{timezone}".'),
        "overflow": _("Datetime value out of range."),
    }
    humanized = "YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z]"

    def __init__(
        self,
        format: str | None = ISO_8601,  # noqa: A002 - DRF's argument name
        input_formats: list[str] | None = None,
        default_timezone: datetime.tzinfo | None = None,
        **kwargs: Any,
    ) -> None:
        self.format = format
        self.input_formats = input_formats or [ISO_8601]
        self.timezone = default_timezone
        super().__init__(**kwargs)

    def enforce_timezone(self, value: datetime.datetime) -> datetime.datetime:
        if self.timezone is not None and value.tzinfo is None:
            value = value.replace(tzinfo=self.timezone)
        if value.tzinfo is not None:
            try:  # a database stores it in UTC: it must be representable there
                value.astimezone(datetime.UTC)
            except (OverflowError, ValueError):
                self.fail("overflow")
        return value

    def to_internal_value(self, value: Any) -> Any:
        if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
            self.fail("date")
        if isinstance(value, datetime.datetime):
            return self.enforce_timezone(value)
        for fmt in self.input_formats:
            if fmt.lower() == ISO_8601:
                try:
                    parsed = parse_datetime(value) if isinstance(value, str) else None
                except (ValueError, TypeError):
                    parsed = None
            else:
                try:
                    parsed = datetime.datetime.strptime(value, fmt)
                except (ValueError, TypeError):
                    parsed = None
            if parsed is not None:
                return self.enforce_timezone(parsed)
        humanized = ", ".join(self.humanized if f == ISO_8601 else f for f in self.input_formats)
        self.fail("invalid", format=humanized)

    def to_representation(self, value: Any) -> Any:
        if not value:
            return None
        if self.format is None or isinstance(value, str):
            return value
        if self.timezone is not None and value.tzinfo is None:
            value = value.replace(tzinfo=self.timezone)
        if self.format.lower() == ISO_8601:
            text = value.isoformat()
            return text[:-6] + "Z" if text.endswith("+00:00") else text
        return value.strftime(self.format)


class DateField(Field):
    default_error_messages = {
        "invalid": _("Date has wrong format. Use one of these formats instead: {format}."),
        "datetime": _("Expected a date but got a datetime."),
    }
    humanized = "YYYY-MM-DD"

    def __init__(
        self,
        format: str | None = ISO_8601,  # noqa: A002
        input_formats: list[str] | None = None,
        **kwargs: Any,
    ) -> None:
        self.format = format
        self.input_formats = input_formats or [ISO_8601]
        super().__init__(**kwargs)

    def to_internal_value(self, value: Any) -> Any:
        if isinstance(value, datetime.datetime):
            self.fail("datetime")
        if isinstance(value, datetime.date):
            return value
        parsed = _parse_with_formats(value, self.input_formats, parse_date, "date")
        if parsed is not None:
            return parsed
        humanized = ", ".join(self.humanized if f == ISO_8601 else f for f in self.input_formats)
        self.fail("invalid", format=humanized)

    def to_representation(self, value: Any) -> Any:
        if not value:
            return None
        if self.format is None or isinstance(value, str):
            return value
        if self.format.lower() == ISO_8601:
            return value.isoformat()
        return value.strftime(self.format)


def _parse_with_formats(
    value: Any, formats: list[str], iso: Callable[[str], Any], part: str
) -> Any:
    """The first of ``formats`` that reads ``value`` (``iso`` for ISO 8601, else
    ``strptime`` keeping its ``part``: ``"date"`` or ``"time"``), or ``None``."""
    for fmt in formats:
        try:
            if fmt.lower() == ISO_8601:
                parsed = iso(value) if isinstance(value, str) else None
            else:
                parsed = getattr(datetime.datetime.strptime(value, fmt), part)()
        except (ValueError, TypeError):
            parsed = None
        if parsed is not None:
            return parsed
    return None


class TimeField(Field):
    default_error_messages = {
        "invalid": _("Time has wrong format. Use one of these formats instead: {format}.")
    }
    humanized = "hh:mm[:ss[.uuuuuu]]"

    def __init__(
        self,
        format: str | None = ISO_8601,  # noqa: A002
        input_formats: list[str] | None = None,
        **kwargs: Any,
    ) -> None:
        self.format = format
        self.input_formats = input_formats or [ISO_8601]
        super().__init__(**kwargs)

    def to_internal_value(self, value: Any) -> Any:
        if isinstance(value, datetime.time):
            return value
        parsed = _parse_with_formats(value, self.input_formats, parse_time, "time")
        if parsed is not None:
            return parsed
        humanized = ", ".join(self.humanized if f == ISO_8601 else f for f in self.input_formats)
        self.fail("invalid", format=humanized)

    def to_representation(self, value: Any) -> Any:
        if value in (None, ""):
            return None
        if self.format is None or isinstance(value, str):
            return value
        if self.format.lower() == ISO_8601:
            return value.isoformat()
        return value.strftime(self.format)


_DURATION_RE = re.compile(
    r"^(?:(?P<days>-?\d+) (days?, )?)?(?P<sign>-?)((?:(?P<hours>\d+):)(?=\d+:\d+))?"
    r"(?:(?P<minutes>\d+):)?(?P<seconds>\d+)(?:[.,](?P<microseconds>\d{1,6})\d{0,6})?$"
)


class DurationField(_NumberField):
    default_error_messages = {
        "invalid": _("Duration has wrong format. Use one of these formats instead: {format}."),
        "max_value": _("Ensure this value is less than or equal to {max_value}."),
        "min_value": _("Ensure this value is greater than or equal to {min_value}."),
        "overflow": _("The number of days must be between {min_days} and {max_days}."),
    }

    def to_internal_value(self, value: Any) -> Any:
        if isinstance(value, datetime.timedelta):
            return value
        match = _DURATION_RE.match(str(value))
        if match:
            kw = match.groupdict()
            sign = -1 if kw.pop("sign", "+") == "-" else 1
            if kw.get("microseconds"):
                kw["microseconds"] = kw["microseconds"].ljust(6, "0")
            days = datetime.timedelta(float(kw.pop("days") or 0))
            try:
                return days + sign * datetime.timedelta(
                    **{k: float(x) for k, x in kw.items() if x is not None}
                )
            except OverflowError:
                self.fail(
                    "overflow",
                    min_days=datetime.timedelta.min.days,
                    max_days=datetime.timedelta.max.days,
                )
        self.fail("invalid", format="[DD] [HH:[MM:]]ss[.uuuuuu]")

    def to_representation(self, value: Any) -> Any:
        days, seconds, micro = value.days, value.seconds, value.microseconds
        minutes, seconds = divmod(seconds, 60)
        hours, minutes = divmod(minutes, 60)
        text = f"{hours:02d}:{minutes:02d}:{seconds:02d}"
        if days:
            text = f"{days} {text}"
        if micro:
            text += f".{micro:06d}"
        return text
