"""Sessions with Django's ``request.session`` API on database, cache or signed-cookie storage."""

from manouche.authkit.sessions.backends import (
    BaseSessionEngine,
    CacheSessions,
    DatabaseSessions,
    FileSessions,
    SignedCookieSessions,
)
from manouche.authkit.sessions.base import (
    CreateError,
    SessionBase,
    SessionInterrupted,
    SessionStore,
    UpdateError,
)
from manouche.authkit.sessions.middleware import SessionMiddleware, get_session
from manouche.authkit.sessions.models import Session

__all__ = [
    "BaseSessionEngine",
    "CacheSessions",
    "CreateError",
    "DatabaseSessions",
    "FileSessions",
    "Session",
    "SessionBase",
    "SessionInterrupted",
    "SessionMiddleware",
    "SessionStore",
    "SignedCookieSessions",
    "UpdateError",
    "get_session",
]
