"""A template library: filters and globals the polls templates use."""

from __future__ import annotations

from manouche.tplkit import Library

register = Library("polls")


@register.filter
def percent(part: int, whole: int) -> str:
    """``{{ choice.votes|percent(total) }}`` -> ``"40%"``."""
    return f"{round(100 * part / whole) if whole else 0}%"
