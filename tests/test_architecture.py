"""The import rules of .importlinter hold, and a wrong-way import breaks the check."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = [
    "config",
    "progress",
    "lti",
    "teaching",
    "analytics",
    "practice",
    "peerreview",
]
PACKAGES += ["quizzes", "courses"]
PACKAGES += ["accounts", "core"]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
# Modules that take and return plain values; they must not reach the database layer.
PURE = [
    "quizzes/grading",
    "quizzes/rules.py",
    "analytics/statistics.py",
    "quizzes/gift",
]
PURE += ["analytics/moodle_weights.py", "progress/reports"]
PURE += ["practice/scheduler.py", "practice/mastery.py"]
PURE += ["peerreview/scoring.py", "peerreview/allocation.py", "peerreview/agreement.py"]


def lint_imports(cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_import_contracts_are_kept():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.fixture
def copy_of_the_project(tmp_path: Path) -> Path:
    ignore = shutil.ignore_patterns("__pycache__", "migrations", "templates", "static")
    for package in PACKAGES:
        shutil.copytree(ROOT / package, tmp_path / package, ignore=ignore)
    shutil.copy(ROOT / ".importlinter", tmp_path / ".importlinter")
    return tmp_path


@pytest.mark.parametrize(
    ("module", "line", "broken"),
    [
        # A lower layer importing a higher one.
        ("courses/_planted.py", "from quizzes.models import Quiz", "courses is not"),
        ("accounts/_planted.py", "from courses import models", "accounts is not"),
        ("quizzes/_planted.py", "import teaching.views", "quizzes is not"),
        ("teaching/_planted.py", "from analytics import models", "teaching is not"),
        ("practice/_planted.py", "import progress.selectors", "practice is not"),
        ("practice/_planted.py", "from teaching import views", "practice is not"),
        ("quizzes/_planted.py", "from practice import models", "quizzes is not"),
        # An app importing the composition root.
        ("core/_planted.py", "import config.urls", "core is not"),
        ("quizzes/_planted.py", "from config import settings", "quizzes is not"),
        # A pure module importing models.
        ("quizzes/grading/_planted.py", "from quizzes import models", "quizzes.models"),
        # A service importing its app's tasks at the top, not lazily on commit.
        (
            "progress/services/sending.py",
            "from progress import tasks",
            "progress.tasks",
        ),
    ],
)
def test_a_wrong_way_import_breaks_the_check(copy_of_the_project, module, line, broken):
    path = copy_of_the_project / module
    rest = path.read_text() if path.exists() else ""
    path.write_text(f"{line}  # noqa\n{rest}")
    result = lint_imports(copy_of_the_project)
    assert result.returncode == 1, result.stdout + result.stderr
    assert broken in result.stdout


def _imported_modules(path: Path):
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module


def test_pure_modules_import_nothing_from_django_db():
    # import-linter sees external packages only by their top name (django), and these
    # modules may use django.utils.translation, so this one rule is checked here.
    files = []
    for entry in PURE:
        path = ROOT / entry
        files += sorted(path.rglob("*.py")) if path.is_dir() else [path]
    assert files
    offenders = {
        str(path.relative_to(ROOT)): module
        for path in files
        for module in _imported_modules(path)
        if module == "django.db" or module.startswith("django.db.")
    }
    assert offenders == {}
