"""Commands: load_course."""
