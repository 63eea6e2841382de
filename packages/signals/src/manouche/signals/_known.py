"""The well-known signals, with Django's names and keyword arguments.

Model signals (sent by manouche-orm-lite; the sender is the model class):

- ``pre_init(sender, args, kwargs)`` and ``post_init(sender, instance)``;
- ``pre_save(sender, instance, raw, using, update_fields)`` and
  ``post_save(sender, instance, created, raw, using, update_fields)``;
- ``pre_delete(sender, instance, using, origin)`` and
  ``post_delete(sender, instance, using, origin)``;
- ``m2m_changed(sender, instance, action, reverse, model, pk_set, using)``,
  the sender being the intermediate ("through") model.

Request signals (sent by manouche-httpkit):

- ``request_started(sender, environ)`` before a request is handled;
- ``request_finished(sender)`` when the server closes the response;
- ``got_request_exception(sender, request)`` when a view or middleware raised
  an exception that became a 500.
"""

from __future__ import annotations

from manouche.signals._dispatcher import Signal

__all__ = [
    "got_request_exception",
    "m2m_changed",
    "post_delete",
    "post_init",
    "post_save",
    "pre_delete",
    "pre_init",
    "pre_save",
    "request_finished",
    "request_started",
]

pre_init = Signal("pre_init", "Sent at the start of a model's __init__.", use_caching=True)
post_init = Signal("post_init", "Sent at the end of a model's __init__.", use_caching=True)
pre_save = Signal("pre_save", "Sent before a model instance is saved.", use_caching=True)
post_save = Signal("post_save", "Sent after a model instance is saved.", use_caching=True)
pre_delete = Signal("pre_delete", "Sent before a model instance is deleted.", use_caching=True)
post_delete = Signal("post_delete", "Sent after a model instance is deleted.", use_caching=True)
m2m_changed = Signal("m2m_changed", "Sent when a many-to-many relation changes.", use_caching=True)
request_started = Signal("request_started", "Sent when a request starts.")
request_finished = Signal("request_finished", "Sent when a response is closed.")
got_request_exception = Signal(
    "got_request_exception", "Sent when handling a request raised an exception."
)
