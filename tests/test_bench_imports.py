"""The benchmarks still import after a refactor: `make bench` is not part of `make test`,
so a module that moved would otherwise break it unnoticed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    "module",
    [
        "bench.runner",
        "bench.exam_day.__main__",
        "bench.exam_day.form",
        "bench.exam_day.meter",
        "bench.exam_day.report",
        "bench.exam_day.profile",
        "bench.drill.checks",
        "bench.growth.runner",
        "bench.growth.seed",
    ],
)
def test_a_bench_module_imports(module):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings"}
    code = f"import django; django.setup(); import {module}"
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
