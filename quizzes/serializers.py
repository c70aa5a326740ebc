"""API serializers for the student side of quizzes; input serializers never save."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .models import Attempt, Quiz


class GradeOverrideViewSerializer(serializers.Serializer):
    """A grade my instructor set by hand (none when excused), and why."""

    grade = serializers.DecimalField(
        max_digits=4, decimal_places=1, allow_null=True, coerce_to_string=False
    )
    excused = serializers.BooleanField()
    reason = serializers.CharField()


class QuizForStudentSerializer(serializers.Serializer):
    """A quiz's rules and my standing on it; never a question key."""

    # Declared rather than derived from the model: a ModelSerializer rebuilds its fields
    # for every response. Same types, same schema.
    id = serializers.IntegerField(read_only=True)
    course = serializers.CharField(source="course.slug", read_only=True)
    lesson = serializers.IntegerField(
        source="lesson_id", allow_null=True, required=False
    )
    slug = serializers.SlugField(max_length=80)
    title = serializers.CharField(max_length=200)
    instructions = serializers.CharField(required=False, allow_blank=True)
    grading_method = serializers.ChoiceField(
        choices=Quiz.GradingMethod.choices, required=False
    )
    pass_mark = serializers.DecimalField(
        max_digits=5,
        decimal_places=2,
        required=False,
        help_text=Quiz._meta.get_field("pass_mark").help_text,
    )
    review_immediately = serializers.ChoiceField(
        choices=Quiz.ReviewLevel.choices, required=False
    )
    review_while_open = serializers.ChoiceField(
        choices=Quiz.ReviewLevel.choices, required=False
    )
    review_after_close = serializers.ChoiceField(
        choices=Quiz.ReviewLevel.choices, required=False
    )
    one_question_per_page = serializers.BooleanField(required=False)
    certainty_based_marking = serializers.BooleanField(
        required=False,
        help_text=Quiz._meta.get_field("certainty_based_marking").help_text,
    )
    question_count = serializers.IntegerField(read_only=True)
    attempts_allowed = serializers.SerializerMethodField()
    attempts_used = serializers.SerializerMethodField()
    attempts_left = serializers.SerializerMethodField()
    time_limit_minutes = serializers.SerializerMethodField()
    opens_at = serializers.SerializerMethodField()
    due_at = serializers.SerializerMethodField()
    closes_at = serializers.SerializerMethodField()
    grade = serializers.SerializerMethodField()
    grade_override = serializers.SerializerMethodField()
    in_progress_attempt = serializers.SerializerMethodField()

    def _standing(self, quiz):
        return self.context["standing"][quiz.pk]

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_attempts_allowed(self, quiz):
        return self._standing(quiz)["rules"].attempts_allowed

    @extend_schema_field(serializers.IntegerField())
    def get_attempts_used(self, quiz):
        return len(self._standing(quiz)["attempts"])

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_attempts_left(self, quiz):
        return self._standing(quiz)["attempts_left"]

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_time_limit_minutes(self, quiz):
        return self._standing(quiz)["rules"].time_limit_minutes

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_opens_at(self, quiz):
        return self._standing(quiz)["rules"].opens_at

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_due_at(self, quiz):
        return self._standing(quiz)["rules"].due_at

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_closes_at(self, quiz):
        return self._standing(quiz)["rules"].closes_at

    @extend_schema_field(serializers.FloatField(allow_null=True))
    def get_grade(self, quiz):
        grade = self._standing(quiz)["grade"]
        return float(grade) if grade is not None else None

    @extend_schema_field(GradeOverrideViewSerializer(allow_null=True))
    def get_grade_override(self, quiz):
        override = self._standing(quiz)["override"]
        return GradeOverrideViewSerializer(override).data if override else None

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_in_progress_attempt(self, quiz):
        attempt = self._standing(quiz)["in_progress"]
        return attempt.pk if attempt else None


class AttemptSummarySerializer(serializers.Serializer):
    """One of my attempts in a list: state and, once graded, the score."""

    # Declared rather than derived from the model, as QuizForStudentSerializer: this is
    # the body of every 202 a submit answers.
    id = serializers.IntegerField(read_only=True)
    quiz = serializers.IntegerField(source="quiz_id")
    number = serializers.IntegerField(min_value=0, max_value=2147483647)
    state = serializers.ChoiceField(choices=Attempt.State.choices, required=False)
    started_at = serializers.DateTimeField(required=False)
    deadline = serializers.DateTimeField(allow_null=True, required=False)
    submitted_at = serializers.DateTimeField(allow_null=True, required=False)
    score = serializers.DecimalField(
        max_digits=8, decimal_places=3, allow_null=True, required=False
    )
    max_score = serializers.DecimalField(max_digits=8, decimal_places=3, required=False)
    percent = serializers.SerializerMethodField()

    @extend_schema_field(serializers.FloatField(allow_null=True))
    def get_percent(self, attempt):
        return float(attempt.percent) if attempt.percent is not None else None


_HANDLE_HELP = (
    "An opaque handle of this attempt (not a database id): send it back as given."
)


class ChoiceViewSerializer(serializers.Serializer):
    id = serializers.CharField(help_text=_HANDLE_HELP)
    text = serializers.CharField()


class ItemViewSerializer(serializers.Serializer):
    id = serializers.CharField()
    text = serializers.CharField()


class OrderingItemViewSerializer(serializers.Serializer):
    id = serializers.CharField(help_text=_HANDLE_HELP)
    text = serializers.CharField()


class CbmReviewSerializer(serializers.Serializer):
    """How certainty-based marking marked one answer."""

    certainty = serializers.IntegerField(help_text="The certainty used: 1, 2 or 3.")
    label = serializers.CharField()
    assumed = serializers.BooleanField(
        help_text="No certainty was given, so the lowest (1) was used, as in Moodle."
    )
    base_score = serializers.FloatField(
        help_text="The points the answer earned before CBM, which multiplies a right "
        "answer's by 1, 2 or 3 and gives a wrong one 0, -2 or -6 times the points."
    )


class CbmTotalsSerializer(serializers.Serializer):
    """Moodle's CBM figures over a set of questions, in percent."""

    questions = serializers.IntegerField()
    accuracy = serializers.FloatField(
        help_text="Percent right ignoring certainty, weighted by points."
    )
    average_mark = serializers.FloatField(
        help_text="Average CBM mark per point (-6 to 3; 1 = all right at C=1)."
    )
    cbm_grade = serializers.FloatField(
        help_text="The average CBM mark as a percentage: 100 = all right at C=1."
    )
    bonus = serializers.FloatField(help_text="Moodle's CBM bonus, in percent.")
    accuracy_and_bonus = serializers.FloatField()


class CbmLevelSerializer(serializers.Serializer):
    """The answers given at one certainty against that certainty's ideal range."""

    certainty = serializers.IntegerField()
    label = serializers.CharField()
    count = serializers.IntegerField()
    accuracy = serializers.FloatField(allow_null=True)
    ideal_low = serializers.FloatField()
    ideal_high = serializers.FloatField()
    judgement = serializers.CharField(allow_null=True)
    judgement_text = serializers.CharField(allow_blank=True)


class CbmSummarySerializer(CbmTotalsSerializer):
    """My calibration on a CBM attempt (the levels only when the review shows marks)."""

    answered = CbmTotalsSerializer(
        allow_null=True, help_text="The same over the answered questions alone."
    )
    levels = CbmLevelSerializer(many=True)


class ReviewSerializer(serializers.Serializer):
    score = serializers.FloatField(allow_null=True)
    awaiting_manual = serializers.BooleanField()
    feedback = serializers.ListField(child=serializers.DictField())
    explanation_html = serializers.CharField()
    passage_url = serializers.CharField()
    key = serializers.DictField()
    map = serializers.ListField(
        child=serializers.DictField(),
        required=False,
        help_text=(
            "The tradeoff map: every option's text, gains, costs and strongest "
            "objection, in the order shown (no credits)."
        ),
    )
    cbm = CbmReviewSerializer(required=False)
    spread = serializers.DictField(
        required=False,
        allow_null=True,
        help_text=(
            "Tradeoff items, once the answers are shown: where the class stood "
            "(position counts per fifth of the scale, or mean shares); null below "
            "three answers."
        ),
    )


class JustificationPartSerializer(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()


class JustificationViewSerializer(serializers.Serializer):
    points = serializers.FloatField(allow_null=True)
    rubric = serializers.CharField(allow_blank=True)
    parts = JustificationPartSerializer(
        many=True,
        help_text=(
            "Scoring 2: the justification is sent as an object with these parts "
            "(value, gains, costs, objection, evidence); a scenario scored on fit "
            "takes value and costs; empty when it is one text."
        ),
    )


class QuestionViewSerializer(serializers.Serializer):
    """A question as the student sees it; keys appear only inside `review`."""

    id = serializers.IntegerField()
    number = serializers.IntegerField()
    kind = serializers.CharField()
    prompt_html = serializers.CharField()
    points = serializers.FloatField()
    max_score = serializers.FloatField(allow_null=True)
    tradeoffs = serializers.ListField(child=serializers.CharField())
    choices = ChoiceViewSerializer(many=True, required=False)
    multiple = serializers.BooleanField(required=False)
    fit = serializers.BooleanField(
        required=False,
        help_text=(
            "A scenario scored on fit: send the choice and a justification with the "
            "value put first and the costs; no option is keyed."
        ),
    )
    items = OrderingItemViewSerializer(many=True, required=False)
    prompts = ItemViewSerializer(many=True, required=False)
    options = serializers.ListField(child=serializers.CharField(), required=False)
    values = serializers.ListField(child=serializers.CharField(), required=False)
    left = serializers.CharField(required=False)
    right = serializers.CharField(required=False)
    justification = JustificationViewSerializer(required=False, allow_null=True)
    rubric = serializers.CharField(required=False)
    min_words = serializers.IntegerField(required=False)
    answer = serializers.JSONField(allow_null=True)
    draft = serializers.JSONField(
        allow_null=True,
        help_text="What I wrote that is not a complete answer yet (kept, not graded).",
    )
    problem = serializers.CharField(
        allow_blank=True, help_text="What the draft still lacks; empty without one."
    )
    answered = serializers.BooleanField()
    takes_certainty = serializers.BooleanField(
        help_text="Certainty-based marking asks how sure I am of this answer."
    )
    certainty = serializers.IntegerField(
        allow_null=True, help_text="How sure I said I was: 1, 2, 3 or null."
    )
    comment = serializers.CharField(required=False)
    override_reason = serializers.CharField(
        required=False, help_text="Why an instructor overrode this question's score."
    )
    review = ReviewSerializer(required=False)


class AttemptDetailSerializer(serializers.Serializer):
    """My attempt with its questions in my order, my answers and (at review) the marking."""

    id = serializers.IntegerField()
    quiz = serializers.IntegerField()
    number = serializers.IntegerField()
    state = serializers.ChoiceField(choices=Attempt.State.choices)
    started_at = serializers.DateTimeField()
    deadline = serializers.DateTimeField(allow_null=True)
    submitted_at = serializers.DateTimeField(allow_null=True)
    seconds_left = serializers.IntegerField(allow_null=True)
    score = serializers.FloatField(allow_null=True)
    max_score = serializers.FloatField()
    percent = serializers.FloatField(allow_null=True)
    review_available = serializers.BooleanField(
        help_text="Per-question marks and feedback are shown."
    )
    key_available = serializers.BooleanField(
        help_text="The answers and explanations are shown too."
    )
    review_level = serializers.ChoiceField(
        choices=[("nothing", "nothing"), *Quiz.ReviewLevel.choices],
        help_text="What the quiz's review options allow for this attempt now.",
    )
    certainty_based = serializers.BooleanField(
        help_text="This attempt uses certainty-based marking."
    )
    cbm = CbmSummarySerializer(
        allow_null=True,
        help_text="Once scored, on a CBM attempt: my CBM figures and calibration.",
    )
    questions = QuestionViewSerializer(many=True)


_CERTAINTIES_HELP = (
    "Certainty-based marking: question id -> how sure I am of that answer, 1 (unsure), "
    "2 (mid) or 3 (quite sure); null clears it. Only right-or-wrong questions of a "
    "CBM attempt take one; a question not named keeps its certainty."
)


def _certainties_field() -> serializers.DictField:
    return serializers.DictField(
        child=serializers.IntegerField(min_value=1, max_value=3, allow_null=True),
        required=False,
        help_text=_CERTAINTIES_HELP,
    )


class AnswersInputSerializer(serializers.Serializer):
    """Answers keyed by question id; each is checked against its question's type."""

    answers = serializers.DictField(child=serializers.JSONField(allow_null=True))
    certainties = _certainties_field()


class SubmitInputSerializer(serializers.Serializer):
    answers = serializers.DictField(
        child=serializers.JSONField(allow_null=True), required=False
    )
    certainties = _certainties_field()


class SaveResultSerializer(serializers.Serializer):
    """What a save kept: `saved` complete answers; `drafts` the unfinished ones."""

    saved = serializers.IntegerField(help_text="Complete answers saved.")
    saved_at = serializers.DateTimeField()
    seconds_left = serializers.IntegerField(allow_null=True)
    drafts = serializers.DictField(
        child=serializers.CharField(),
        help_text=(
            "Question id -> what the answer still lacks. Each was kept as a draft "
            "(its justification saved for marking) and comes back with the attempt."
        ),
    )
