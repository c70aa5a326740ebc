"""Fault drills on a production-like stack (issue 13, items 2-4): `python -m bench.drill`.

nginx (Debian's, from config/nginx/tradeoffs.conf.template) in front of gunicorn with
production settings, a Celery worker and a redis-server of the drill's own, all plain
processes on loopback ports, against PostgreSQL on 127.0.0.1. tests/security/test_drill.py
runs the same checks against the test database.
"""
