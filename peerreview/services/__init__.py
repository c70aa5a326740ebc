"""Every write of peer review; call sites use `services.allocate_reviews(...)`."""

from .allocating import *  # noqa: F403
from .deadline import *  # noqa: F403
from .reviewing import *  # noqa: F403
from .setup import *  # noqa: F403
