"""Signal receivers: connected on import, as Django apps do in ``ready()``."""

from __future__ import annotations

from typing import Any

from manouche.signals import post_save, receiver

from .models import Activity, Question


@receiver(post_save, sender=Question, dispatch_uid="polls.announce_question")
def announce_question(
    sender: type[Question], instance: Question, created: bool, **kwargs: Any
) -> None:
    """Every new question is announced on the front page."""
    if created:
        Activity.objects.create(message=f"New poll: {instance.question_text}")
