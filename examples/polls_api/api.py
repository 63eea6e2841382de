"""The API: questions with their choices, voting, and a token endpoint."""

from __future__ import annotations

from typing import Any

from examples.polls.models import Choice, Question
from manouche import orm_lite as models
from manouche.authkit import authenticate, get_token, login
from manouche.restkit import (
    filters,
    pagination,
    permissions,
    routers,
    serializers,
    status,
    viewsets,
)
from manouche.restkit.authentication import SessionAuthentication, TokenAuthentication
from manouche.restkit.decorators import action, api_view, permission_classes
from manouche.restkit.response import Response
from manouche.restkit.schemas import get_docs_view, get_schema_view
from manouche.urlmap import path

from .models import ApiToken

AUTHENTICATION = [TokenAuthentication(ApiToken.user_for), SessionAuthentication]


class ChoiceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Choice
        fields = ["id", "question", "choice_text", "votes"]
        read_only_fields = ["votes"]


class NestedChoiceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Choice
        fields = ["id", "choice_text", "votes"]


class QuestionSerializer(serializers.HyperlinkedModelSerializer):
    choices = NestedChoiceSerializer(many=True, read_only=True, source="choice_set")
    total_votes = serializers.SerializerMethodField()

    class Meta:
        model = Question
        fields = ["url", "id", "question_text", "pub_date", "choices", "total_votes"]

    def get_total_votes(self, question: Question) -> int:
        return sum(choice.votes for choice in question.choice_set.all())


class VoteSerializer(serializers.Serializer):
    votes = serializers.IntegerField(read_only=True)


class Pages(pagination.PageNumberPagination):
    page_size = 10
    page_size_query_param = "page_size"
    max_page_size = 100


class QuestionViewSet(viewsets.ModelViewSet):
    """Poll questions, newest first, each with its choices and their votes."""

    queryset = Question.objects.all()
    serializer_class = QuestionSerializer
    authentication_classes = AUTHENTICATION
    permission_classes = [permissions.IsAuthenticatedOrReadOnly]
    pagination_class = Pages
    filter_backends = [filters.SearchFilter, filters.OrderingFilter]
    search_fields = ["question_text"]
    ordering_fields = ["pub_date", "id"]
    ordering = ["-pub_date", "-id"]


class ChoiceViewSet(viewsets.ModelViewSet):
    """The choices of every question; vote with POST /choices/{pk}/vote/."""

    queryset = Choice.objects.all()
    serializer_class = ChoiceSerializer
    authentication_classes = AUTHENTICATION
    permission_classes = [permissions.IsAuthenticatedOrReadOnly]
    pagination_class = Pages
    filter_backends = [filters.FieldFilter, filters.OrderingFilter]
    filterset_fields = ["question"]
    ordering_fields = ["votes", "id"]
    ordering = ["id"]

    @action(detail=True, methods=["post"], serializer_class=VoteSerializer)
    def vote(self, request: Any, pk: str) -> Response:
        """Add one vote to the choice (an atomic UPDATE, safe under concurrency)."""
        choice = self.get_object()
        Choice.objects.filter(pk=choice.pk).update(votes=models.F("votes") + 1)
        choice.refresh_from_db()
        return Response({"votes": choice.votes})


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=128, trim_whitespace=False)


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(read_only=True)


@api_view(["POST"])
@permission_classes([permissions.AllowAny])
def obtain_token(request: Any) -> Response:
    """Exchange a username and password for an API token (send it as ``Token <key>``)."""
    serializer = TokenRequestSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    user = authenticate(request.webob_request, **serializer.validated_data)
    if user is None:
        return Response(
            {"non_field_errors": ["Unable to log in with provided credentials."]},
            status=status.HTTP_400_BAD_REQUEST,
        )
    return Response({"token": ApiToken.issue(user)})


obtain_token.cls.authentication_classes = []  # type: ignore[attr-defined]
obtain_token.cls.serializer_class = TokenRequestSerializer  # type: ignore[attr-defined]


@api_view(["POST"])
@permission_classes([permissions.AllowAny])
def session_login(request: Any) -> Response:
    """Log in with a session cookie; unsafe requests then need the CSRF token returned."""
    serializer = TokenRequestSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    raw = request.webob_request
    user = authenticate(raw, **serializer.validated_data)
    if user is None:
        return Response(
            {"non_field_errors": ["Unable to log in with provided credentials."]},
            status=status.HTTP_400_BAD_REQUEST,
        )
    login(raw, user)
    return Response({"detail": "Logged in.", "csrf_token": get_token(raw)})


session_login.cls.authentication_classes = []  # type: ignore[attr-defined]
session_login.cls.serializer_class = TokenRequestSerializer  # type: ignore[attr-defined]

router = routers.DefaultRouter()
router.register("questions", QuestionViewSet)
router.register("choices", ChoiceViewSet)

api_patterns = [
    *router.urls,
    path("token/", obtain_token, name="api-token"),
    path("session/", session_login, name="api-session"),
]
urlpatterns = [
    *api_patterns,
    path(
        "openapi.json",
        get_schema_view(title="Polls API", patterns=api_patterns, prefix="/api/"),
        name="openapi",
    ),
    path(
        "docs/",
        get_docs_view(title="Polls API", patterns=api_patterns, prefix="/api/"),
        name="api-docs",
    ),
]
