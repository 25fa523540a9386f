"""The benchmark keeps the median of repeated runs of a path."""

from cms.benchmarks.run import median_run, spread


def run(seconds, queries=10):
    return {"seconds": seconds, "queries": queries, "returned": None}


def test_the_median_run_is_kept_with_the_highest_peak_memory():
    result, rss = median_run([(run(5.0, 1), 120.0), (run(9.0, 2), 110.0), (run(4.0, 3), 130.0)])
    assert result == run(5.0, 1)
    assert rss == 130.0


def test_a_single_run_is_its_own_median():
    assert median_run([(run(2.0), 100.0)]) == (run(2.0), 100.0)


def test_repeated_runs_report_how_far_apart_they_lay():
    assert spread([2.4, 0.055, 1.9]) == "median of 3 runs, 55 ms to 2.40 s"
    assert spread([0.04, 0.03], "tasks") == "median of 2 tasks, 30 ms to 40 ms"


def test_a_single_run_has_no_spread():
    assert spread([2.0]) == ""
