"""The session table: Django's ``django_session``, as an orm-lite model."""

from __future__ import annotations

from manouche import orm_lite as models

__all__ = ["Session"]


class Session(models.Model):
    """One stored session (Django's ``django.contrib.sessions.models.Session``)."""

    session_key = models.CharField("session key", max_length=40, primary_key=True)
    session_data = models.TextField("session data")
    expire_date = models.DateTimeField("expire date", db_index=True)

    class Meta:
        app_label = "sessions"
        db_table = "django_session"
        verbose_name = "session"
        verbose_name_plural = "sessions"

    def __str__(self) -> str:
        return str(self.session_key)
