"""Progress without a terminal: plain lines a log can hold, never silence for long, never a line a second."""

from __future__ import annotations

from sharelog.cli._context import PlainProgress

LABELS = {"training": "Training the linkage model", "exchanges": "Running the monthly exchanges"}


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _progress(every: float = 10.0) -> tuple[PlainProgress, list[str], Clock]:
    lines: list[str] = []
    clock = Clock()
    return PlainProgress(LABELS, lines.append, every=every, clock=clock), lines, clock


def test_a_stage_says_when_it_starts_how_far_it_got_and_when_it_is_done() -> None:
    progress, lines, clock = _progress()
    progress("exchanges", 0, 62)
    for done in range(1, 62):
        clock.now += 1.5  # a report every 1.5 s: a line at most every 10 s
        progress("exchanges", done, 62)
    clock.now += 1.5
    progress("exchanges", 62, 62)
    progress("exchanges", 62, 62)  # reported done twice: said once
    assert lines[0] == "[0:00] Running the monthly exchanges …"
    assert lines[-1] == "[1:33] Running the monthly exchanges: done"
    middle = lines[1:-1]
    assert middle and len(middle) <= 93 // 10
    assert middle[0] == "[0:10] Running the monthly exchanges: 7 of 62 (11%)"


def test_a_stage_that_reports_nothing_for_long_is_still_working() -> None:
    progress, lines, clock = _progress()
    progress("training", 1, 4)
    clock.now += 5
    progress.beat()  # not yet: a line was written 5 s ago
    clock.now += 6
    progress.beat()
    clock.now += 3
    progress.beat()
    progress("training", 4, 4)
    clock.now += 60
    progress.beat()  # nothing is running: nothing to say
    assert lines == [
        "[0:00] Training the linkage model …",
        "[0:11] Training the linkage model: still working (1 of 4)",
        "[0:14] Training the linkage model: done",
    ]


def test_an_unlabelled_stage_shows_its_name() -> None:
    progress, lines, _clock = _progress()
    progress("relatives", 0, 1)
    progress("relatives", 1, 1)
    assert lines == ["[0:00] relatives …", "[0:00] relatives: done"]
