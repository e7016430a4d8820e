"""Apply the decisions of a global stage (exact dedup, MinHash, domain caps) record by record.

Why it exists: global stages are split into decide (needs a view of many records, writes small
decision files) and apply (a per-record step). Applying is the same for every global stage:
drop the records a decision file removes, with that stage's name and reason, and copy
annotations (``minhash_cluster_size``) onto the survivors. Being a :class:`RecordStep`, the
drops are counted per reason and language like any other stage.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pyarrow.compute as pc
import pyarrow.parquet as pq
from datatrove.data import Document

from lingoloom.pipelines.steps import RecordStep


@dataclass
class Decisions:
    """What one global stage decided, keyed by record id."""

    removed: dict[str, str] = field(default_factory=dict)
    cluster_sizes: dict[str, int] = field(default_factory=dict)
    keep_copy: dict[str, str | None] = field(default_factory=dict)


def load_decisions(files: list[str | Path], default_reason: str) -> Decisions:
    """Read decision Parquet files.

    A decision file has an ``id`` column and either ``keep`` (bool; MinHash style, one row per
    record) or only rows for removed records. ``drop_reason`` and ``minhash_cluster_size`` are
    optional columns; rows without a reason get ``default_reason``. A row with ``keep_record_id``
    set does not remove its id: it says that of several copies sharing the id only the copy with
    that WARC record id (or, failing that, the first one seen) is kept.
    """
    decisions = Decisions()
    for path in files:
        table = pq.read_table(path)
        names = table.column_names
        ids = table.column("id").to_pylist()
        keep = table.column("keep").to_pylist() if "keep" in names else [False] * len(ids)
        reasons = table.column("drop_reason").to_pylist() if "drop_reason" in names else [None] * len(ids)
        sizes = table.column("minhash_cluster_size").to_pylist() if "minhash_cluster_size" in names else None
        copies = table.column("keep_record_id").to_pylist() if "keep_record_id" in names else [None] * len(ids)
        for index, doc_id in enumerate(ids):
            if keep[index]:
                if sizes is not None and sizes[index] is not None:
                    decisions.cluster_sizes[doc_id] = int(sizes[index])
            elif copies[index] is not None:
                decisions.keep_copy[doc_id] = copies[index]
            else:
                decisions.removed[doc_id] = reasons[index] or default_reason
    return decisions


class ApplyDecisions(RecordStep):
    """Drops the records that ``decision_files`` remove; annotates the rest.

    ``decision_files`` is either a list (every task loads all of them) or a dict mapping an input
    record file name to its own decision file (each task loads only its own; MinHash style).
    """

    def __init__(self, stage: str, decision_files: list[str] | dict[str, str], record_files: list[str] | None = None,
                 default_reason: str = "duplicate"):
        super().__init__()
        self.default_reason = default_reason
        self.stage = stage
        self.name = stage
        self.decision_files = decision_files
        self.record_files = record_files or []
        self._decisions: Decisions | None = None
        self._copies_kept: set[str] = set()

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        state["_decisions"], state["_copies_kept"] = None, set()
        return state

    def _files_for_rank(self, rank: int, world_size: int) -> list[str]:
        if isinstance(self.decision_files, dict):
            mine = [Path(p).name for p in self.record_files[rank::world_size]]
            return [self.decision_files[name] for name in mine if name in self.decision_files]
        return list(self.decision_files)

    def run(self, data, rank: int = 0, world_size: int = 1):
        if self._decisions is None:
            self._decisions = load_decisions(self._files_for_rank(rank, world_size), self.default_reason)
        yield from super().run(data, rank, world_size)

    def process(self, doc: Document) -> str | None:
        decisions = self._decisions
        reason = decisions.removed.get(doc.id)
        if reason is not None:
            return reason
        if doc.id in decisions.keep_copy:
            wanted = decisions.keep_copy[doc.id]
            if doc.id in self._copies_kept or doc.metadata.get("warc_record_id") not in (wanted, None):
                return self.default_reason
            self._copies_kept.add(doc.id)
        if doc.id in decisions.cluster_sizes:
            doc.metadata["minhash_cluster_size"] = decisions.cluster_sizes[doc.id]
        return None
