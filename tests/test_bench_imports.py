"""The benchmarks still import after a refactor: `make bench` is not part of `make test`,
so a module that moved would otherwise break it unnoticed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MODULES = [
    "bench.runner",
    "bench.exam_day.__main__",
    "bench.exam_day.form",
    "bench.exam_day.meter",
    "bench.exam_day.report",
    "bench.exam_day.profile",
    "bench.drill.checks",
    "bench.growth.runner",
    "bench.growth.seed",
]
# One interpreter with the bench settings imports each module in turn and reports each
# one's error on its own (an interpreter per module cost ~1.5 s of CPU each). A module
# that moved fails its own import whatever was imported before it.
IMPORT_EACH = """
import importlib, json, sys, traceback
import django
django.setup()
errors = {}
for name in sys.argv[1:]:
    try:
        importlib.import_module(name)
    except BaseException:
        errors[name] = traceback.format_exc()
print(json.dumps(errors))
"""


@pytest.fixture(scope="module")
def import_errors() -> dict[str, str]:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings"}
    done = subprocess.run(
        [sys.executable, "-c", IMPORT_EACH, *MODULES],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("module", MODULES)
def test_a_bench_module_imports(module, import_errors):
    assert module not in import_errors, import_errors.get(module, "")[-2000:]
