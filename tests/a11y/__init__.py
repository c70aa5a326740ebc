"""Accessibility: axe-core, keyboard use, the progress chart and the README screenshots."""
