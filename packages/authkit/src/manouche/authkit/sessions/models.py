"""The session table: Django's ``django_session``, as an orm-lite model."""

from __future__ import annotations

from manouche import orm_lite as models
from manouche.authkit._i18n import gettext_lazy as _

__all__ = ["Session"]


class Session(models.Model):
    """One stored session (Django's ``django.contrib.sessions.models.Session``)."""

    session_key = models.CharField(_("session key"), max_length=40, primary_key=True)
    session_data = models.TextField(_("session data"))
    expire_date = models.DateTimeField(_("expire date"), db_index=True)

    class Meta:
        app_label = "sessions"
        db_table = "django_session"
        verbose_name = _("session")
        verbose_name_plural = _("sessions")

    def __str__(self) -> str:
        return str(self.session_key)
