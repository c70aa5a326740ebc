"""Student quiz API: thin views over selectors and services, scoped to the owner."""

from celery import current_app
from django.core.exceptions import RequestDataTooBig
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import APIException
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from . import presentation, reviews, selectors, services
from .errors import DeadlinePassed
from .models import Attempt
from .serializers import (
    AnswersInputSerializer,
    AttemptDetailSerializer,
    AttemptSummarySerializer,
    QuizForStudentSerializer,
    SaveResultSerializer,
    SubmitInputSerializer,
)


def _seconds_left(attempt: Attempt, now) -> int | None:
    if attempt.is_finished or attempt.deadline is None:
        return None
    return max(0, int((attempt.deadline - now).total_seconds()))


def attempt_payload(attempt: Attempt, user) -> dict:
    """The attempt as its owner may see it now, per the quiz's review policy."""
    now = timezone.now()
    review, _rules = reviews.review_of(attempt=attempt, student=user, now=now)
    payload = presentation.attempt_for_student(
        attempt, review=review.feedback, key=review.key
    )
    payload["review_level"] = review.level
    payload["seconds_left"] = _seconds_left(attempt, now)
    return payload


class QuizListView(generics.ListAPIView):
    """Quizzes I can take, with my standing on each."""

    serializer_class = QuizForStudentSerializer
    filterset_fields = ["course__slug", "lesson"]

    def get_queryset(self):
        return (
            selectors.visible_quizzes(self.request.user)
            .with_question_count()
            .order_by("course", "lesson__position", "id")
        )

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["standing"] = getattr(self, "_standing", {})
        return context

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        self._standing = selectors.standings_for(
            quizzes=list(page if page is not None else queryset),
            student=self.request.user,
        )
        return page


class QuizDetailView(generics.RetrieveAPIView):
    """A quiz's rules and my standing: attempts left, grade, the attempt in progress."""

    serializer_class = QuizForStudentSerializer

    def get_queryset(self):
        # Only DRF's introspection (the schema's path types) reads this: retrieve takes
        # the cached quiz, which carries question_count.
        return selectors.visible_quizzes(self.request.user)

    def retrieve(self, request, *args, **kwargs):
        quiz = selectors.quiz_for_user(quiz_id=kwargs["pk"], user=request.user)
        standing = selectors.standings_for(quizzes=[quiz], student=request.user)
        serializer = QuizForStudentSerializer(
            quiz, context={"request": request, "standing": standing}
        )
        return Response(serializer.data)


class QuizAttemptsView(APIView):
    """List my attempts of a quiz, or start one (or get back the one in progress)."""

    throttle_scope = "attempt_start"

    def get_throttles(self):
        return [ScopedRateThrottle()] if self.request.method == "POST" else []

    @extend_schema(responses=AttemptSummarySerializer(many=True))
    def get(self, request, pk):
        quiz = selectors.quiz_for_user(quiz_id=pk, user=request.user)
        attempts = selectors.attempts_of(quiz=quiz, student=request.user)
        return Response(AttemptSummarySerializer(attempts, many=True).data)

    @extend_schema(
        request=None,
        responses={
            201: AttemptDetailSerializer,
            200: OpenApiResponse(
                AttemptDetailSerializer, "The attempt already in progress."
            ),
            409: OpenApiResponse(
                description="Closed, not yet open, or no attempts left."
            ),
        },
    )
    def post(self, request, pk):
        quiz = selectors.quiz_for_user(quiz_id=pk, user=request.user)
        attempt, created = services.start_attempt(quiz=quiz, student=request.user)
        attempt = selectors.attempt_for_owner(attempt_id=attempt.pk, user=request.user)
        return Response(
            AttemptDetailSerializer(attempt_payload(attempt, request.user)).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class AttemptDetailView(APIView):
    """My attempt: questions in my order, my answers, and what the review policy allows."""

    @extend_schema(responses=AttemptDetailSerializer)
    def get(self, request, pk):
        attempt = selectors.attempt_for_owner(attempt_id=pk, user=request.user)
        return Response(
            AttemptDetailSerializer(attempt_payload(attempt, request.user)).data
        )


class AttemptResponsesView(APIView):
    """Autosave answers while the attempt is in progress, each question on its own.

    Complete answers are saved; unfinished ones (an allocation short of 100, an order
    half given) are kept as drafts and listed in `drafts` with what they lack. A
    malformed answer is a 400 and saves nothing.
    """

    throttle_scope = "answer_save"
    throttle_classes = [ScopedRateThrottle]

    @extend_schema(
        request=AnswersInputSerializer,
        responses={
            200: SaveResultSerializer,
            400: OpenApiResponse(
                description="A malformed answer, with the reason; nothing saved."
            ),
            409: OpenApiResponse(
                description="Submitted already, or past the deadline."
            ),
        },
    )
    def put(self, request, pk):
        attempt = selectors.attempt_for_owner(attempt_id=pk, user=request.user)
        data = AnswersInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        now = timezone.now()
        try:
            outcome = services.save_responses(
                attempt=attempt,
                answers=presentation.answers_from_student(
                    attempt, data.validated_data["answers"]
                ),
                certainties=data.validated_data.get("certainties"),
                now=now,
                questions=attempt.quiz.questions.all(),
            )
        except DeadlinePassed:
            # Time is up: close the attempt at its deadline with what was saved before it.
            services.submit_attempt(attempt=attempt, now=now)
            raise
        return Response(
            SaveResultSerializer(
                {
                    "saved": len(outcome.saved),
                    "saved_at": now,
                    "seconds_left": _seconds_left(attempt, now),
                    "drafts": {str(qid): why for qid, why in outcome.drafts.items()},
                }
            ).data
        )


class AttemptSubmitView(APIView):
    """Submit (idempotent): 202 with the attempt's state while grading runs, 200 with the
    result once graded."""

    @extend_schema(
        request=SubmitInputSerializer,
        responses={200: AttemptDetailSerializer, 202: AttemptSummarySerializer},
    )
    def post(self, request, pk):
        try:
            data = SubmitInputSerializer(data=request.data)
            data.is_valid(raise_exception=True)
        except (APIException, RequestDataTooBig):
            # Whatever is wrong with the body, someone else's attempt is a 404 first.
            get_object_or_404(Attempt.objects.filter(student=request.user), pk=pk)
            raise
        answers = data.validated_data.get("answers")
        certainties = data.validated_data.get("certainties")
        try:
            if answers:
                # Answers name choices by this attempt's handles, read off its layout.
                owned = get_object_or_404(
                    Attempt.objects.filter(student=request.user).only("id", "layout"),
                    pk=pk,
                )
                answers = presentation.answers_from_student(owned, answers)
            # Scoped to the caller: the service's one statement is also the owner check.
            attempt = services.submit_own_attempt(
                attempt_id=pk,
                student=request.user,
                answers=answers,
                certainties=certainties,
            )
        except Attempt.DoesNotExist:
            raise Http404 from None
        if current_app.conf.task_always_eager:
            # Eager Celery (the zero-setup run) graded it in the commit: read the result.
            attempt.refresh_from_db(fields=["state", "score", "graded_at"])
        if attempt.state == Attempt.State.SUBMITTED:
            # Still grading: answer at once, small, and let the client poll.
            return Response(
                AttemptSummarySerializer(attempt).data, status=status.HTTP_202_ACCEPTED
            )
        attempt = selectors.attempt_for_owner(attempt_id=pk, user=request.user)
        return Response(
            AttemptDetailSerializer(attempt_payload(attempt, request.user)).data
        )
