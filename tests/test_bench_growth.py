"""The growth report's ratios and verdicts: time per unit largest / smallest size, peak
memory largest / the size before it (bench/growth/report.py)."""

from __future__ import annotations

from bench.growth import report


def result(seconds, units, peak_mb):
    return {
        "seconds": seconds,
        "units": units,
        "unit": "attempt",
        "queries": 7,
        "peak_kb": peak_mb * 1024,
        "rss_before_kb": 90 * 1024,
    }


def test_flat_growth_meets_both_goals():
    by_size = {
        1000: result(1.0, 1000, 100),
        10000: result(11.0, 10000, 110),
        100000: result(140.0, 100000, 150),
    }

    time_ratio, cpu_ratio, memory_ratio, verdict = report.verdicts(
        by_size, [1000, 10000, 100000]
    )

    assert time_ratio.startswith("1.40") and memory_ratio.startswith("1.36")
    assert cpu_ratio == "-"  # no CPU read: judged on wall time
    assert verdict == "met"


def test_memory_that_grows_with_the_data_misses():
    by_size = {1000: result(1.0, 1000, 100), 10000: result(10.0, 10000, 180)}

    assert report.verdicts(by_size, [1000, 10000])[3] == "met"
    by_size[100000] = result(100.0, 100000, 900)
    assert report.verdicts(by_size, [1000, 10000, 100000])[3] == "missed"


def test_a_skipped_size_is_left_out_of_the_ratios():
    by_size = {
        1000: result(1.0, 1000, 100),
        10000: result(10.0, 10000, 110),
        100000: {"skipped": "capped"},
    }

    time_ratio, _cpu, memory_ratio, _ = report.verdicts(by_size, [1000, 10000, 100000])

    assert "10,000 vs 1,000" in time_ratio and "10,000 vs 1,000" in memory_ratio


def test_the_verdict_judges_cpu_time_where_it_was_read():
    """Wall time stretched by other load misses; the CPU per unit stayed flat: met."""
    small, large = result(1.0, 1000, 100), result(300.0, 100000, 110)
    small.update(cpu=0.5, db_cpu=0.3)
    large.update(cpu=55.0, db_cpu=35.0)

    time_ratio, cpu_ratio, _memory, verdict = report.verdicts(
        {1000: small, 100000: large}, [1000, 100000]
    )

    assert time_ratio.startswith("3.00") and cpu_ratio == "1.12"
    assert verdict == "met"
    large["db_cpu"] = 120.0
    assert report.verdicts({1000: small, 100000: large}, [1000, 100000])[3] == "missed"
