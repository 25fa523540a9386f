"""Export gates: functions that keep pages out of every channel, such as compliance checks.

``settings.EXPORT_GATES`` lists dotted paths to ``gate(pages) -> {page_id: [reasons]}``. Each
gate sees the pages of a batch at once (up to ``EXPORT_BATCH_SIZE`` pages; for most sites the
whole run), so it can do its own work in bulk; a page id in the answer is left out of every
channel, and the summary reports ``skipped: <slug> (<locale>): <reason>``.

Incremental runs render (and show gates) only the pages whose inputs changed. A gate whose
verdict can change while the page does not (rules kept in a file, say) tells the exporter so
with a ``fingerprint`` attribute: ``gate.fingerprint() -> str``, a digest of whatever else its
verdicts depend on; when it changes, every page is checked again. A gate without one is assumed
to depend on anything, and every run then checks and renders every page.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from django.conf import settings
from django.utils.module_loading import import_string

from cms.articles.models import ArticlePage

from .errors import ExportError

Gate = Callable[[Sequence[ArticlePage]], Mapping[int, Sequence[str]]]


def load_gates(paths: Sequence[str] | None = None) -> list[tuple[str, Gate]]:
    """Import the configured gates; a path that does not import is a configuration error."""
    paths = settings.EXPORT_GATES if paths is None else paths
    gates = []
    for index, path in enumerate(paths):
        try:
            gates.append((path, import_string(path)))
        except ImportError as exc:
            raise ExportError(
                f"settings.EXPORT_GATES[{index}]: cannot import {path!r}: {exc}"
            ) from exc
    return gates


def run_gates(
    gates: Sequence[tuple[str, Gate]], pages: Sequence[ArticlePage]
) -> dict[int, list[str]]:
    """Page id → every reason any gate gave to keep it out.

    A gate that fails stops the export: publishing pages a compliance check could not look at
    would be worse than publishing nothing new.
    """
    blocked: dict[int, list[str]] = {}
    if not pages:
        return blocked
    for path, gate in gates:
        try:
            verdicts = gate(pages)
        except Exception as exc:
            raise ExportError(f"export gate {path} failed: {type(exc).__name__}: {exc}") from exc
        if not isinstance(verdicts, Mapping):
            raise ExportError(f"export gate {path} returned {type(verdicts).__name__}, not a dict")
        for page_id, reasons in verdicts.items():
            if reasons:
                blocked.setdefault(int(page_id), []).extend(str(reason) for reason in reasons)
    return blocked


def gate_fingerprints(gates: Sequence[tuple[str, Gate]]) -> list[tuple[str, str]] | None:
    """Each gate's path and fingerprint; None if a gate has none (then no run is incremental)."""
    fingerprints = []
    for path, gate in gates:
        fingerprint = getattr(gate, "fingerprint", None)
        if not callable(fingerprint):
            return None
        try:
            fingerprints.append((path, str(fingerprint())))
        except Exception as exc:
            raise ExportError(
                f"export gate {path} failed: fingerprint(): {type(exc).__name__}: {exc}"
            ) from exc
    return fingerprints
