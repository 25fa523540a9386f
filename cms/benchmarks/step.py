"""Run one measured step in a fresh process and report its wall time and query count.

``python -m cms.benchmarks.step RESULT.json manage COMMAND [ARGS...]`` runs a management
command; ``python -m cms.benchmarks.step RESULT.json call module:function [ARGS...]`` calls a
function. Each step runs in its own process so its peak memory (read by the parent with
``os.wait4``) is its own, and nothing warmed up by an earlier step flatters it.
"""

from __future__ import annotations

import json
import sys
import time
from importlib import import_module
from pathlib import Path


def main(argv: list[str]) -> int:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    result_path, kind, target, *args = argv
    queries = 0

    def count_queries(execute, sql, params, many, context):
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count_queries):
        started = time.perf_counter()
        if kind == "manage":
            call_command(target, *args)
            returned = None
        else:
            module_name, function_name = target.split(":")
            returned = getattr(import_module(module_name), function_name)(*args)
        seconds = time.perf_counter() - started
    Path(result_path).write_text(
        json.dumps({"seconds": seconds, "queries": queries, "returned": returned}),
        encoding="utf-8",
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
