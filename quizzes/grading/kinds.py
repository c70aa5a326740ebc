"""Name the question kinds, the answer field each one fills, and shared limits."""

SINGLE_CHOICE = "single_choice"
TRUE_FALSE = "true_false"
MULTIPLE_RESPONSE = "multiple_response"
SHORT_ANSWER = "short_answer"
NUMERIC = "numeric"
ORDERING = "ordering"
MATCHING = "matching"
TRADEOFF_ALLOCATION = "tradeoff_allocation"
TRADEOFF_POSITION = "tradeoff_position"
ESSAY = "essay"

# The field of the answer object that carries each kind's response.
ANSWER_FIELDS = {
    SINGLE_CHOICE: "choice",
    TRUE_FALSE: "choice",
    MULTIPLE_RESPONSE: "choices",
    SHORT_ANSWER: "text",
    NUMERIC: "value",
    ORDERING: "order",
    MATCHING: "matches",
    TRADEOFF_ALLOCATION: "allocation",
    TRADEOFF_POSITION: "position",
    ESSAY: "text",
}
KINDS = frozenset(ANSWER_FIELDS)
CHOICE_KINDS = frozenset({SINGLE_CHOICE, TRUE_FALSE, MULTIPLE_RESPONSE})
TRADEOFF_KINDS = frozenset({TRADEOFF_ALLOCATION, TRADEOFF_POSITION})
MANUAL_KINDS = frozenset({ESSAY})

MAX_TEXT_LENGTH = 20_000
# Credits are decimals stored as floats in the key; their sums need a tolerance.
EPSILON = 1e-6
CHOICE_FEEDBACK = ("feedback", "gains", "costs", "objection")
