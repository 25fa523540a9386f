"""The export_channels command: summary, dry-run listing, quiet, help."""

from io import StringIO

import pytest
from django.core.management import call_command

from .conftest import stored, verify_tree


def run(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("export_channels", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_summary_counts_and_skips_per_channel(bilingual, export_root):
    out, err = run()
    lines = out.splitlines()
    assert "web: published sequence 4 (4 written, 0 unchanged, 0 deleted, 0 skipped)" in lines
    assert "partner: published sequence 1 (1 written, 0 unchanged, 0 deleted, 1 skipped)" in lines
    assert (
        "  skipped: mini-thread-lifting-vs-mini-facelift (en): no live en translation; "
        "channel takes translated text only"
    ) in lines
    assert err == ""  # no progress output when stderr is not a terminal
    out, _err = run("--channel", "web")
    assert out == "web: unchanged at sequence 4 (0 written, 4 unchanged, 0 deleted, 0 skipped)\n"


def test_dry_run_lists_what_would_change_and_writes_nothing(bilingual, export_root):
    run("--channel", "web", "--quiet")
    before = verify_tree(export_root, "web")
    bilingual["en"]["thread-lifting"].unpublish()
    out, _err = run("--channel", "web", "--dry-run")
    # English readers would get the Korean text (marked), and the Korean document's English
    # alternate would now point at the Korean page.
    assert out.splitlines() == [
        "web: would publish sequence 6 (2 written, 2 unchanged, 0 deleted, 0 skipped)",
        "  would be written: web/en/articles/thread-lifting.json",
        "  would be written: web/ko/articles/thread-lifting.json",
        "  would be updated: web/changes.json",
        "  would be updated: web/en/index.json",
        "  would be updated: web/ko/index.json",
    ]
    assert verify_tree(export_root, "web") == before


class Terminal(StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_goes_to_a_terminal_only_and_not_when_quiet(bilingual, export_root):
    terminal = Terminal()
    call_command("export_channels", "--channel", "web", stdout=StringIO(), stderr=terminal)
    assert "exporting articles: 0/2" in terminal.getvalue()
    assert "exporting articles: 2/2" in terminal.getvalue()
    quiet = Terminal()
    call_command("export_channels", "--quiet", stdout=StringIO(), stderr=quiet)
    assert quiet.getvalue() == ""


def test_quiet_prints_nothing(bilingual, export_root):
    assert run("--quiet") == ("", "")
    assert "manifest.json" in stored("web")


def test_help_explains_every_option(capsys):
    with pytest.raises(SystemExit):
        call_command("export_channels", "--help")
    text = capsys.readouterr().out
    for option in ("--channel", "--full", "--dry-run", "--wait", "--quiet"):
        assert option in text
    assert "docs/export-contract.md" in text
