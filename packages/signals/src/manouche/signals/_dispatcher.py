"""``Signal``: Django's dispatcher API on a ``blinker.NamedSignal``.

Every connection is one ``(receiver, sender)`` pair, kept in connection
order in an immutable tuple that ``connect``/``disconnect`` replace under a
lock (copy on write). A send reads the tuple once and never takes the lock,
so a receiver connected or disconnected from another thread during a send
neither breaks it nor changes what it calls. blinker's registry
(``receivers``, keyed by receiver, and its by-sender/by-receiver indexes) is
kept in step, so ``if signal.receivers:``, ``has_receivers_for()``,
``connect_via()``, ``connected_to()`` and ``muted()`` work as blinker
documents them.

Weak references are cleaned lazily, as Django does: a collected receiver or
sender only raises a flag (garbage collection may run while the lock is
held); the next connect, disconnect or send removes the dead connections.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import threading
import weakref
from collections.abc import (
    Awaitable,
    Callable,
    Generator,
    Hashable,
    Iterable,
    Iterator,
    Sequence,
)
from contextlib import contextmanager
from typing import Any, Final, TypeVar

from blinker import ANY, NamedSignal
from blinker import Signal as BlinkerSignal
from blinker._utilities import make_id, make_ref

from manouche.signals._calling import (
    KEYWORD,
    KEYWORD_SIGNAL,
    POSITIONAL_SIGNAL,
    accepts_kwargs,
    calling_style,
    first_positional,
)
from manouche.signals._debug import is_debug

__all__ = ["Signal", "receiver"]

F = TypeVar("F", bound=Callable[..., Any])
Responses = list[tuple[Callable[..., Any], Any]]

logger = logging.getLogger("manouche.signals")

# blinker's key for "any sender" in its by-sender index.
_BLINKER_ANY_ID: Final = 0
# The most distinct senders whose receiver lists are cached per snapshot.
_PLAN_CACHE_SIZE: Final = 512


class _NoSender:
    def __repr__(self) -> str:
        return "<no sender>"


_NO_SENDER: Final = _NoSender()


def _is_async(receiver: Callable[..., Any]) -> bool:
    if inspect.iscoroutinefunction(receiver):
        return True
    if not inspect.isroutine(receiver) and not isinstance(receiver, type):
        # A callable object whose __call__ is a coroutine function.
        return inspect.iscoroutinefunction(getattr(receiver, "__call__", None))  # noqa: B004
    return False


def _invoke(
    receiver: Callable[..., Any],
    style: int,
    signal: Signal,
    sender: Any,
    named: dict[str, Any],
    first: str | None = None,
) -> Any:
    if style == KEYWORD_SIGNAL:
        return receiver(signal=signal, sender=sender, **named)
    if style == POSITIONAL_SIGNAL:
        if first is not None and first in named:
            # def r(val, **kwargs) sent val=...: Django's all-keyword call.
            return receiver(signal=signal, sender=sender, **named)
        return receiver(sender, signal=signal, **named)
    if style == KEYWORD:
        return receiver(sender=sender, **named)
    return receiver(sender, **named)


# What a send needs of a connection: (strong receiver or None, weak
# reference or None, calling style, name of the first positional parameter
# of a positional-style receiver that takes **kwargs).
_Item = tuple[Callable[..., Any] | None, "weakref.ref[Callable[..., Any]] | None", int, str | None]
# A live receiver with its calling style and first positional name.
_Call = tuple[Callable[..., Any], int, str | None]
# The items to call for one sender: (sync items, async items), each in
# connection order (Django calls the sync receivers first).
_Plan = tuple[tuple[_Item, ...], tuple[_Item, ...]]


class _Connection:
    """One ``connect()`` call: a receiver for a sender (``skey`` None: any)."""

    __slots__ = (
        "first",
        "is_async",
        "item",
        "ref",
        "rkey",
        "sender_ref",
        "skey",
        "strong",
        "style",
    )

    def __init__(
        self,
        rkey: Hashable,
        skey: Hashable | None,
        strong: Callable[..., Any] | None,
        ref: weakref.ref[Callable[..., Any]] | None,
        sender_ref: weakref.ref[Any] | None,
        is_async: bool,
        style: int,
        first: str | None,
    ) -> None:
        self.rkey = rkey
        self.skey = skey
        self.strong = strong
        self.ref = ref
        self.sender_ref = sender_ref
        self.is_async = is_async
        self.style = style
        self.first = first
        self.item: _Item = (strong, ref, style, first)

    @property
    def blinker_sender_id(self) -> Hashable:
        return _BLINKER_ANY_ID if self.skey is None else self.skey

    def receiver(self) -> Callable[..., Any] | None:
        return self.strong if self.ref is None else self.ref()

    def is_dead(self) -> bool:
        return (self.ref is not None and self.ref() is None) or (
            self.sender_ref is not None and self.sender_ref() is None
        )


def _plan(connections: Iterable[_Connection]) -> _Plan:
    connections = list(connections)
    return (
        tuple(c.item for c in connections if not c.is_async),
        tuple(c.item for c in connections if c.is_async),
    )


class _Receivers(dict[Any, Any]):
    """blinker's ``receivers`` map, also equal to ``[]`` when empty.

    Django's ``Signal.receivers`` is a list, and code written for Django
    checks that nothing is left connected with ``signal.receivers == []``;
    the comparison means the same here. Any other comparison is a dict's.
    """

    __hash__ = None

    def __eq__(self, other: object) -> bool:
        if isinstance(other, list) and not other:
            return not self
        return dict.__eq__(self, other)

    def __ne__(self, other: object) -> bool:
        return not self == other


class _State:
    """An immutable snapshot of the connections, with its own plan cache.

    A sender-specific connection is only in the plan of its sender's key.
    The key of a live object is unique; when a sender dies its connections
    are flagged dead at once (weak reference callback) and removed before
    the next send, so an object reusing the id never sees them.
    """

    __slots__ = ("any_only", "any_plan", "connections", "plans")

    def __init__(self, connections: tuple[_Connection, ...]) -> None:
        self.connections = connections
        self.any_only = all(c.skey is None for c in connections)
        self.any_plan: _Plan = _plan(connections) if self.any_only else ((), ())
        # sender key -> the plan for that sender.
        self.plans: dict[Hashable, _Plan] = {}

    def plan(self, sender: Any) -> _Plan:
        if self.any_only:
            return self.any_plan
        key = make_id(sender)
        plan = self.plans.get(key)
        if plan is None:
            plan = _plan(c for c in self.connections if c.skey is None or c.skey == key)
            if len(self.plans) >= _PLAN_CACHE_SIZE:
                self.plans.clear()
            self.plans[key] = plan
        return plan

    def matching(self, sender: Any) -> Iterator[_Connection]:
        """The connections for ``sender``, sync and async, in connection order."""
        key = make_id(sender)
        for c in self.connections:
            if c.skey is None or c.skey == key:
                yield c


_EMPTY_STATE: Final = _State(())


class Signal(NamedSignal):
    """A signal with Django's dispatcher API; a ``blinker.NamedSignal``.

    ``Signal()`` works as Django's does; ``name`` and ``doc`` are blinker's.
    Receivers are called in the order they were connected, the way Django
    calls them: ``receiver(signal=self, sender=sender, **named)``, or
    blinker's ``receiver(sender, **named)`` when that is what the receiver's
    signature takes (see :mod:`manouche.signals._calling`).

    Parameters:
        name: the signal's name (blinker's ``NamedSignal.name``).
        doc: the signal's docstring.
        use_caching: accepted for compatibility with Django's ``Signal``;
            receiver lists are always cached per sender here, and the cache
            is dropped on every connect and disconnect.
    """

    def __init__(
        self, name: str = "anonymous", doc: str | None = None, *, use_caching: bool = False
    ) -> None:
        super().__init__(name, doc)
        self.receivers = _Receivers()
        self.use_caching = use_caching
        self._lock = threading.Lock()
        self._state: _State = _EMPTY_STATE
        self._dead = False

    # -- connecting ------------------------------------------------------------

    def connect(
        self,
        receiver: F,
        sender: Any = None,
        weak: bool = True,
        dispatch_uid: Hashable | None = None,
    ) -> F:
        """Connect ``receiver`` to this signal for ``sender``.

        Parameters:
            receiver: a function, bound method or callable object, sync or
                async (``async def``); it is called with the sender and the
                keyword arguments given to :meth:`send`.
            sender: call ``receiver`` only for this sender; ``None`` (Django)
                or ``blinker.ANY`` (blinker) for every sender. The connection
                is dropped when a weak-referenceable sender is collected.
            weak: hold ``receiver`` through a weak reference, so it is
                disconnected when it is garbage collected.
            dispatch_uid: identifies the connection instead of the receiver,
                so connecting twice with the same uid (and sender) connects
                once.

        A ``(receiver, sender)`` pair, or ``(dispatch_uid, sender)``, that is
        already connected is not connected again. Returns ``receiver``.
        """
        if not callable(receiver):
            raise TypeError(f"Signal receivers must be callable. Got {receiver!r}.")
        if is_debug() and not accepts_kwargs(receiver):
            raise ValueError(
                "Signal receivers must accept keyword arguments (**kwargs). "
                f"{getattr(receiver, '__qualname__', receiver)!r} does not "
                "(debug check, see manouche.signals.set_debug)."
            )
        rkey: Hashable = ("dispatch_uid", dispatch_uid) if dispatch_uid else make_id(receiver)
        any_sender = sender is None or sender is ANY
        skey = None if any_sender else make_id(sender)
        strong: Callable[..., Any] | None = None
        ref: weakref.ref[Callable[..., Any]] | None = None
        if weak:
            try:
                ref = make_ref(receiver, self._flag_dead)
            except TypeError:
                raise TypeError(
                    f"Cannot hold a weak reference to the receiver {receiver!r}; "
                    "connect it with weak=False"
                ) from None
        else:
            strong = receiver
        sender_ref: weakref.ref[Any] | None = None
        if not any_sender:
            try:
                sender_ref = weakref.ref(sender, self._flag_dead)
            except TypeError:
                sender_ref = None
        style = calling_style(receiver)
        connection = _Connection(
            rkey,
            skey,
            strong,
            ref,
            sender_ref,
            _is_async(receiver),
            style,
            first_positional(receiver) if style == POSITIONAL_SIGNAL else None,
        )
        with self._lock:
            self._clear_dead_locked()
            current = self._state.connections
            if any(c.rkey == rkey and c.skey == skey for c in current):
                return receiver
            self.receivers[rkey] = ref if ref is not None else receiver
            bsid = connection.blinker_sender_id
            self._by_sender[bsid].add(rkey)
            self._by_receiver[rkey].add(bsid)
            self._state = _State((*current, connection))
        if "receiver_connected" in self.__dict__ and self.receiver_connected.receivers:
            try:
                self.receiver_connected.send(
                    self, receiver=receiver, sender=ANY if any_sender else sender, weak=weak
                )
            except TypeError:
                self.disconnect(receiver, sender, dispatch_uid)
                raise
        return receiver

    def disconnect(  # type: ignore[override]
        self,
        receiver: Callable[..., Any] | None = None,
        sender: Any = None,
        dispatch_uid: Hashable | None = None,
    ) -> bool:
        """Disconnect a receiver; ``True`` if something was disconnected.

        As in Django, the connection is found by ``(receiver, sender)``, or by
        ``(dispatch_uid, sender)`` when ``dispatch_uid`` is given, so
        ``disconnect(fn)`` removes only ``fn``'s any-sender connection. Pass
        ``sender=blinker.ANY`` to remove every connection of the receiver,
        as blinker's ``disconnect`` does.
        """
        if dispatch_uid:
            rkey: Hashable = ("dispatch_uid", dispatch_uid)
        elif receiver is not None:
            rkey = make_id(receiver)
        else:
            raise TypeError("disconnect() needs a receiver or a dispatch_uid")
        every_sender = sender is ANY
        skey = None if sender is None or every_sender else make_id(sender)
        with self._lock:
            self._clear_dead_locked()
            current = self._state.connections
            if every_sender:
                removed = [c for c in current if c.rkey == rkey]
            else:
                removed = [c for c in current if c.rkey == rkey and c.skey == skey][:1]
            if removed:
                kept = tuple(c for c in current if c not in removed)
                self._forget(removed, kept)
                self._state = _State(kept)
        if (
            receiver is not None
            and "receiver_disconnected" in self.__dict__
            and self.receiver_disconnected.receivers
        ):
            self.receiver_disconnected.send(self, receiver=receiver, sender=sender)
        return bool(removed)

    @contextmanager
    def connected_to(
        self, receiver: Callable[..., Any], sender: Any = ANY
    ) -> Generator[None, None, None]:
        """Connect ``receiver`` (strongly) while the ``with`` block runs."""
        self.connect(receiver, sender=sender, weak=False)
        try:
            yield None
        finally:
            self.disconnect(receiver, sender=sender)

    def has_listeners(self, sender: Any = None) -> bool:
        """Whether a live receiver would be called for ``sender``."""
        sync, async_ = self._live(sender)
        return bool(sync or async_)

    def has_receivers_for(self, sender: Any) -> bool:
        """blinker's name for :meth:`has_listeners` (``ANY``: any-sender receivers)."""
        return self.has_listeners(None if sender is ANY else sender)

    def receivers_for(self, sender: Any) -> Generator[Callable[..., Any], None, None]:
        """Each live receiver that would be called for ``sender``, once, in order."""
        seen: set[int] = set()
        for receiver, _style, _first, _is_async in self._iter_live(
            None if sender is ANY else sender
        ):
            if id(receiver) not in seen:
                seen.add(id(receiver))
                yield receiver

    # -- sending ---------------------------------------------------------------

    def send(self, sender: Any = _NO_SENDER, /, **named: Any) -> Responses:
        """Call every receiver connected for ``sender`` (or for any sender).

        Returns ``[(receiver, response), ...]``. An exception raised by a
        receiver propagates and the remaining receivers are not called. Sync
        receivers are called first, in connection order; async receivers
        are then run concurrently in an event loop of their own (from inside
        a running event loop, use :meth:`asend`). The sender may be given by
        position (blinker) or as ``sender=`` (Django).
        """
        if sender is _NO_SENDER:
            sender = named.pop("sender", None)
        elif "sender" in named:
            raise TypeError("send() got multiple values for argument 'sender'")
        if not self.receivers or self.is_muted:
            return []
        async_wrapper = named.pop("_async_wrapper", None) if "_async_wrapper" in named else None
        if async_wrapper is not None:
            return self._send_wrapped(sender, named, async_wrapper)
        if self._dead:
            self._clear_dead()
        state = self._state
        sync, async_ = state.any_plan if state.any_only else state.plan(sender)
        responses: Responses = []
        for strong, ref, style, first in sync:
            receiver = strong if ref is None else ref()
            if receiver is None:
                continue
            if style == KEYWORD_SIGNAL:
                responses.append((receiver, receiver(signal=self, sender=sender, **named)))
            else:
                responses.append((receiver, _invoke(receiver, style, self, sender, named, first)))
        if async_:
            pending = []
            for strong, ref, style, first in async_:
                receiver = strong if ref is None else ref()
                if receiver is not None:
                    pending.append((receiver, style, first))
            if pending:
                responses.extend(self._run_async(pending, sender, named, robust=False))
        return responses

    def _send_wrapped(
        self,
        sender: Any,
        named: dict[str, Any],
        async_wrapper: Callable[[Callable[..., Any]], Callable[..., Any]],
    ) -> Responses:
        """blinker's ``send(..., _async_wrapper=...)``: every receiver in
        connection order, async ones through the wrapper."""
        responses: Responses = []
        for receiver, style, first, is_async in self._iter_live(sender):
            call = async_wrapper(receiver) if is_async else receiver
            responses.append((receiver, _invoke(call, style, self, sender, named, first)))
        return responses

    def send_robust(self, sender: Any = _NO_SENDER, /, **named: Any) -> Responses:
        """Like :meth:`send`, but an ``Exception`` raised by a receiver is
        logged (logger ``manouche.signals``) and returned as its response,
        and every receiver is called."""
        if sender is _NO_SENDER:
            sender = named.pop("sender", None)
        elif "sender" in named:
            raise TypeError("send_robust() got multiple values for argument 'sender'")
        if self.is_muted:
            return []
        sync, async_ = self._live(sender)
        responses: Responses = []
        for receiver, style, first in sync:
            try:
                response = _invoke(receiver, style, self, sender, named, first)
            except Exception as err:
                self._log_robust_failure(receiver, err)
                response = err
            responses.append((receiver, response))
        if async_:
            responses.extend(self._run_async(async_, sender, named, robust=True))
        return responses

    async def asend(self, sender: Any = _NO_SENDER, /, **named: Any) -> Responses:
        """Send from async code: ``await signal.asend(sender, **named)``.

        As Django's ``asend``: the sync receivers run one after the other in
        a worker thread (``asyncio.to_thread``, which carries the caller's
        context variables), concurrently with the async receivers, which run
        together under ``asyncio.gather``. Sync responses come first.
        """
        if sender is _NO_SENDER:
            sender = named.pop("sender", None)
        elif "sender" in named:
            raise TypeError("asend() got multiple values for argument 'sender'")
        return await self._asend(sender, named, robust=False)

    async def asend_robust(self, sender: Any = _NO_SENDER, /, **named: Any) -> Responses:
        """:meth:`asend` with :meth:`send_robust`'s error handling."""
        if sender is _NO_SENDER:
            sender = named.pop("sender", None)
        elif "sender" in named:
            raise TypeError("asend_robust() got multiple values for argument 'sender'")
        return await self._asend(sender, named, robust=True)

    async def send_async(
        self,
        sender: Any | None = None,
        /,
        *,
        _sync_wrapper: Callable[[Callable[..., Any]], Callable[..., Awaitable[Any]]] | None = None,
        **kwargs: Any,
    ) -> Responses:
        """blinker's ``send_async``: await each receiver in connection order.

        A sync receiver needs ``_sync_wrapper`` (blinker's contract); Django's
        :meth:`asend` runs sync receivers without one.
        """
        if self.is_muted:
            return []
        responses: Responses = []
        for receiver, style, first, is_async in self._iter_live(sender):
            if is_async:
                result = await _invoke(receiver, style, self, sender, kwargs, first)
            elif _sync_wrapper is None:
                raise RuntimeError("Cannot send to a non-coroutine function.")
            else:
                result = await _invoke(_sync_wrapper(receiver), style, self, sender, kwargs, first)
            responses.append((receiver, result))
        return responses

    # -- internals -------------------------------------------------------------

    def _iter_live(self, sender: Any) -> Iterator[tuple[Callable[..., Any], int, str | None, bool]]:
        if self._dead:
            self._clear_dead()
        for connection in self._state.matching(sender):
            receiver = connection.receiver()
            if receiver is not None:
                yield receiver, connection.style, connection.first, connection.is_async

    def _live(self, sender: Any) -> tuple[list[_Call], list[_Call]]:
        sync: list[_Call] = []
        async_: list[_Call] = []
        for receiver, style, first, is_async in self._iter_live(sender):
            (async_ if is_async else sync).append((receiver, style, first))
        return sync, async_

    async def _acall(
        self,
        receiver: Callable[..., Any],
        style: int,
        first: str | None,
        sender: Any,
        named: dict[str, Any],
        robust: bool,
    ) -> Any:
        if not robust:
            return await _invoke(receiver, style, self, sender, named, first)
        try:
            return await _invoke(receiver, style, self, sender, named, first)
        except Exception as err:
            self._log_robust_failure(receiver, err)
            return err

    def _run_async(
        self,
        pending: list[_Call],
        sender: Any,
        named: dict[str, Any],
        robust: bool,
    ) -> Responses:
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            pass
        else:
            raise RuntimeError(
                f"{self!r} has async receivers and send() was called inside a running "
                "event loop; use 'await signal.asend(...)' there"
            )

        async def gather() -> list[Any]:
            return await asyncio.gather(
                *(self._acall(r, st, fp, sender, named, robust) for r, st, fp in pending)
            )

        results = asyncio.run(gather())
        return [
            (receiver, result) for (receiver, _, _), result in zip(pending, results, strict=True)
        ]

    async def _asend(self, sender: Any, named: dict[str, Any], robust: bool) -> Responses:
        if self.is_muted:
            return []
        sync, async_ = self._live(sender)
        if not sync and not async_:
            return []

        def send_sync() -> Responses:
            responses: Responses = []
            for receiver, style, first in sync:
                try:
                    response = _invoke(receiver, style, self, sender, named, first)
                except Exception as err:
                    if not robust:
                        raise
                    self._log_robust_failure(receiver, err)
                    response = err
                responses.append((receiver, response))
            return responses

        async def no_sync() -> Responses:
            return []

        responses, async_responses = await asyncio.gather(
            asyncio.to_thread(send_sync) if sync else no_sync(),
            asyncio.gather(
                *(self._acall(r, st, fp, sender, named, robust) for r, st, fp in async_)
            ),
        )
        responses.extend(
            (receiver, result)
            for (receiver, _, _), result in zip(async_, async_responses, strict=True)
        )
        return responses

    def _log_robust_failure(self, receiver: Callable[..., Any], err: Exception) -> None:
        logger.error(
            "Error calling %s in Signal.send_robust() (%s)",
            getattr(receiver, "__qualname__", repr(receiver)),
            err,
            exc_info=err,
        )

    def _flag_dead(self, reference: object = None) -> None:
        # Called by the garbage collector, maybe while this thread holds the
        # lock: only raise the flag; the cleanup happens under the lock later.
        self._dead = True

    def _clear_dead(self) -> None:
        with self._lock:
            self._clear_dead_locked()

    def _clear_dead_locked(self) -> None:
        if not self._dead:
            return
        self._dead = False
        current = self._state.connections
        dead = [c for c in current if c.is_dead()]
        if dead:
            kept = tuple(c for c in current if c not in dead)
            self._forget(dead, kept)
            self._state = _State(kept)

    def _forget(self, removed: list[_Connection], kept: tuple[_Connection, ...]) -> None:
        """Update blinker's registry for connections removed (lock held)."""
        for connection in removed:
            rkey = connection.rkey
            bsid = connection.blinker_sender_id
            if not any(c.rkey == rkey and c.blinker_sender_id == bsid for c in kept):
                if bsid in self._by_sender:
                    self._by_sender[bsid].discard(rkey)
                if rkey in self._by_receiver:
                    self._by_receiver[rkey].discard(bsid)
            if not any(c.rkey == rkey for c in kept):
                self.receivers.pop(rkey, None)
                self._by_receiver.pop(rkey, None)

    def _disconnect(self, receiver_id: Hashable, sender_id: Hashable) -> None:
        # blinker's internal disconnect by ids, kept consistent with ours.
        with self._lock:
            current = self._state.connections
            removed = [
                c
                for c in current
                if c.rkey == receiver_id
                and (sender_id == _BLINKER_ANY_ID or c.blinker_sender_id == sender_id)
            ]
            if removed:
                kept = tuple(c for c in current if c not in removed)
                self._forget(removed, kept)
                self._state = _State(kept)

    def _clear_state(self) -> None:
        """Disconnect every receiver (blinker's helper for tests)."""
        with self._lock:
            super()._clear_state()
            self._state = _EMPTY_STATE
            self._dead = False


def receiver(
    signal: BlinkerSignal | Sequence[BlinkerSignal],
    *,
    sender: Any = None,
    weak: bool = True,
    dispatch_uid: Hashable | None = None,
) -> Callable[[F], F]:
    """Connect the decorated function to ``signal`` (or to each of a list).

    ::

        @receiver(post_save, sender=Book, dispatch_uid="index-book")
        def index_book(sender, instance, created, **kwargs): ...

        @receiver([post_save, post_delete], sender=Book)
        def invalidate(sender, **kwargs): ...

    A plain ``blinker.Signal`` works too, without ``dispatch_uid``.
    """
    signals: list[Any] = [signal] if isinstance(signal, BlinkerSignal) else list(signal)
    for sig in signals:
        if not isinstance(sig, BlinkerSignal):
            raise TypeError(f"receiver() needs a signal or a list of signals, got {sig!r}")
        if not isinstance(sig, Signal) and dispatch_uid:
            raise TypeError(f"dispatch_uid needs a manouche.signals.Signal, not {sig!r}")

    def decorator(func: F) -> F:
        for sig in signals:
            if isinstance(sig, Signal):
                sig.connect(func, sender=sender, weak=weak, dispatch_uid=dispatch_uid)
            else:
                sig.connect(func, sender=ANY if sender is None else sender, weak=weak)
        return func

    return decorator
