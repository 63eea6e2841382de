"""The admin: Django's tutorial admin (questions with their choices inline), with adminkit."""

from __future__ import annotations

from typing import Any

from manouche.adminkit import AdminSite, ModelAdmin, TabularInline, display

from .models import Activity, Choice, Question


class ChoiceInline(TabularInline):
    model = Choice
    extra = 3


class QuestionAdmin(ModelAdmin):
    fieldsets = [
        (None, {"fields": ["question_text"]}),
        ("Date information", {"fields": ["pub_date"]}),
    ]
    inlines = [ChoiceInline]
    list_display = ["question_text", "pub_date", "was_published_recently", "total_votes"]
    list_filter = ["pub_date"]
    search_fields = ["question_text"]
    date_hierarchy = "pub_date"
    list_per_page = 20

    @display(boolean=True, ordering="pub_date", description="Published recently?")
    def was_published_recently(self, obj: Any) -> bool:
        import datetime as dt

        now = dt.datetime.now(dt.UTC)
        published = obj.pub_date if obj.pub_date.tzinfo else obj.pub_date.replace(tzinfo=dt.UTC)
        return now - dt.timedelta(days=1) <= published <= now

    @display(description="Votes")
    def total_votes(self, obj: Any) -> int:
        return sum(choice.votes for choice in Choice.objects.filter(question=obj))


class ChoiceAdmin(ModelAdmin):
    list_display = ["choice_text", "question", "votes"]
    list_filter = ["question"]
    search_fields = ["choice_text", "question__question_text"]
    autocomplete_fields = ["question"]


class ActivityAdmin(ModelAdmin):
    list_display = ["message", "created"]
    readonly_fields = ["created"]


def create_site(db: Any) -> AdminSite:
    # Served in the browser's language among these (i18nkit), right to left in Arabic.
    site = AdminSite(db=db, languages=["en", "fr", "ar"])
    site.site_header = "Polls administration"
    site.register(Question, QuestionAdmin)
    site.register(Choice, ChoiceAdmin)
    site.register(Activity, ActivityAdmin)
    return site
