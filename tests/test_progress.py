"""Progress lines for long commands: drawn on a terminal, absent from pipes and with --quiet."""

import io

from django.core.management.base import OutputWrapper

from cms.progress import terminal_progress


class TerminalStream(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_draws_and_erases_one_line_on_a_terminal():
    stream = TerminalStream()
    with terminal_progress(OutputWrapper(stream), "exporting", quiet=False) as progress:
        progress(1, 3)
        progress(3, 3)
    assert stream.getvalue() == "\rexporting: 1/3\rexporting: 3/3\r\033[K"


def test_prints_nothing_to_a_pipe_or_when_quiet():
    piped = io.StringIO()
    with terminal_progress(OutputWrapper(piped), "exporting", quiet=False) as progress:
        assert progress is None
    terminal = TerminalStream()
    with terminal_progress(OutputWrapper(terminal), "exporting", quiet=True) as progress:
        assert progress is None
    assert piped.getvalue() == terminal.getvalue() == ""
