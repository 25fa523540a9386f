"""``python -m cms.benchmarks``: see ``--help`` (scripts/bench is the usual way in)."""

import argparse
import sys
from pathlib import Path

from cms.benchmarks.report import render, targets, update_docs
from cms.benchmarks.run import ROOT, BenchError, result_as_json, run_benchmark


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="scripts/bench",
        description=(
            "Build a corpus of articles (Korean sources with English translations) in a "
            "separate benchmark database and measure, in one run: the Wagtail API v2 listing "
            "and detail endpoints, a full export of every channel, the incremental export "
            "after one article is published (by the publish task in a task worker the bench "
            "starts, and from the command line), "
            "extract_translations and apply_translations for all articles, and pulling the "
            "export over HTTP with and without If-None-Match. Prints documents/s, queries per "
            "document, peak memory and each path's ratio to the API v2 listing, checks the "
            "performance targets, and records the table in docs/benchmarks.md."
        ),
    )
    parser.add_argument(
        "--articles",
        type=int,
        default=2000,
        help="articles per locale in the corpus (default: 2000)",
    )
    parser.add_argument(
        "--database",
        choices=["sqlite", "postgres"],
        default="sqlite",
        help="sqlite (default) or postgres (database clinic_bench on "
        "127.0.0.1:5432, dropped and recreated)",
    )
    parser.add_argument(
        "--storage",
        choices=["filesystem", "s3"],
        default="filesystem",
        help="where exports go: filesystem (default) or s3 (moto's S3-compatible server, "
        "started for the run; adds the rclone upload baseline)",
    )
    parser.add_argument(
        "--memory-sizes",
        default="1000,4000",
        help="two corpus sizes whose full-export peak memory is compared (default: 1000,4000)",
    )
    parser.add_argument(
        "--bench-dir",
        type=Path,
        default=ROOT / "bench-results",
        help="where the benchmark database, catalogs and exports go",
    )
    parser.add_argument("--no-docs", action="store_true", help="do not update docs/benchmarks.md")
    parser.add_argument("--quiet", action="store_true", help="print only the result table")
    return parser.parse_args(argv)


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    small, large = (int(size) for size in args.memory_sizes.split(","))
    command = "scripts/bench " + " ".join(argv) if argv else "scripts/bench"

    def progress(message: str) -> None:
        if not args.quiet:
            print(f"  {message}", file=sys.stderr, flush=True)

    try:
        result = run_benchmark(
            articles=args.articles,
            database=args.database,
            memory_sizes=(small, large),
            storage=args.storage,
            bench_dir=args.bench_dir,
            command=command,
            progress=progress,
        )
    except BenchError as exc:
        print(f"bench: {exc}", file=sys.stderr)
        return 1
    (args.bench_dir / f"result-{args.database}-{args.storage}.json").write_text(
        result_as_json(result), encoding="utf-8"
    )
    print(render(result))
    if not args.no_docs:
        update_docs(ROOT / "docs" / "benchmarks.md", result)
    missed = [target for target in targets(result) if target.counted and not target.met]
    return 2 if missed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
