"""Move the alias to a new mapping version without stopping the workers or losing a write.

The engine run here has no ``_reindex`` API, so documents are copied by scroll (``helpers.scan``)
and ``streaming_bulk``. Workers keep writing to the alias — that is, to the old index — while the
copy runs, so the copy is followed by catch-up passes over what was indexed since the previous
pass began, then the alias is swapped in one atomic ``update_aliases``, then one last catch-up
takes what was written to the old index just before the swap. Copies keep each document's
version (``version_type=external_gte``, as the workers write: see ``indexer/pipeline.py``), so a
catch-up never overwrites a newer copy that reached the new index after the swap: the engine
answers 409 and the copy is skipped.
The old index is kept (``delete_old`` removes it) so that the swap can be undone by hand.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from elasticsearch import Elasticsearch, NotFoundError, helpers

from ann.document import DocField, localized
from indexer.mapping import MAPPING_VERSION, MAPPINGS, SETTINGS, index_name

_CHUNK = 500
_CLOCK_SKEW = timedelta(seconds=5)  # workers' clocks stamp indexed_at, not this process's
_MAX_CATCH_UPS = 5
CONFLICT = 409


class ReindexError(RuntimeError):
    """The alias cannot be moved (it does not exist, or points at several indices)."""


@dataclass
class ReindexReport:
    source: str
    target: str
    copied: int = 0
    caught_up: int = 0
    failed: list[str] = field(default_factory=list)
    """Document ids the new mapping refused, with the reason."""
    swapped: bool = False
    deleted_old: bool = False


def current_index(es: Elasticsearch, alias: str) -> str:
    """The one index the alias points at."""
    try:
        indices = list(es.indices.get_alias(name=alias))
    except NotFoundError as error:
        raise ReindexError(f"no alias {alias!r}: nothing indexed yet") from error
    if len(indices) != 1:
        raise ReindexError(f"alias {alias!r} points at {sorted(indices)}; expected one index")
    return indices[0]


def _since(moment: datetime | None) -> dict[str, Any]:
    if moment is None:
        return {"match_all": {}}
    return {"range": {DocField.indexed_at: {"gte": (moment - _CLOCK_SKEW).isoformat()}}}


def _copy(
    es: Elasticsearch, source: str, target: str, since: datetime | None, report: ReindexReport,
    progress: Callable[[int], None],
) -> int:
    """Copy the documents of ``source`` indexed since ``since`` (all when None) to ``target``
    at their versions; a newer version already in ``target`` is kept."""
    copied = 0
    hits = helpers.scan(es, index=source, query={"query": _since(since), "version": True},
                        size=_CHUNK)
    for chunk in _chunks(hits):
        actions = ({"_index": target, "_id": hit["_id"], "_source": upgraded(hit["_source"]),
                    "version": hit["_version"], "version_type": "external_gte"}
                   for hit in chunk)
        for ok, item in helpers.streaming_bulk(es, actions, chunk_size=_CHUNK,
                                               raise_on_error=False, max_retries=3):
            if ok:
                copied += 1
            elif item["index"].get("status") != CONFLICT:  # 409: target has a newer copy
                error = item["index"].get("error") or {}
                report.failed.append(f"{item['index']['_id']}: {error.get('reason', error)}")
        progress(len(chunk))
    return copied


def upgraded(source: dict[str, Any]) -> dict[str, Any]:
    """A document of an older version with the fields the writer derives now: ``localized``
    (mapping version 3) for one indexed before it existed."""
    if source.get(DocField.localized) is None:
        return {**source, DocField.localized: localized(source)}
    return source


def _chunks(hits: Iterable[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    chunk: list[dict[str, Any]] = []
    for hit in hits:
        chunk.append(hit)
        if len(chunk) == _CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def reindex(
    es: Elasticsearch, alias: str, *, version: int = MAPPING_VERSION, delete_old: bool = False,
    progress: Callable[[int], None] = lambda n: None,
) -> ReindexReport:
    """Copy the alias's index into ``<alias>-v<version>`` (current mapping) and swap the alias."""
    source, target = current_index(es, alias), index_name(alias, version)
    report = ReindexReport(source=source, target=target)
    if source == target:
        return report
    if not es.indices.exists(index=target):
        es.indices.create(index=target, settings=SETTINGS, mappings=MAPPINGS)
    started = datetime.now(UTC)
    report.copied = _copy(es, source, target, None, report, progress)
    for _ in range(_MAX_CATCH_UPS):  # until a pass finds nothing new
        es.indices.refresh(index=source)
        pass_started = datetime.now(UTC)
        caught = _copy(es, source, target, started, report, progress)
        report.caught_up += caught
        started = pass_started
        if not caught:
            break
    es.indices.update_aliases(actions=[
        {"remove": {"index": source, "alias": alias}},
        {"add": {"index": target, "alias": alias, "is_write_index": True}},
    ])
    report.swapped = True
    es.indices.refresh(index=source)
    report.caught_up += _copy(es, source, target, started, report, progress)
    es.indices.refresh(index=target)
    if delete_old and not report.failed:
        es.indices.delete(index=source)
        report.deleted_old = True
    return report
