"""The benchmark report: ratios to the API v2 listing and the targets, from measured numbers."""

from cms.benchmarks.report import (
    INCREMENTAL_COMMAND,
    PUBLISH_TASK,
    render,
    targets,
    update_docs,
)
from cms.benchmarks.run import BenchResult, Measurement


def result(
    full_seconds: float,
    task_seconds: float,
    memory: dict[int, float],
    command_seconds: float = 0.5,
):
    bench = BenchResult(command="scripts/bench", database="sqlite", articles=2000, machine="m")
    bench.add(Measurement("API v2 listing (HTTP)", 4000, 10.0))
    bench.add(Measurement("full export, all channels", 20000, full_seconds, 12, 150.0))
    bench.add(Measurement(INCREMENTAL_COMMAND, 1, command_seconds, 9))
    bench.add(Measurement(PUBLISH_TASK, 1, task_seconds, note="median of 3 tasks"))
    bench.memory = memory
    return bench


def test_targets_are_met_when_the_numbers_reach_them():
    met = targets(result(full_seconds=4.0, task_seconds=0.05, memory={1000: 100, 4000: 105}))
    counted = [target for target in met if target.counted]
    assert [target.met for target in counted] == [True, True, True]
    assert met[0].measured == "12.5x"
    assert met[1].measured == "1.25% (50 ms)"


def test_targets_are_missed_when_the_numbers_fall_short():
    missed = targets(result(full_seconds=10.0, task_seconds=1.0, memory={1000: 100, 4000: 120}))
    counted = [target for target in missed if target.counted]
    assert [target.met for target in counted] == [False, False, False]


def test_the_command_line_is_reported_beside_the_publish_task_s_target_not_as_one():
    reported = targets(result(4.0, 0.05, {}, command_seconds=0.5))
    command = [target for target in reported if not target.counted]
    assert [(target.measured, target.verdict) for target in command] == [
        ("12.50% (500 ms)", "reported")
    ]
    assert "the publish task" in [t for t in reported if t.counted][1].description
    assert "| reported |" in render(result(4.0, 0.05, {}, command_seconds=0.5))


def test_notes_are_listed_under_the_table():
    assert f"- {PUBLISH_TASK}: median of 3 tasks" in render(result(4.0, 0.05, {}))


def test_the_docs_section_of_one_database_is_replaced_and_the_rest_kept(tmp_path):
    docs = tmp_path / "benchmarks.md"
    docs.write_text("# Benchmarks\n\nIntro kept.\n", encoding="utf-8")
    update_docs(docs, result(4.0, 0.05, {1000: 100, 4000: 105}))
    update_docs(docs, result(5.0, 0.05, {1000: 100, 4000: 105}))
    text = docs.read_text(encoding="utf-8")
    assert text.startswith("# Benchmarks\n\nIntro kept.\n")
    assert text.count("<!-- bench:sqlite:start -->") == 1
    assert "| full export, all channels | 20,000 | 5.00 | 4,000.0 | 10.00 |" in text
    assert "Command: `scripts/bench`" in render(result(4.0, 0.05, {}))
