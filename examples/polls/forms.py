"""The vote form: its choices are the question's."""

from __future__ import annotations

from typing import Any

from manouche import formkit as forms
from manouche.i18nkit import gettext_lazy as _

from .models import Question


class VoteForm(forms.Form):
    choice = forms.TypedChoiceField(
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("You didn't select a choice.")},
    )

    def __init__(self, question: Question, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["choice"].choices = [(c.pk, c.choice_text) for c in question.choice_set.all()]


class AddPollForm(forms.Form):
    question_text = forms.CharField(label=_("Question"), max_length=200)
    choices = forms.CharField(
        label=_("Choices, one a line"), widget=forms.Textarea, max_length=2000
    )

    def clean_choices(self) -> list[str]:
        lines = [line.strip() for line in self.cleaned_data["choices"].splitlines()]
        choices = [line[:200] for line in lines if line]
        if len(choices) < 2:
            raise forms.ValidationError(_("Give at least two choices."))
        return choices


class LoginForm(forms.Form):
    username = forms.CharField(max_length=150)
    password = forms.CharField(widget=forms.PasswordInput, max_length=4096)
