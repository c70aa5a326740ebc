"""Hardening tests: headers, log-in limits, throttles, fuzzing, integrity, fault drills."""
