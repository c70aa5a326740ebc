"""Every write use case of the quizzes app; call sites use `services.start_attempt(...)`."""

from .assignments import *  # noqa: F403
from .attempts import *  # noqa: F403
from .marking import *  # noqa: F403
from .overrides import *  # noqa: F403
from .passages import *  # noqa: F403
from .question_bank import *  # noqa: F403
from .question_export import *  # noqa: F403
