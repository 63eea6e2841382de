"""URLs: Django's URLconf, with urlmap."""

from manouche.urlmap import path

from . import views

app_name = "polls"

# Each page answers only its methods (GET implies HEAD); others get 405 with Allow.
urlpatterns = [
    path("", views.index, name="index", methods=["GET"]),
    path("<int:question_id>/", views.detail, name="detail", methods=["GET"]),
    path("<int:question_id>/results/", views.results, name="results", methods=["GET"]),
    path("<int:question_id>/vote/", views.vote, name="vote", methods=["POST"]),
]
