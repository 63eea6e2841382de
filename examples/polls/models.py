"""Models: Django's code, with orm-lite imported as ``models``."""

from __future__ import annotations

import datetime as dt

from manouche import orm_lite as models


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Question(models.Model):
    question_text = models.CharField(max_length=200)
    pub_date = models.DateTimeField("date published", default=now)

    class Meta:
        app_label = "polls"
        ordering = ["-pub_date"]

    def __str__(self) -> str:
        return self.question_text


class Choice(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE)
    choice_text = models.CharField(max_length=200)
    votes = models.IntegerField(default=0)

    class Meta:
        app_label = "polls"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.choice_text


class Activity(models.Model):
    """What the site shows under "Recent activity"; written by a signal receiver."""

    message = models.CharField(max_length=300)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        app_label = "polls"
        ordering = ["-created", "-id"]
        verbose_name_plural = "activities"
