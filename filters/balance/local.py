"""Balance on the local engine: profile the deduplicated Parquet shards, plan the mixture, write the report.

Why it exists: on one machine the clean, deduplicated records are already on disk as Parquet
(``data/<lang>/train-*.parquet``), so balance reads only the columns it needs in batches (never
the whole corpus in memory), computes the plan with the same pure functions as the Beam engine,
writes ``stats/balance.json`` for the card and, when asked, the ``mix`` config
(``mix/train-*.parquet``, outside ``data/`` whose folders are languages): every sampled document
once, with its ``repeats`` count. The report's bytes (:func:`report_json`) and a mix file's table
and writer (:func:`mix_table`, :func:`write_mix_file`) are shared with the Beam engine, so both
publish the same bytes.
"""

from __future__ import annotations

import json
import os
import shutil
import uuid
from pathlib import Path
from typing import Any, Iterable, Sequence

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from lingoloom.filters.balance.mixture import BalancePlan, plan_mixture
from lingoloom.filters.balance.profile import Profiles, merge_profiles, profile_rows
from lingoloom.filters.balance.report import domain_concentration, source_shares, tld_spread
from lingoloom.pipelines.storage import write_bytes
from lingoloom.schemas.balance import BalanceSettings
from lingoloom.schemas.record import RECORD_SCHEMA

PROFILE_COLUMNS = ["id", "text", "language", "domain", "tld", "url"]
#: Schema of the ``mix`` config: the record plus how many times to use it.
MIX_SCHEMA = RECORD_SCHEMA.append(pa.field("repeats", pa.int32(), nullable=False))
BALANCE_REPORT = Path("stats") / "balance.json"
MIX_DIR = Path("mix")


def _batches(paths: Iterable[str | Path], columns: Sequence[str] | None, batch_size: int = 8192) -> Iterable[pa.RecordBatch]:
    for path in paths:
        yield from pq.ParquetFile(path).iter_batches(batch_size=batch_size, columns=columns)


def profile_parquet(paths: Iterable[str | Path]) -> Profiles:
    """Per-language profiles of record Parquet files, read in batches of the needed columns."""
    return merge_profiles(profile_rows(batch.to_pylist()) for batch in _batches(paths, PROFILE_COLUMNS))


def balance_report(profiles: Profiles, plan: BalancePlan, settings: BalanceSettings) -> dict[str, Any]:
    """The JSON-able balance report the card renders: settings, plan and per-language findings."""
    languages = {}
    for lang, profile in sorted(profiles.items()):
        conc = domain_concentration(profile)
        spread = tld_spread(profile)
        languages[lang] = {
            "documents": profile.documents,
            "chars": profile.chars,
            "concentration": {
                "domains": conc.domains,
                "top10_share": conc.top10_share,
                "entropy_bits": conc.entropy_bits,
                "normalized_entropy": conc.normalized_entropy,
                "top_domains": [list(x) for x in conc.top_domains],
            },
            "tld": {"cctld_share": spread.cctld_share, "cctlds": spread.cctlds, "top_tlds": [list(x) for x in spread.top_tlds]},
            "source_types": source_shares(profile),
        }
    return {"settings": settings.model_dump(mode="json"), "plan": plan.as_dict(), "languages": languages}


def report_json(profiles: Profiles, plan: BalancePlan, settings: BalanceSettings) -> bytes:
    """The bytes of ``stats/balance.json``."""
    return (json.dumps(balance_report(profiles, plan, settings), indent=1, ensure_ascii=False) + "\n").encode("utf-8")


def mix_file_name(index: int, count: int) -> str:
    """``train-0000k-of-0000n.parquet``: mix file ``index`` of ``count`` (one per language shard, in path order)."""
    return f"train-{index:05d}-of-{count:05d}.parquet"


def mix_table(shard: pa.Table, repeats: Sequence[int]) -> pa.Table:
    """The mix rows of one language shard: its rows with ``repeats`` > 0, in shard order, with that column."""
    sampled = shard.append_column(MIX_SCHEMA.field("repeats"), pa.array(repeats, pa.int32()))
    sampled = sampled.filter(pc.greater(sampled.column("repeats"), 0))
    return sampled.cast(MIX_SCHEMA).combine_chunks()


def write_mix_file(table: pa.Table, path: str | Path) -> Path:
    """Write a mix table to the local ``path`` (zstd) via a temporary sibling and a rename."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{uuid.uuid4().hex}.tmp")
    try:
        pq.write_table(table, tmp, compression="zstd")
        os.replace(tmp, target)
    finally:
        if tmp.exists():
            tmp.unlink()
    return target


def write_mix(paths: Sequence[str | Path], plan: BalancePlan, out_dir: str | Path) -> list[Path]:
    """Write ``mix/train-k-of-n.parquet``, one per input shard: sampled rows once each, with ``repeats``."""
    out = Path(out_dir) / MIX_DIR
    out.mkdir(parents=True, exist_ok=True)
    for stale in out.glob("*.parquet"):
        stale.unlink()
    written = []
    ordered = sorted(Path(p) for p in paths)
    for k, path in enumerate(ordered):
        table = pq.read_table(path, schema=RECORD_SCHEMA)
        ids, langs, domains = (table.column(c).to_pylist() for c in ("id", "language", "domain"))
        repeats = [plan.repeats(doc_id, lang, dom) for doc_id, lang, dom in zip(ids, langs, domains)]
        written.append(write_mix_file(mix_table(table, repeats), out / mix_file_name(k, len(ordered))))
    return written


def run_balance_local(shard_paths: Sequence[str | Path], settings: BalanceSettings, out_dir: str | Path) -> BalancePlan:
    """Profile the language shards, plan the mixture, write ``stats/balance.json`` (and the mix config if enabled)."""
    language_shards = list(shard_paths)
    profiles = profile_parquet(language_shards)
    plan = plan_mixture(profiles, settings)
    write_bytes(Path(out_dir) / BALANCE_REPORT, report_json(profiles, plan, settings))
    if settings.materialize_mix:
        write_mix(language_shards, plan, out_dir)
    elif (Path(out_dir) / MIX_DIR).is_dir():
        shutil.rmtree(Path(out_dir) / MIX_DIR)  # a mix from an earlier run with other settings
    return plan
