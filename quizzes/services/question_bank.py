"""Services: question_bank."""

__all__: list[str] = []
