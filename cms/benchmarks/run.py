"""The benchmark: one corpus, every hot path, compared with the Wagtail API v2 in the same run."""

from __future__ import annotations

import http.client
import json
import os
import platform
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
API_PAGE_SIZE = 100
REPEAT = 5  # runs of each path a ratio target compares (the median is reported)
# Incremental runs take milliseconds, where a busy neighbour on a shared machine shows most:
# more of them, for a median that holds still.
INCREMENTAL_REPEAT = 11
PUBLISHES = 20  # publishes timed from commit to readable
PUBLISH_TO_READABLE = "publish → document readable over HTTP and in storage (p95)"
RCLONE = "rclone copy of the same tree to the same S3 server"
POSTGRES_ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres"
POSTGRES_BENCH_DB = "clinic_bench"


class BenchError(RuntimeError):
    """A step failed; the message says which and how."""


@dataclass
class Measurement:
    """One measured path: how many documents it handled, in how long, at what cost."""

    name: str
    documents: int
    seconds: float
    queries: int | None = None
    peak_rss_mb: float | None = None
    note: str = ""

    @property
    def per_second(self) -> float:
        return self.documents / self.seconds if self.seconds else 0.0

    @property
    def queries_per_document(self) -> float | None:
        if self.queries is None or not self.documents:
            return None
        return self.queries / self.documents


@dataclass
class BenchResult:
    """Everything one run measured, with the facts needed to reproduce it."""

    command: str
    database: str
    articles: int
    machine: str
    measurements: dict[str, Measurement] = field(default_factory=dict)
    memory: dict[int, float] = field(default_factory=dict)

    def add(self, measurement: Measurement) -> Measurement:
        self.measurements[measurement.name] = measurement
        return measurement


@dataclass
class Runner:
    """Runs steps in fresh processes against the benchmark settings and database."""

    env: dict[str, str]
    progress: Callable[[str], None]

    def step(self, kind: str, target: str, *args: str) -> tuple[dict, float]:
        """Run a step; return its result (seconds, queries, returned) and peak RSS in MiB."""
        with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
            result_path = Path(handle.name)
        command = [sys.executable, "-m", "cms.benchmarks.step", str(result_path), kind, target]
        process = subprocess.Popen(
            [*command, *args], cwd=ROOT, env=self.env, stdout=subprocess.DEVNULL
        )
        _pid, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != 0:
            raise BenchError(f"step {kind} {target} {' '.join(args)} exited {process.returncode}")
        result = json.loads(result_path.read_text(encoding="utf-8"))
        result_path.unlink()
        return result, usage.ru_maxrss / 1024  # Linux reports KiB

    def measure(
        self,
        name: str,
        documents: int | None,
        kind: str,
        target: str,
        *args: str,
        repeat: int = 1,
        before: Callable[[], object] | None = None,
    ) -> Measurement:
        """Run a step ``repeat`` times (``before`` each time) and keep the median run."""
        self.progress(f"{name} …")
        runs = []
        for _ in range(repeat):
            if before is not None:
                before()
            runs.append(self.step(kind, target, *args))
        result, rss = median_run(runs)
        count = documents if documents is not None else int(result["returned"] or 0)
        seconds = [run["seconds"] for run, _rss in runs]
        return Measurement(
            name, count, result["seconds"], result["queries"], rss, note=spread(seconds)
        )


def spread(seconds: list[float], runs: str = "runs") -> str:
    """How far repeated runs lay apart ("" for one run): the median alone hides the machine."""
    if len(seconds) < 2:
        return ""
    ordered = sorted(seconds)
    return f"median of {len(ordered)} {runs}, {_duration(ordered[0])} to {_duration(ordered[-1])}"


def _duration(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.2f} s"


def median_run(runs: list[tuple[dict, float]]) -> tuple[dict, float]:
    """The run of median time, with the highest peak RSS of all (memory is not averaged)."""
    ordered = sorted(runs, key=lambda run: run[0]["seconds"])
    result, _rss = ordered[len(ordered) // 2]
    return result, max(rss for _result, rss in runs)


S3_BUCKET = "bench-exports"
S3_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench"}


class S3Server:
    """moto's S3-compatible server on a free loopback port, with the benchmark's bucket."""

    def __init__(self) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        import boto3

        client = boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            region_name="us-east-1",
            aws_access_key_id=S3_CREDENTIALS["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=S3_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                client.create_bucket(Bucket=S3_BUCKET)
                return
            except Exception as exc:
                if time.monotonic() > deadline:
                    self.stop()
                    raise BenchError(f"the S3 server did not start within 60 s: {exc}") from exc
                time.sleep(0.2)

    def storage_url(self, prefix: str) -> str:
        return f"s3://{S3_BUCKET}/{prefix}?endpoint_url={self.endpoint}&region_name=us-east-1"

    def rclone_remote(self, prefix: str) -> str:
        return (
            f":s3,provider=Other,endpoint='{self.endpoint}',"
            f"access_key_id={S3_CREDENTIALS['AWS_ACCESS_KEY_ID']},"
            f"secret_access_key={S3_CREDENTIALS['AWS_SECRET_ACCESS_KEY']}:{S3_BUCKET}/{prefix}"
        )

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def prepare_database(database: str, bench_dir: Path, s3: S3Server | None = None) -> dict[str, str]:
    """A fresh, empty benchmark database; returns the environment that selects it (and the
    export storage: the folder under ``bench_dir``, or the S3 server's bucket)."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cms.settings.bench",
        "BENCH_DIR": str(bench_dir),
        "PYTHONPATH": str(ROOT),
    }
    env.pop("EXPORT_STORAGE", None)
    if s3 is not None:
        env.update(S3_CREDENTIALS)
        env["EXPORT_STORAGE"] = s3.storage_url("exports")
    if database == "postgres":
        import psycopg

        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as connection:
            connection.execute(f"DROP DATABASE IF EXISTS {POSTGRES_BENCH_DB} WITH (FORCE)")
            connection.execute(f"CREATE DATABASE {POSTGRES_BENCH_DB}")
        env["DATABASE_URL"] = POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{POSTGRES_BENCH_DB}"
    else:
        env.pop("DATABASE_URL", None)
    for stale in ("bench.sqlite3", "exports", "locale"):
        target = bench_dir / stale
        if target.is_dir():
            shutil.rmtree(target)
        elif target.exists():
            target.unlink()
    bench_dir.mkdir(parents=True, exist_ok=True)
    return env


class Server:
    """The app under Django's threaded development server on a free loopback port."""

    def __init__(self, env: dict[str, str]):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.process = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", f"127.0.0.1:{self.port}", "--noreload"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                self.get("/api/v2/pages/?limit=1")
                return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise BenchError("the benchmark server did not start within 60 s")

    def get(self, path: str, headers: dict[str, str] | None = None) -> tuple[int, dict, bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            connection.request("GET", path, headers=headers or {})
            response = connection.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        finally:
            connection.close()

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


class TaskWorker:
    """The export task worker (``db_worker``), as an installation runs it beside the site."""

    def __init__(self, env: dict[str, str]):
        command = [sys.executable, "manage.py", "db_worker", "--backend", "exports"]
        command += ["--queue-name", "exports", "--interval", "0.01", "--no-startup-delay"]
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )

    def stop(self) -> float:
        """Stop the worker; return its peak RSS in MiB."""
        self.process.terminate()
        _pid, _status, usage = os.wait4(self.process.pid, 0)
        self.process.returncode = 0
        return usage.ru_maxrss / 1024


def measure_publish_task(runner: Runner) -> Measurement:
    """Incremental export as publishing runs it: the task, in a worker that ran one before.

    A worker starts once and runs every export after; its first task pays for loading what
    every later one reuses, so it is a warm-up. The median of ``INCREMENTAL_REPEAT`` later tasks
    is kept.
    """
    runner.progress("incremental export by the publish task …")
    worker = TaskWorker(runner.env)
    try:
        found, _rss = runner.step(
            "call", "cms.benchmarks.actions:time_export_tasks", str(1 + INCREMENTAL_REPEAT)
        )
    finally:
        rss = worker.stop()
    first, *runs = found["returned"]
    return Measurement(
        "incremental export, 1 article published (task in the running worker)",
        1,
        sorted(runs)[len(runs) // 2],
        None,
        rss,
        note=f"{spread(runs, 'tasks')}; the worker's first took {_duration(first)}",
    )


def measure_api_listing(server: Server) -> Measurement:
    """Every article through the API v2 listing, 100 per request, with their bodies."""
    started = time.perf_counter()
    pages, offset = 0, 0
    while True:
        path = (
            f"/api/v2/pages/?type=articles.ArticlePage&fields=body"
            f"&limit={API_PAGE_SIZE}&offset={offset}"
        )
        status, _headers, body = server.get(path)
        if status != 200:
            raise BenchError(f"API v2 listing answered {status} at offset {offset}")
        items = json.loads(body)["items"]
        pages += len(items)
        if len(items) < API_PAGE_SIZE:
            break
        offset += API_PAGE_SIZE
    return Measurement("API v2 listing (HTTP)", pages, time.perf_counter() - started)


def measure_api_detail(server: Server, ids: list[int]) -> Measurement:
    started = time.perf_counter()
    for page_id in ids:
        status, _headers, _body = server.get(f"/api/v2/pages/{page_id}/")
        if status != 200:
            raise BenchError(f"API v2 detail answered {status} for page {page_id}")
    return Measurement("API v2 detail (HTTP)", len(ids), time.perf_counter() - started)


def measure_pull(server: Server, paths: list[str]) -> tuple[Measurement, Measurement]:
    """Pull export documents over HTTP: first plain, then revalidating with If-None-Match."""
    etags = {}
    started = time.perf_counter()
    for path in paths:
        status, headers, _body = server.get(path)
        if status != 200:
            raise BenchError(f"/exports answered {status} for {path}")
        etags[path] = headers.get("ETag", "")
    plain = Measurement("export pull (HTTP 200)", len(paths), time.perf_counter() - started)
    started = time.perf_counter()
    for path in paths:
        status, _headers, _body = server.get(path, {"If-None-Match": etags[path]})
        if status != 304:
            raise BenchError(f"/exports answered {status}, not 304, for {path} with its ETag")
    revalidated = Measurement(
        "export pull (If-None-Match, 304)", len(paths), time.perf_counter() - started
    )
    return plain, revalidated


def sample_page_ids(server: Server, count: int) -> list[int]:
    status, _headers, body = server.get(
        f"/api/v2/pages/?type=articles.ArticlePage&limit={min(count, API_PAGE_SIZE)}"
    )
    if status != 200:
        raise BenchError(f"API v2 listing answered {status}")
    return [item["id"] for item in json.loads(body)["items"]]


def run_benchmark(
    *,
    articles: int,
    database: str,
    memory_sizes: tuple[int, int],
    bench_dir: Path,
    command: str,
    progress: Callable[[str], None],
    storage: str = "filesystem",
) -> BenchResult:
    """Build the corpus and measure every path; see docs/benchmarks.md for what each means."""
    s3 = S3Server() if storage == "s3" else None
    try:
        return _run_benchmark(
            articles, database, memory_sizes, bench_dir, command, progress, storage, s3
        )
    finally:
        if s3 is not None:
            s3.stop()


def _run_benchmark(
    articles: int,
    database: str,
    memory_sizes: tuple[int, int],
    bench_dir: Path,
    command: str,
    progress: Callable[[str], None],
    storage: str,
    s3: S3Server | None,
) -> BenchResult:
    env = prepare_database(database, bench_dir, s3)
    runner = Runner(env, progress)
    result = BenchResult(
        command=command,
        database=f"{database}, {storage}",
        articles=articles,
        machine=f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
    )
    runner.step("manage", "migrate", "--no-input", "-v0")

    small, large = memory_sizes
    sizes = sorted({small, articles, large})
    for size in sizes:
        build = runner.measure(
            f"corpus to {size} articles", None, "call", "cms.benchmarks.actions:grow", str(size)
        )
        if size == sizes[0]:
            build.documents = size * 2
            build.name = f"corpus build ({size} articles x 2 locales)"
            result.add(build)
        if size in (small, large):
            export = runner.measure(
                f"full export at {size} articles",
                None,
                "manage",
                "export_channels",
                "--full",
                "--quiet",
            )
            result.memory[size] = export.peak_rss_mb or 0.0
        if size == articles:
            _measure_main_paths(runner, result, articles)
            if s3 is not None:
                result.add(measure_rclone(runner, bench_dir, s3))
    return result


def measure_rclone(runner: Runner, bench_dir: Path, s3: S3Server) -> Measurement:
    """``rclone copy`` of the same export tree (objects and copies) to the same server: the
    upload baseline of the full export to S3. The tree is exported to a folder first."""
    runner.progress("rclone copy of the same tree …")
    tree = bench_dir / "rclone-tree"
    if tree.exists():
        shutil.rmtree(tree)
    env = {**runner.env, "EXPORT_STORAGE": f"file://{tree}?fsync=0"}
    Runner(env, runner.progress).step("manage", "export_channels", "--full", "--quiet")
    files = sum(len(names) for _folder, _folders, names in tree.walk())
    rclone = shutil.which("rclone")
    if rclone is None:
        raise BenchError("rclone is not installed (apt-get install rclone; scripts/bench does)")
    runs = []
    for attempt in range(3):
        started = time.perf_counter()
        # A CA bundle set for AWS's own endpoints makes rclone refuse a plain-HTTP one.
        env = {key: value for key, value in os.environ.items() if key != "AWS_CA_BUNDLE"}
        copied = subprocess.run(
            [rclone, "copy", str(tree), s3.rclone_remote(f"rclone-{attempt}"), "--quiet"],
            env={**env, "RCLONE_CONFIG": "/dev/null"},
            capture_output=True,
            text=True,
        )
        if copied.returncode != 0:
            raise BenchError(f"rclone copy failed: {copied.stderr.strip()}")
        runs.append(time.perf_counter() - started)
    ordered = sorted(runs)
    return Measurement(
        RCLONE, files, ordered[1], note=f"{spread(runs)}; {files} files, rclone's 4 transfers"
    )


def _measure_main_paths(runner: Runner, result: BenchResult, articles: int) -> None:
    listing_one, _rss = runner.step("call", "cms.benchmarks.actions:api_listing_page", "0")
    listing_queries = Measurement(
        "API v2 listing (in-process, 1 request)",
        int(listing_one["returned"]),
        listing_one["seconds"],
        listing_one["queries"],
    )
    result.add(listing_queries)

    # The first export stores every file; later full runs render everything again and store
    # every file again too (objects are content-addressed: the same names). Both are reported.
    cold = runner.measure(
        "full export, first run",
        None,
        "manage",
        "export_channels",
        "--full",
        "--quiet",
    )
    # The paths the ratio targets compare run REPEAT times; the median is reported, so one
    # run slowed by the machine (disk flushes, another process) does not decide the ratio.
    full = runner.measure(
        "full export, all channels",
        None,
        "manage",
        "export_channels",
        "--full",
        "--quiet",
        repeat=REPEAT,
    )
    documents, _rss = runner.step("call", "cms.benchmarks.actions:exported_documents")
    # A steady-state full run finds every file as it renders it and writes none (it keeps
    # their inodes); into an empty folder it writes every one. Reported beside it.
    written = runner.measure(
        "full export into an empty folder (every file written)",
        None,
        "manage",
        "export_channels",
        "--full",
        "--quiet",
        repeat=3,
        before=lambda: runner.step("call", "cms.benchmarks.actions:clear_exports"),
    )
    full.documents = cold.documents = written.documents = sum(documents["returned"].values())
    counts = ", ".join(f"{name}: {count}" for name, count in documents["returned"].items())
    full.note = f"{full.note}; documents {counts}"
    result.add(cold)
    result.add(full)
    result.add(written)

    incremental = runner.measure(
        "incremental export, 1 article changed",
        1,
        "manage",
        "export_channels",
        "--quiet",
        repeat=INCREMENTAL_REPEAT,
        before=lambda: runner.step("call", "cms.benchmarks.actions:touch_one_article"),
    )
    result.add(incremental)
    result.add(measure_publish_task(runner))

    sources = articles + 2  # the benchmark articles and the two seed articles
    result.add(
        runner.measure(
            "extract_translations (all articles)",
            sources,
            "manage",
            "extract_translations",
            "--quiet",
        )
    )
    runner.step("call", "cms.benchmarks.actions:identity_translate_catalogs")
    result.add(
        runner.measure(
            "apply_translations (all articles, en)",
            sources,
            "manage",
            "apply_translations",
            "--locale",
            "en",
            "--quiet",
        )
    )
    # Apply changed every English page: bring the export up to date before pulling it.
    runner.step("manage", "export_channels", "--quiet")

    server = Server(runner.env)
    try:
        runner.progress("API v2 over HTTP …")
        listings = sorted(
            (measure_api_listing(server) for _ in range(REPEAT)), key=lambda run: run.seconds
        )
        listing = listings[REPEAT // 2]
        listing.note = spread([run.seconds for run in listings])
        result.add(listing)
        result.add(measure_api_detail(server, sample_page_ids(server, 100)))
        runner.progress("export pull over HTTP …")
        paths, _rss = runner.step("call", "cms.benchmarks.actions:article_document_paths", "web")
        for measurement in measure_pull(server, paths["returned"][:2000]):
            result.add(measurement)
        result.add(measure_publish_to_readable(runner, server))
    finally:
        server.stop()


def measure_publish_to_readable(runner: Runner, server: Server) -> Measurement:
    """Publish → the new document readable over HTTP and in storage, with the task worker."""
    runner.progress("publish to readable …")
    worker = TaskWorker(runner.env)
    try:
        found, _rss = runner.step(
            "call",
            "cms.benchmarks.actions:time_publish_to_readable",
            str(PUBLISHES),
            str(server.port),
        )
    finally:
        worker.stop()
    seconds = sorted(found["returned"])
    p50 = seconds[len(seconds) // 2]
    p95 = seconds[min(len(seconds) - 1, round(0.95 * (len(seconds) - 1)))]
    return Measurement(
        PUBLISH_TO_READABLE,
        1,
        p95,
        note=f"p50 {_duration(p50)}, p95 {_duration(p95)} over {len(seconds)} publishes; "
        f"{_duration(seconds[0])} to {_duration(seconds[-1])}",
    )


def result_as_json(result: BenchResult) -> str:
    data = asdict(result)
    for name, measurement in result.measurements.items():
        data["measurements"][name]["per_second"] = measurement.per_second
    return json.dumps(data, indent=2, ensure_ascii=False)
