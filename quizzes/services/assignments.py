"""Services: assignments."""

__all__: list[str] = []
