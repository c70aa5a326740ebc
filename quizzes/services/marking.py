"""Services: marking."""

__all__: list[str] = []
