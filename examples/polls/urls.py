"""URLs: Django's URLconf, with urlmap."""

from manouche.urlmap import path

from . import views

app_name = "polls"

urlpatterns = [
    path("", views.index, name="index"),
    path("<int:question_id>/", views.detail, name="detail"),
    path("<int:question_id>/results/", views.results, name="results"),
    path("<int:question_id>/vote/", views.vote, name="vote", methods=["POST"]),
    path("add/", views.add_poll, name="add"),
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout", methods=["POST"]),
]
