"""Services: attempts."""

__all__: list[str] = []
