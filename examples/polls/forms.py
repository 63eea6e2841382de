"""The vote form: its choices are the question's."""

from __future__ import annotations

from typing import Any

from manouche import formkit as forms

from .models import Question


class VoteForm(forms.Form):
    choice = forms.TypedChoiceField(
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "You didn't select a choice."},
    )

    def __init__(self, question: Question, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["choice"].choices = [(c.pk, c.choice_text) for c in question.choice_set.all()]
