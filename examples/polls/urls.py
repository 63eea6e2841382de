"""URLs: Django's URLconf, with urlmap."""

from manouche.urlmap import path

from . import feeds, views

app_name = "polls"

# Each page answers only its methods (GET implies HEAD); others get 405 with Allow.
urlpatterns = [
    path("", views.index, name="index", methods=["GET"]),
    path("<int:question_id>/", views.detail, name="detail", methods=["GET"]),
    path("<int:question_id>/results/", views.results, name="results", methods=["GET"]),
    path("<int:question_id>/vote/", views.vote, name="vote", methods=["POST"]),
    path("add/", views.add_poll, name="add", methods=["GET", "POST"]),
    path("login/", views.login_view, name="login", methods=["GET", "POST"]),
    path("logout/", views.logout_view, name="logout", methods=["POST"]),
    path("feeds/latest/", feeds.LatestQuestions(), name="feed", methods=["GET"]),
    path("sitemap.xml", feeds.sitemap_index, name="sitemap-index", methods=["GET"]),
    path("sitemap-<section>.xml", feeds.sitemap_section, name="sitemap", methods=["GET"]),
]
