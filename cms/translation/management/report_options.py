"""Options shared by the commands that report on the catalogs: which language, which format."""

from __future__ import annotations

from argparse import ArgumentParser


def add_report_options(parser: ArgumentParser, *, json_help: str) -> None:
    """``--locale`` and ``--format text|json`` (stored as ``output_format``)."""
    parser.add_argument("--locale", help="Only this target language (e.g. en).")
    parser.add_argument(
        "--format",
        dest="output_format",
        choices=["text", "json"],
        default="text",
        help=f"text for people (default), json for machines{json_help}.",
    )
