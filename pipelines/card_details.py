"""The measured detail sections of the dataset card and its ``dataset_info`` front matter.

Why it exists: a card is trustworthy when a reader can check how the data was made: the
features, example counts and bytes of every config (``dataset_info``, which the Hub shows
without downloading anything), the deduplication parameters and how many near-duplicates each
kept document stood for, the language-ID model and the threshold each language had to pass,
where the pages came from and how politely they were fetched, and what to rerun. Everything
here is read from the written shards and the run definition; :mod:`lingoloom.pipelines.card`
places it in the README.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping, Sequence

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from lingoloom.schemas.config import RunConfig
from lingoloom.schemas.record import RECORD_SCHEMA

_DTYPES = {"float": "float32", "double": "float64", "halffloat": "float16"}
#: Cluster-size buckets of the near-duplicate histogram: (lowest size, label).
CLUSTER_BUCKETS = ((1, "1 (unique)"), (2, "2"), (3, "3-5"), (6, "6-10"), (11, "11-100"), (101, "> 100"))


def feature_yaml(field: pa.Field) -> dict[str, Any]:
    """A field in the Hub's ``dataset_info.features`` form (what ``datasets.Features`` writes)."""
    t = field.type
    if pa.types.is_struct(t):
        return {"name": field.name, "struct": [feature_yaml(t.field(i)) for i in range(t.num_fields)]}
    if pa.types.is_list(t) or pa.types.is_large_list(t):
        item = t.value_field
        if pa.types.is_struct(item.type):
            return {"name": field.name, "list": [feature_yaml(item.type.field(i)) for i in range(item.type.num_fields)]}
        return {"name": field.name, "list": feature_yaml(item)["dtype"]}
    return {"name": field.name, "dtype": _DTYPES.get(str(t), str(t))}


def config_info(name: str, files: Sequence[Path], schema: pa.Schema = RECORD_SCHEMA) -> dict[str, Any]:
    """``dataset_info`` entry of one config: features, examples and bytes (in memory and on disk)."""
    rows = num_bytes = 0
    for path in files:
        meta = pq.ParquetFile(path).metadata
        rows += meta.num_rows
        num_bytes += sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups))
    download = sum(p.stat().st_size for p in files)
    return {
        "config_name": name,
        "features": [feature_yaml(f) for f in schema],
        "splits": [{"name": "train", "num_bytes": num_bytes, "num_examples": rows}],
        "download_size": download,
        "dataset_size": num_bytes,
    }


def dataset_info(out_dir: str | Path, configs: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """``dataset_info`` for every config whose ``data_files`` glob matches Parquet files in ``out_dir``."""
    from lingoloom.filters.balance.local import MIX_SCHEMA

    out = Path(out_dir)
    infos = []
    for config in configs:
        pattern = config["data_files"][0]["path"]
        files = sorted(out.glob(pattern))
        if files:
            schema = MIX_SCHEMA if config["config_name"] == "mix" else RECORD_SCHEMA
            infos.append(config_info(config["config_name"], files, schema))
    return infos


def _column(out: Path, column: str) -> dict[str, pa.ChunkedArray]:
    """``{language: column}`` over the language shards (only that column is read)."""
    result = {}
    for lang_dir in sorted(p for p in (out / "data").glob("*") if p.is_dir()):
        files = sorted(lang_dir.glob("*.parquet"))
        if files:
            result[lang_dir.name] = pa.chunked_array(
                [chunk for f in files for chunk in pq.read_table(f, columns=[column]).column(column).chunks],
                type=RECORD_SCHEMA.field(column).type,
            )
    return result


def cluster_histogram(out_dir: str | Path) -> Counter[str]:
    """Kept documents per near-duplicate cluster-size bucket (null size = not part of MinHash)."""
    histogram: Counter[str] = Counter()
    for sizes in _column(Path(out_dir), "minhash_cluster_size").values():
        for size in sizes.to_pylist():
            if size is None:
                continue
            label = next(lab for low, lab in reversed(CLUSTER_BUCKETS) if size >= low)
            histogram[label] += 1
    return histogram


def dedup_section(config: RunConfig, out_dir: str | Path) -> str:
    """Deduplication settings and the cluster-size histogram of the kept documents."""
    m = config.dedup.minhash
    if m.enabled:
        lsh = (f"threshold {m.threshold} over {m.num_perm} permutations" if m.threshold is not None
               else f"{m.bands} bands × {m.rows} rows ({m.bands * m.rows} permutations)")
        norm = ", ".join(name for name, on in (("NFKC", m.nfkc), ("lower-case", m.lowercase),
                                               ("punctuation removed", m.strip_punctuation),
                                               ("digits → 0", m.normalize_digits)) if on) or "none"
        minhash = (f"- **MinHash near-duplicates**: {m.word_ngram}-word shingles ({m.char_ngram}-character shingles for "
                   f"scripts written without spaces), {lsh}, seed {m.seed}; normalisation: {norm}. One document per "
                   "cluster of near-duplicates is kept.")
    else:
        minhash = "- **MinHash near-duplicates**: off."
    exact = ("- **Exact duplicates**: on (normalised content hash); one copy kept." if config.dedup.exact
             else "- **Exact duplicates**: off.")
    histogram = cluster_histogram(out_dir)
    table = ""
    if histogram:
        total = sum(histogram.values())
        rows = [f"| {label} | {histogram[label]:,} | {histogram[label] / total:.1%} |"
                for _, label in CLUSTER_BUCKETS if histogram[label]]
        table = ("\nSize of the near-duplicate cluster each kept document stands for:\n\n"
                 "| cluster size | kept documents | share |\n|---|---:|---:|\n" + "\n".join(rows) + "\n")
    return f"## Deduplication\n\n{exact}\n{minhash}\n{table}"


def langid_section(config: RunConfig, models: Sequence[Mapping[str, Any]], out_dir: str | Path) -> str:
    """The language-ID model(s) and, per language, the threshold applied and the scores of what was kept."""
    from lingoloom.langid.step import LanguageId

    scores = _column(Path(out_dir), "language_score")
    thresholds = LanguageId(config.langid, packs_dir=config.quality.packs_dir).thresholds_used(scores)
    names = ", ".join(f"`{m.get('name')}`" for m in models) or f"`{config.langid.model}`"
    rows = []
    for lang, column in scores.items():
        mean = pc.mean(column).as_py()
        low = pc.min(column).as_py()
        rows.append(f"| `{lang}` | {thresholds[lang]:.2f} | {mean:.3f} | {low:.3f} |" if mean is not None
                    else f"| `{lang}` | {thresholds[lang]:.2f} | – | – |")
    mixed = "on" if config.langid.mixed else "off"
    script = "on" if config.langid.script_refinement else "off"
    return (
        f"## Language identification\n\nModel: {names} (ensemble: {config.langid.ensemble}); script check: {script}; "
        f"mixed-language detection: {mixed}. A document is kept in a language when its score reaches that "
        f"language's threshold (default {config.langid.default_threshold:.2f}).\n\n"
        "| config | threshold | mean score kept | lowest score kept |\n|---|---:|---:|---:|\n" + "\n".join(rows) + "\n"
    )


def sources_section(config: RunConfig) -> str:
    """Where the pages came from and, for crawls, the crawl policy."""
    lines = []
    for spec in config.inputs:
        if spec.type == "crawl":
            c = spec.crawl
            lines.append(
                f"- **Crawl** (`source: {spec.source}`): seeds {len(c.seeds)}, seed files {len(c.seed_files)}, "
                f"sitemaps {len(c.sitemaps)}, feeds {len(c.feeds)}; depth ≤ {c.max_depth}, ≤ {c.max_pages:,} pages "
                f"(≤ {c.max_pages_per_host:,} per host). robots.txt is honoured for user agent `{c.user_agent}` "
                f"(contact: {c.contact_url}), with at least {c.delay_seconds:g} s between requests to a host "
                f"(robots.txt Crawl-delay honoured up to {c.max_crawl_delay_seconds:g} s)."
            )
        elif spec.type == "commoncrawl":
            cc = spec.commoncrawl
            lines.append(f"- **Common Crawl** `{cc.dump}` ({cc.kind.upper()}): {cc.sample_files} file(s) chosen with "
                         f"seed {cc.seed}; Common Crawl honours robots.txt when it fetches pages.")
        elif spec.type == "warc":
            lines.append(f"- **WARC/WET files** (`source: {spec.source}`): {len(spec.paths)} path pattern(s).")
        else:
            lines.append(f"- **{spec.type.upper()} table** (`source: {spec.source}`), column `{spec.content_field}` "
                         f"holding {spec.content}.")
    return "## Sources and crawl policy\n\n" + "\n".join(lines) + "\n"


def reproducibility_lines(config: RunConfig, config_sha256: str, versions: Mapping[str, str | None]) -> str:
    """The command, the settings checksum and the versions that shape the output."""
    pinned = ", ".join(f"{name} {version}" for name, version in versions.items() if version)
    return (
        f"\n- Rerun: `lingoloom run <definition>.yaml` with the run definition `{config.name}` recorded in `manifest.json`.\n"
        f"- Settings checksum (SHA-256 of the run definition without engine and card settings): `{config_sha256}`.\n"
        f"- Versions: {pinned}.\n"
        "- Every published file is listed in `manifest.json` with its size and SHA-256; "
        "`lingoloom publish` verifies the Hub copy against it.\n"
    )


@dataclass(frozen=True)
class CardExtras:
    """What the card gets beyond the lead's first version: extra configs, ``dataset_info`` and sections."""

    configs: tuple[dict[str, Any], ...] = ()
    dataset_info: list[dict[str, Any]] = field(default_factory=list)
    sections: str = ""
    reproducibility: str = ""


def card_extras(config: RunConfig, out_dir: str | Path, stats: Mapping[str, Mapping[str, int]],
                models: Sequence[Mapping[str, Any]], stages: Sequence[str], config_sha256: str) -> CardExtras:
    """Run balance on the written shards and measure everything the detail sections need."""
    from lingoloom.filters.balance.card import balance_for_card
    from lingoloom.pipelines.manifest import package_versions

    balance = balance_for_card(config.balance, out_dir, stats, stages)
    languages = sorted(p.name for p in (Path(out_dir) / "data").glob("*") if p.is_dir())
    configs = [{"config_name": lang, "data_files": [{"split": "train", "path": f"data/{lang}/*.parquet"}]}
               for lang in languages] + list(balance.configs)
    sections = "\n".join(part for part in (
        balance.sections,
        dedup_section(config, out_dir),
        langid_section(config, models, out_dir) if languages else "",
        sources_section(config),
    ) if part)
    return CardExtras(
        configs=balance.configs,
        dataset_info=dataset_info(out_dir, configs),
        sections=sections,
        reproducibility=reproducibility_lines(config, config_sha256, package_versions()),
    )
