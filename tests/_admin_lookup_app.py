"""A test-only admin over the polls models with a raw-id field, for the browser test.

Served on 127.0.0.1 by tests/test_admin_browser.py; every request is let in
(``authorize``), so it is never meant to be served anywhere else.
"""

from __future__ import annotations

import os

from examples.polls.app import setup_database
from examples.polls.models import Choice, Question
from manouche.adminkit import AdminSite, ModelAdmin


class QuestionAdmin(ModelAdmin):
    list_display = ["question_text"]
    search_fields = ["question_text"]


class ChoiceAdmin(ModelAdmin):
    list_display = ["choice_text", "question"]
    raw_id_fields = ["question"]


db = setup_database(os.environ["DATABASE_URL"])
application = AdminSite(db=db, authorize=lambda request: True, user_id=lambda request: None)
application.register(Question, QuestionAdmin)
application.register(Choice, ChoiceAdmin)
