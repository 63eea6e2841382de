"""Random sequences of connect/disconnect/collect/send, on ours and on Django's, step by step.

The same operations, with the same receiver objects, are applied to a
``manouche.signals.Signal`` and a ``django.dispatch.Signal``; after every
step the sends for each sender, ``has_listeners`` and the return value of
``disconnect`` must agree.
"""

from __future__ import annotations

import gc
import random
from typing import Any

import pytest
from django.dispatch import Signal as DjangoSignal

from manouche.signals import Signal


class Model:
    pass


class Other:
    pass


class Listener:
    def __init__(self, name: str) -> None:
        self.name = name

    def on(self, sender: Any, **kwargs: Any) -> str:
        return f"{self.name}.on"


def make_function(name: str) -> Any:
    def receiver(sender: Any, **kwargs: Any) -> str:
        return f"{name}:{kwargs['value']}"

    receiver.__name__ = name
    return receiver


def outcome(responses: list[tuple[Any, Any]]) -> list[Any]:
    return [value for _, value in responses]


@pytest.mark.parametrize("seed", range(12))
def test_same_behaviour_as_django(seed: int) -> None:
    rng = random.Random(seed)
    ours, theirs = Signal("random"), DjangoSignal()
    instance_sender = Model()
    senders: list[Any] = [None, Model, Other, instance_sender]
    pool: list[Any] = []  # strong references that keep weak receivers alive
    for index in range(6):
        pool.append(make_function(f"f{index}"))
    for index in range(3):
        pool.append(Listener(f"l{index}"))

    def pick_receiver() -> Any:
        target = rng.choice(pool)
        return target.on if isinstance(target, Listener) else target

    for _step in range(150):
        op = rng.random()
        if op < 0.45 and pool:
            receiver = pick_receiver()
            sender = rng.choice(senders)
            weak = rng.random() < 0.7
            uid = rng.choice([None, None, "uid-a", "uid-b"])
            ours.connect(receiver, sender=sender, weak=weak, dispatch_uid=uid)
            theirs.connect(receiver, sender=sender, weak=weak, dispatch_uid=uid)
        elif op < 0.7 and pool:
            sender = rng.choice(senders)
            if rng.random() < 0.3:
                uid = rng.choice(["uid-a", "uid-b"])
                assert ours.disconnect(sender=sender, dispatch_uid=uid) == theirs.disconnect(
                    sender=sender, dispatch_uid=uid
                )
            else:
                receiver = pick_receiver()
                assert ours.disconnect(receiver, sender=sender) == theirs.disconnect(
                    receiver, sender=sender
                )
        elif op < 0.8 and len(pool) > 2:
            # Drop a receiver: weak connections to it die on both sides.
            pool.pop(rng.randrange(len(pool)))
            gc.collect()
        elif op < 0.85:
            pool.append(make_function(f"g{_step}"))
        for sender in senders:
            assert outcome(ours.send(sender, value=_step)) == outcome(
                theirs.send(sender, value=_step)
            ), (seed, _step, sender)
            assert ours.has_listeners(sender) == theirs.has_listeners(sender)
        robust_ours = outcome(ours.send_robust(Model, value=0))
        assert robust_ours == outcome(theirs.send_robust(Model, value=0))
