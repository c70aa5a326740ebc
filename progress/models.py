"""Progress-report outbox models."""
