"""Management commands for the courses app."""
