"""The measured detail sections of the dataset card and its ``dataset_info`` front matter.

Why it exists: a card is trustworthy when a reader can check how the data was made: the
features, example counts and bytes of every config (``dataset_info``, which the Hub shows
without downloading anything), the deduplication parameters and how many near-duplicates each
kept document stood for, the language-ID model and the threshold each language had to pass,
where the pages came from and how politely they were fetched, and what to rerun. Everything
here comes from the measurements of the written files (``stats/shards.json``, see
:mod:`lingoloom.pipelines.report`) and the run definition, never from reading the shards again, so
it works for an output folder on ``gs://``; :mod:`lingoloom.pipelines.card` places it in the README.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

import pyarrow as pa

from lingoloom.langid.calibrated import thresholds_for_run, thresholds_reported
from lingoloom.langid.thresholds import ScoreHistograms, ThresholdUsed
from lingoloom.pipelines.report import CLUSTER_BUCKETS, MIX_CONFIG_NAME, language_entries
from lingoloom.pipelines.storage import OutputFolder
from lingoloom.schemas.config import RunConfig
from lingoloom.schemas.record import RECORD_SCHEMA

_DTYPES = {"float": "float32", "double": "float64", "halffloat": "float16"}
Entries = Sequence[Mapping[str, Any]]


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


def config_info(name: str, entries: Entries, schema: pa.Schema = RECORD_SCHEMA) -> dict[str, Any]:
    """``dataset_info`` entry of one config from its files' measurements: features, examples and bytes."""
    num_bytes = sum(e["num_bytes"] for e in entries)
    return {
        "config_name": name,
        "features": [feature_yaml(f) for f in schema],
        "splits": [{"name": "train", "num_bytes": num_bytes, "num_examples": sum(e["rows"] for e in entries)}],
        "download_size": sum(e["size"] for e in entries),
        "dataset_size": num_bytes,
    }


def dataset_info(entries: Entries, configs: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """``dataset_info`` for every config of ``configs`` that has measured Parquet files in ``entries``."""
    from lingoloom.filters.balance.local import MIX_SCHEMA

    infos = []
    for config in configs:
        name = config["config_name"]
        files = [e for e in entries if e["config"] == name]
        if files:
            infos.append(config_info(name, files, MIX_SCHEMA if name == MIX_CONFIG_NAME else RECORD_SCHEMA))
    return infos


def cluster_histogram(entries: Entries) -> Counter[str]:
    """Kept documents per near-duplicate cluster-size bucket (documents outside MinHash not counted)."""
    histogram: Counter[str] = Counter()
    for files in language_entries(entries).values():
        for entry in files:
            histogram.update(entry["cluster_sizes"])
    return histogram


def dedup_section(config: RunConfig, entries: Entries) -> str:
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
    histogram = cluster_histogram(entries)
    table = ""
    if histogram:
        total = sum(histogram.values())
        rows = [f"| {label} | {histogram[label]:,} | {histogram[label] / total:.1%} |"
                for _, label in CLUSTER_BUCKETS if histogram[label]]
        table = ("\nSize of the near-duplicate cluster each kept document stands for:\n\n"
                 "| cluster size | kept documents | share |\n|---|---:|---:|\n" + "\n".join(rows) + "\n")
    return f"## Deduplication\n\n{exact}\n{minhash}\n{table}"


def _threshold_origin(used: ThresholdUsed) -> str:
    if used.origin == "calibrated":
        return f"calibrated (median {used.median:.4f} − σ {used.stdev:.4f})"
    return used.origin


def langid_section(config: RunConfig, models: Sequence[Mapping[str, Any]], entries: Entries,
                   used: Mapping[str, ThresholdUsed] | None = None) -> str:
    """The language-ID model(s) and, per language, the threshold applied (``used``: the run's
    ``stats/langid_thresholds.json``; without it, the configured, pack or fixed one), where it came
    from, how many documents were labelled with the language, and the scores of what was kept."""
    languages = language_entries(entries)
    used = dict(used or {})
    missing = [lang for lang in languages if lang not in used]
    if missing:
        used.update(thresholds_for_run(ScoreHistograms(), config.langid, config.quality.packs_dir, missing))
    thresholds = {lang: f"{t:.2f}" if round(t, 2) == t else f"{t:.4f}"
                  for lang, t in ((lang, used[lang].threshold) for lang in languages)}
    names = ", ".join(f"`{m.get('name')}`" for m in models) or f"`{config.langid.model}`"
    rows = []
    for lang, files in languages.items():
        scored = sum(e["score_count"] for e in files)
        if scored:
            mean = sum(e["score_sum"] for e in files) / scored
            low = min(e["score_min"] for e in files if e["score_count"])
            scores = f"{mean:.3f} | {low:.3f}"
        else:
            scores = "– | –"
        labelled = f"{used[lang].documents:,}" if used[lang].documents else "–"
        rows.append(f"| `{lang}` | {thresholds[lang]} | {scores} | {_threshold_origin(used[lang])} | {labelled} |")
    mixed = "on" if config.langid.mixed else "off"
    script = "on" if config.langid.script_refinement else "off"
    rule = ("calibrated from the run's own scores of the language with FineWeb-2's rule max(0.3, min(0.9, "
            f"median − σ)) when at least {config.langid.calibration_min_documents:,} documents carry it"
            if config.langid.threshold_mode == "pack_or_calibrated" else "a fixed default")
    return (
        f"## Language identification\n\nModel: {names} (ensemble: {config.langid.ensemble}); script check: {script}; "
        f"mixed-language detection: {mixed}. A document is kept in a language when its score reaches that "
        f"language's threshold: the run's setting, else the language pack's, else {rule} "
        f"(fixed default {config.langid.default_threshold:.2f}). *labelled*: documents the model gave the "
        "language, before any threshold.\n\n"
        "| config | threshold | mean score kept | lowest score kept | threshold from | labelled |\n"
        "|---|---:|---:|---:|---|---:|\n" + "\n".join(rows) + "\n"
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


def card_extras(config: RunConfig, folder: OutputFolder, entries: Entries, stats: Mapping[str, Mapping[str, int]],
                models: Sequence[Mapping[str, Any]], stages: Sequence[str], config_sha256: str) -> CardExtras:
    """The detail sections and ``dataset_info`` from the files' measurements; balance sections and plots
    from ``stats/balance.json`` (plots written into ``folder``)."""
    from lingoloom.filters.balance.card import balance_for_card
    from lingoloom.pipelines.manifest import package_versions

    balance = balance_for_card(config.balance, folder, entries, stats, stages)
    languages = list(language_entries(entries))
    configs = [{"config_name": lang, "data_files": [{"split": "train", "path": f"data/{lang}/*.parquet"}]}
               for lang in languages] + list(balance.configs)
    sections = "\n".join(part for part in (
        balance.sections,
        dedup_section(config, entries),
        langid_section(config, models, entries, thresholds_reported(folder)) if languages else "",
        sources_section(config),
    ) if part)
    return CardExtras(
        configs=balance.configs,
        dataset_info=dataset_info(entries, configs),
        sections=sections,
        reproducibility=reproducibility_lines(config, config_sha256, package_versions()),
    )
