"""RESULTS.md repeats the other benches' headline figures (bench/results.py)."""

from bench import results

EXAM_DAY = """# Exam day

Written by `python -m bench.exam_day` (`make bench-exam-day`); every run
overwrites this file. Run started 2026-12-05 22:38 UTC and took 9.5 minutes.

**Largest N that held: 400 (600 did not) on 2 cores -> 200 concurrent exam-takers per core**

| N | held |
|---|---|
"""

GROWTH = """# Growth curves

Written by `python -m bench.growth` (`make bench-growth`); every run overwrites
this file. Run started 2026-12-05 23:13 UTC and took 8.5 minutes.

| Job | 1,000 attempts | verdict |
|---|---|---|
| gradebook page | 3.30 ms | met |

| Machine | |
|---|---|
| nproc | 2 |
"""


def test_the_exam_day_figure_and_the_growth_table_are_copied_with_their_runs(
    tmp_path, monkeypatch
):
    monkeypatch.setattr(results, "RESULTS", tmp_path / "RESULTS.md")
    (tmp_path / "EXAM_DAY.md").write_text(EXAM_DAY)
    (tmp_path / "GROWTH.md").write_text(GROWTH)

    lines = results._copied_from_the_other_benches()

    assert "Run started 2026-12-05 22:38 UTC and took 9.5 minutes." in lines
    assert any(line.startswith("**Largest N that held: 400") for line in lines)
    assert "Run started 2026-12-05 23:13 UTC and took 8.5 minutes." in lines
    assert "| gradebook page | 3.30 ms | met |" in lines
    assert not any("nproc" in line for line in lines)  # the table only, not Machine


def test_nothing_is_copied_when_the_other_benches_never_ran(tmp_path, monkeypatch):
    monkeypatch.setattr(results, "RESULTS", tmp_path / "RESULTS.md")

    assert results._copied_from_the_other_benches() == []
