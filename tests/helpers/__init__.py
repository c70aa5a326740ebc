"""Helpers shared by the test suite: real processes and services the tests drive."""
