"""Views: ``view(request, **kwargs) -> Response``, as Django's function views."""

from __future__ import annotations

from typing import Any

import webob
from webob.exc import HTTPSeeOther

from manouche import orm_lite as models
from manouche.authkit import (
    authenticate,
    get_safe_redirect,
    login,
    logout,
    redirect_to_login,
    request_user,
)
from manouche.httpkit import Http404
from manouche.i18nkit import gettext_lazy as _
from manouche.tplkit import render as _render
from manouche.tplkit import render_to_string
from manouche.urlmap import reverse

from .forms import AddPollForm, LoginForm, VoteForm
from .models import Activity, Choice, Question, now
from .templating import env


def render(
    request: webob.Request, name: str, context: dict[str, Any], status: int = 200
) -> webob.Response:
    return _render(request, name, context, status, env=env)


def get_question(question_id: int) -> Question:
    try:
        return Question.objects.get(pk=question_id, pub_date__lte=now())
    except Question.DoesNotExist:
        raise Http404("No such poll.") from None


def index(request: webob.Request) -> webob.Response:
    questions = (
        Question.objects.filter(pub_date__lte=now())
        .annotate(total=models.Sum("choice__votes"))
        .order_by("-pub_date")[:10]
    )
    activity = Activity.objects.all()[:5]
    return render(request, "polls/index.html", {"questions": questions, "activity": activity})


def detail(request: webob.Request, question_id: int) -> webob.Response:
    question = get_question(question_id)
    return render(request, "polls/detail.html", {"question": question, "form": VoteForm(question)})


def vote(request: webob.Request, question_id: int) -> webob.Response:
    question = get_question(question_id)
    form = VoteForm(question, request.POST)
    if not form.is_valid():
        # The page again, with the error next to the field and nothing counted.
        context = {"question": question, "form": form}
        return render(request, "polls/detail.html", context, status=400)
    # One UPDATE ... SET votes = votes + 1: two votes at once are both counted.
    Choice.objects.filter(pk=form.cleaned_data["choice"], question=question).update(
        votes=models.F("votes") + 1
    )
    # Post/Redirect/Get: a reload does not vote twice.
    raise HTTPSeeOther(location=reverse("polls:results", args=[question.pk]))


def results(request: webob.Request, question_id: int) -> webob.Response:
    question = get_question(question_id)
    choices = list(question.choice_set.all())
    total = sum(c.votes for c in choices)
    return render(
        request, "polls/results.html", {"question": question, "choices": choices, "total": total}
    )


def add_poll(request: webob.Request) -> webob.Response:
    # Logged-in users only; the login page is the one of the page's language
    # (/de/add/ asks at /de/login/), so the URL is reversed per request.
    if not request_user(request).is_authenticated:
        return redirect_to_login(request.path_qs, reverse("polls:login"))
    form = AddPollForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        with models.atomic():
            question = Question.objects.create(question_text=form.cleaned_data["question_text"])
            Choice.objects.bulk_create(
                [Choice(question=question, choice_text=c) for c in form.cleaned_data["choices"]]
            )
        raise HTTPSeeOther(location=reverse("polls:detail", args=[question.pk]))
    status = 400 if request.method == "POST" else 200
    return render(request, "polls/add.html", {"form": form}, status=status)


def login_view(request: webob.Request) -> webob.Response:
    form = LoginForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        user = authenticate(request, **form.cleaned_data)
        if user is not None:
            login(request, user)
            # Only a path of this site: no open redirect through ?next=.
            home = reverse("polls:index")  # / in English, /de/ in German
            target = get_safe_redirect(request.GET.get("next"), {request.host}, home)
            raise HTTPSeeOther(location=target)
        form.add_error(None, _("Your username and password didn't match. Please try again."))
    status = 400 if request.method == "POST" else 200
    return render(request, "polls/login.html", {"form": form}, status=status)


def logout_view(request: webob.Request) -> webob.Response:
    logout(request)
    raise HTTPSeeOther(location=reverse("polls:index"))


def flatpage(request: webob.Request, page: Any) -> str:
    """How manouche.sites renders a flat page here: in the site's own layout."""
    return render_to_string("polls/flatpage.html", {"flatpage": page}, request, env=env)
