"""Date, time, datetime and duration fields."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from manouche.formkit import _i18n
from manouche.formkit._dates import (
    DATE_INPUT_FORMATS,
    DATETIME_INPUT_FORMATS,
    TIME_INPUT_FORMATS,
    parse_date_format,
)
from manouche.formkit._i18n import gettext_noop
from manouche.formkit._messages import resolve
from manouche.formkit.exceptions import ValidationError
from manouche.formkit.fields._base import Field
from manouche.formkit.widgets import (
    DateInput,
    DateTimeInput,
    TimeInput,
)
from manouche.validation.dateparse import duration_string, parse_datetime, parse_duration


class BaseTemporalField(Field):
    """Parses text with ``input_formats`` (strptime formats), first match wins."""

    input_formats: Sequence[str] = ()

    def __init__(self, *, input_formats: Sequence[str] | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if input_formats is not None:
            self.input_formats = list(input_formats)

    def to_python(self, value: Any) -> Any:
        if not isinstance(value, str):
            raise self.error("invalid")
        value = value.strip()
        for format in self.input_formats:
            try:
                return self.strptime(value, format)
            except (ValueError, TypeError):
                continue
        raise self.error("invalid")

    def strptime(self, value: str, format: str) -> Any:
        raise NotImplementedError("Subclasses must define strptime().")


class DateField(BaseTemporalField):
    """A date; accepts ``input_formats`` (ISO 8601 first) and cleans to ``datetime.date``."""

    widget = DateInput
    input_formats = DATE_INPUT_FORMATS
    default_error_messages = {"invalid": gettext_noop("Enter a valid date.")}

    def to_python(self, value: Any) -> Any:
        if value in self.empty_values:
            return None
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        if self.localize:
            localized = _i18n.parse_localized_date(value)
            if localized is not None:
                return localized
        return super().to_python(value)

    def strptime(self, value: str, format: str) -> Any:
        return parse_date_format(value, format).date()


class TimeField(BaseTemporalField):
    """A time of day; accepts ``input_formats`` and cleans to ``datetime.time``."""

    widget = TimeInput
    input_formats = TIME_INPUT_FORMATS
    default_error_messages = {"invalid": gettext_noop("Enter a valid time.")}

    def to_python(self, value: Any) -> Any:
        if value in self.empty_values:
            return None
        if isinstance(value, datetime.time):
            return value
        return super().to_python(value)

    def strptime(self, value: str, format: str) -> Any:
        return parse_date_format(value, format).time()


class DateTimeField(BaseTemporalField):
    """A datetime: ISO 8601 first (offsets kept), then ``input_formats``.

    With ``timezone`` (a :class:`datetime.tzinfo`), naive results are taken
    as local time in that zone and made aware, and aware values are shown in
    it; without, naive values stay naive (Django's ``USE_TZ = False``).
    """

    widget = DateTimeInput
    input_formats = (*DATETIME_INPUT_FORMATS, *DATE_INPUT_FORMATS)
    default_error_messages = {"invalid": gettext_noop("Enter a valid date/time.")}

    def __init__(self, *, timezone: datetime.tzinfo | None = None, **kwargs: Any) -> None:
        self.timezone = timezone
        super().__init__(**kwargs)

    def _localize(self, value: datetime.datetime) -> datetime.datetime:
        if self.timezone is not None and value.tzinfo is None:
            return value.replace(tzinfo=self.timezone)
        return value

    def prepare_value(self, value: Any) -> Any:
        if (
            isinstance(value, datetime.datetime)
            and self.timezone is not None
            and value.tzinfo is not None
        ):
            return value.astimezone(self.timezone)
        return value

    def to_python(self, value: Any) -> Any:
        if value in self.empty_values:
            return None
        if isinstance(value, datetime.datetime):
            return self._localize(value)
        if isinstance(value, datetime.date):
            return self._localize(datetime.datetime(value.year, value.month, value.day))
        if not isinstance(value, str):
            raise self.error("invalid")
        try:
            result = parse_datetime(value.strip())
        except ValueError:
            raise self.error("invalid") from None
        if result is None:
            result = super().to_python(value)
        return self._localize(result)

    def strptime(self, value: str, format: str) -> Any:
        return parse_date_format(value, format)


class DurationField(Field):
    """A timedelta from ``[D ][HH:[MM:]]SS[.ffffff]``, ISO 8601 or PostgreSQL's format."""

    default_error_messages = {
        "invalid": gettext_noop("Enter a valid duration."),
        "overflow": gettext_noop("The number of days must be between {min_days} and {max_days}."),
    }

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, datetime.timedelta):
            return duration_string(value)
        return value

    def to_python(self, value: Any) -> Any:
        if value in self.empty_values:
            return None
        if isinstance(value, datetime.timedelta):
            return value
        try:
            result = parse_duration(str(value))
        except OverflowError:
            message = resolve(self.error_messages["overflow"]).format(
                min_days=datetime.timedelta.min.days, max_days=datetime.timedelta.max.days
            )
            raise ValidationError(message, code="overflow") from None
        if result is None:
            raise self.error("invalid")
        return result
