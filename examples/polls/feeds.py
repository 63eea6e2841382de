"""The feed of the latest questions and the sitemaps: Django's code, with Manouche's imports."""

from __future__ import annotations

import datetime as dt
import functools

from manouche.sitemaps import Sitemap, index, sitemap
from manouche.syndication import Feed
from manouche.urlmap import reverse

from .models import Question


class LatestQuestions(Feed):
    title = "Latest polls"
    description = "The newest questions, as they are asked."
    language = "en"

    def link(self) -> str:
        return reverse("polls:index")

    def items(self) -> list[Question]:
        return list(Question.objects.order_by("-pub_date")[:10])

    def item_link(self, question: Question) -> str:
        return reverse("polls:detail", args=[question.pk])

    def item_pubdate(self, question: Question) -> dt.datetime:
        return question.pub_date


class QuestionSitemap(Sitemap):
    changefreq = "hourly"

    def items(self) -> object:
        # A queryset: each sitemap page is one LIMIT/OFFSET query, read as it is written.
        return Question.objects.order_by("id")

    def location(self, question: Question) -> str:
        return reverse("polls:detail", args=[question.pk])

    def lastmod(self, question: Question) -> dt.datetime:
        return question.pub_date


class StaticSitemap(Sitemap):
    priority = 1.0

    def items(self) -> list[str]:
        return ["polls:index"]

    def location(self, name: str) -> str:
        return reverse(name)


SITEMAPS = {"questions": QuestionSitemap, "static": StaticSitemap}

sitemap_index = functools.partial(
    index,
    sitemaps=SITEMAPS,
    sitemap_url=lambda section: reverse("polls:sitemap", kwargs={"section": section}),
)
sitemap_section = functools.partial(sitemap, sitemaps=SITEMAPS)
