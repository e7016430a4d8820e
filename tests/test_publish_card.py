"""Card details that the Hub and readers rely on: dataset_info, dedup histogram, langid thresholds, sources."""

from __future__ import annotations

import hashlib
from pathlib import Path

import datasets
import pyarrow.parquet as pq

from lingoloom.filters.balance.local import MIX_SCHEMA
from lingoloom.langid.step import LanguageId
from lingoloom.pipelines.card_details import (
    cluster_histogram,
    dataset_info,
    dedup_section,
    feature_yaml,
    langid_section,
    sources_section,
)
from lingoloom.pipelines.report import measure_output
from lingoloom.schemas.config import parse_run_config
from lingoloom.schemas.record import RECORD_SCHEMA, rows_to_table


def _shards(out: Path) -> None:
    for lang, sizes, score in (("vie_Latn", [1, 1, 2, 7, None], 0.91), ("cmn_Hans", [1, 150], 0.99)):
        rows = [{"id": f"{lang}{i}", "text": f"{lang} text {i}", "source": "t", "language": lang,
                 "language_score": score - i / 100, "minhash_cluster_size": size,
                 "content_hash": hashlib.sha1(f"{lang}{i}".encode()).hexdigest()} for i, size in enumerate(sizes)]
        path = out / "data" / lang / "train-00000-of-00001.parquet"
        path.parent.mkdir(parents=True, exist_ok=True)
        pq.write_table(rows_to_table(rows), path)


def test_features_are_written_exactly_as_the_datasets_library_writes_them() -> None:
    for schema in (RECORD_SCHEMA, MIX_SCHEMA):
        assert [feature_yaml(f) for f in schema] == datasets.Features.from_arrow_schema(schema)._to_yaml_list()


def test_dataset_info_counts_examples_and_bytes_per_config(tmp_path: Path) -> None:
    _shards(tmp_path)
    configs = [{"config_name": lang, "data_files": [{"split": "train", "path": f"data/{lang}/*.parquet"}]}
               for lang in ("cmn_Hans", "vie_Latn", "missing_Latn")]
    info = {i["config_name"]: i for i in dataset_info(measure_output(tmp_path), configs)}
    assert set(info) == {"cmn_Hans", "vie_Latn"}
    assert info["vie_Latn"]["splits"][0]["num_examples"] == 5
    shard = tmp_path / "data" / "vie_Latn" / "train-00000-of-00001.parquet"
    assert info["vie_Latn"]["download_size"] == shard.stat().st_size
    assert info["vie_Latn"]["dataset_size"] > 0


def test_dedup_and_langid_sections_are_measured_from_the_shards(tmp_path: Path) -> None:
    _shards(tmp_path)
    measured = measure_output(tmp_path)
    assert cluster_histogram(measured) == {"1 (unique)": 3, "2": 1, "6-10": 1, "> 100": 1}
    config = parse_run_config({
        "name": "t",
        "inputs": [{"type": "crawl", "crawl": {"seeds": ["https://example.org/"], "user_agent": "lingoloom-bot"}}],
        "langid": {"thresholds": {"vie_Latn": 0.8}},
        "dedup": {"minhash": {"bands": 10, "rows": 9}},
    }, "test")
    dedup = dedup_section(config, measured)
    assert "10 bands × 9 rows (90 permutations)" in dedup and "| > 100 | 1 | 16.7% |" in dedup
    langid = langid_section(config, [{"name": "lid176"}], measured)
    assert "| `vie_Latn` | 0.80 | 0.890 | 0.870 |" in langid
    applied = LanguageId(config.langid).threshold("cmn_Hans")  # the language pack's or the default
    assert f"| `cmn_Hans` | {applied:.2f} | 0.985 | 0.980 |" in langid
    sources = sources_section(config)
    assert "robots.txt is honoured for user agent `lingoloom-bot`" in sources


def test_card_names_the_language_id_models_the_run_used() -> None:
    from lingoloom.pipelines.card import LID176_ATTRIBUTION, render_card
    from lingoloom.pipelines.graph import STAGE_ORDER

    config = parse_run_config({"name": "t", "inputs": [{"type": "warc", "paths": ["x.warc"]}]}, "test")
    glotlid = [{"name": "glotlid-v3", "licence": "Apache-2.0", "sha256": "ab" * 32}]
    card = render_card(config, [], {}, glotlid, STAGE_ORDER)
    assert "identified by language with `glotlid-v3`" in card and "`glotlid-v3` (Apache-2.0)" in card
    assert LID176_ATTRIBUTION not in card and "`lid.176.ftz`" in card and "was not used for this dataset" in card
    both = [{"name": "lid176", "licence": "CC-BY-SA-3.0", "sha256": "cd" * 32},
            {"name": "heliport", "licence": "GPL-3.0", "sha256": ""}]
    card = render_card(config, [], {}, both, STAGE_ORDER)
    assert "identified by language with `lid176` + `heliport`" in card and LID176_ATTRIBUTION in card
