"""The exam-day bench's step plan: doubling until a step fails, then one step between."""

from __future__ import annotations

from bench.exam_day.steps import run_steps


def test_doubling_stops_at_the_first_failure_then_tries_halfway():
    best, failed, tried = run_steps(lambda n: n <= 500, start=50)

    assert tried == [50, 100, 200, 400, 800, 600]
    assert (best, failed) == (400, 600)


def test_the_halfway_step_that_holds_raises_the_figure():
    best, failed, tried = run_steps(lambda n: n <= 700, start=50)

    assert tried[-1] == 600
    assert (best, failed) == (600, 800)


def test_a_given_list_runs_in_order_and_stops_at_the_first_failure():
    assert run_steps(lambda n: n < 60, given=[25, 50, 100, 200]) == (
        50,
        100,
        [25, 50, 100],
    )
    assert run_steps(lambda n: True, given=[3]) == (3, None, [3])


def test_nothing_holds_and_the_ceiling_bounds_the_run():
    assert run_steps(lambda n: False, start=50) == (0, 50, [50])
    assert run_steps(lambda n: True, start=50, most=200) == (200, None, [50, 100, 200])
