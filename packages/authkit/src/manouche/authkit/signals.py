"""The auth signals, with Django's names and arguments (blinker signal objects).

- ``user_logged_in(sender=user class, request, user)``
- ``user_logged_out(sender=user class or NoneType, request, user)``
- ``user_login_failed(sender="manouche.authkit.auth", credentials, request)``:
  the credentials with passwords, tokens and keys masked.
"""

from __future__ import annotations

from manouche.signals import Signal

__all__ = ["user_logged_in", "user_logged_out", "user_login_failed"]

user_logged_in = Signal("user_logged_in", "Sent after a user logged in.")
user_logged_out = Signal("user_logged_out", "Sent before a user's session is flushed on logout.")
user_login_failed = Signal("user_login_failed", "Sent when authenticate() found no user.")
