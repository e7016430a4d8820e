"""The dataset card (``<out>/README.md``): Hub-valid front matter and a body written from measurements.

Why it exists: people who download a dataset decide whether to trust it from its card. The
front matter must be what the Hub validates (``language`` in ISO 639-1 where one exists, else
639-3; one ``configs`` entry per language; the right ``size_categories`` bucket) and the body
must state what is inside by language, what was removed and why, and the licences of the
models and data the run used (lid.176 is CC BY-SA 3.0 and must be attributed).
"""

from __future__ import annotations

from typing import Any, Mapping, Sequence

from huggingface_hub import DatasetCardData

from lingoloom.pipelines.card_details import CardExtras
from lingoloom.langid.labels import bcp47, card_language_code
from lingoloom.pipelines.report import LanguageFigures, size_category
from lingoloom.pipelines.stats import RunStats, stage_rows
from lingoloom.schemas.config import RunConfig

LID176_ATTRIBUTION = (
    "Language identification uses the fastText language-identification model `lid.176.ftz` "
    "(Joulin et al., 2016; Grave et al., 2018), © Facebook, Inc., licensed under "
    "[CC BY-SA 3.0](https://creativecommons.org/licenses/by-sa/3.0/); the model is used unmodified."
)
LID176_NOT_USED = (
    "lingoloom's default language-identification model, fastText `lid.176.ftz` (Joulin et al., 2016; "
    "Grave et al., 2018; © Facebook, Inc., [CC BY-SA 3.0](https://creativecommons.org/licenses/by-sa/3.0/)), "
    "was not used for this dataset: the models above were."
)


def lid_attribution(models: Sequence[Mapping[str, Any]]) -> str:
    """The card's sentence on lid.176: its attribution when the run used it, else that it did not."""
    return LID176_ATTRIBUTION if any(m.get("name") == "lid176" for m in models) else LID176_NOT_USED


def card_metadata(config: RunConfig, figures: list[LanguageFigures], extra_configs: Sequence[dict] = ()) -> DatasetCardData:
    """Front matter: language codes, configs (one per language, then ``extra_configs``), licence, task, size, multilinguality."""
    total = sum(f.documents for f in figures)
    labels = [f.language for f in figures]
    languages = sorted({card_language_code(label) for label in labels})
    configs = [
        {"config_name": label, "data_files": [{"split": "train", "path": f"data/{label}/*.parquet"}]}
        for label in sorted(labels)
    ] + list(extra_configs)
    return DatasetCardData(
        language=languages,
        license=config.card.license,
        task_categories=["text-generation"],
        size_categories=[size_category(total)],
        multilinguality="multilingual" if len(labels) > 1 else "monolingual",
        pretty_name=config.card.pretty_name or config.name,
        source_datasets=config.card.source_datasets,
        language_details=[bcp47(label) for label in sorted(labels)],
        configs=configs,
    )


def _language_table(figures: list[LanguageFigures]) -> str:
    total_docs = sum(f.documents for f in figures) or 1
    total_chars = sum(f.characters for f in figures) or 1
    lines = [
        "| config | BCP-47 | documents | characters | share of documents | share of characters |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for f in figures:
        lines.append(
            f"| `{f.language}` | {bcp47(f.language)} | {f.documents:,} | {f.characters:,} | "
            f"{f.documents / total_docs:.1%} | {f.characters / total_chars:.1%} |"
        )
    return "\n".join(lines)


def _removal_table(stats: RunStats, stage_order: tuple[str, ...]) -> str:
    lines = ["| stage | in | kept | dropped | main reasons |", "|---|---:|---:|---:|---|"]
    for stage, seen, kept, dropped, reasons in stage_rows(stats, stage_order, top_reasons=4):
        shown = ", ".join(f"{reason} ({n:,})" for reason, n in reasons) or "–"
        lines.append(f"| {stage} | {seen:,} | {kept:,} | {dropped:,} | {shown} |")
    return "\n".join(lines)


def render_card(config: RunConfig, figures: list[LanguageFigures], stats: RunStats,
                models: list[dict], stage_order: tuple[str, ...], extras: CardExtras | None = None) -> str:
    """The whole README.md text; ``extras`` adds the ``mix`` config, ``dataset_info`` and the measured sections."""
    extras = extras or CardExtras()
    data = card_metadata(config, figures, extras.configs)
    if extras.dataset_info:
        data.dataset_info = extras.dataset_info
    total = sum(f.documents for f in figures)
    model_lines = "\n".join(
        f"- `{m.get('name')}` ({m.get('licence', 'licence unknown')}), sha256 `{m.get('sha256', '?')[:16]}…`"
        for m in models
    ) or "- none recorded"
    lid_names = " + ".join(f"`{m.get('name')}`" for m in models) or "a language-ID model"
    description = config.card.description or config.description or "A multilingual web-text dataset."
    first = figures[0].language if figures else "eng_Latn"
    body = f"""
# {data.pretty_name}

{description}

Built with [lingoloom](https://github.com/lingoloom/lingoloom): web pages were extracted with trafilatura,
identified by language with {lid_names}, filtered for quality with per-language thresholds and de-duplicated.
It holds **{total:,} documents in {len(figures)} language configs**.

## Languages

{_language_table(figures)}

Load one language:

```python
from datasets import load_dataset
ds = load_dataset("<this repo>", "{first}", split="train")
```

## What was removed, and why

Counts of documents entering and leaving each stage (from the run's `stats/stats.json`; per language in that file).

{_removal_table(stats, stage_order)}

{extras.sections}
## Data fields

`id` (stable hash of URL and content), `text`, `url`, `domain`, `tld`, `source`, `fetch_time`,
`language` (ISO 639-3 + ISO 15924 script), `language_score`, `top_languages`, `language_mixed`,
`title`, `author`, `published`, `canonical_url`, `declared_language`, `quality` (signals computed by the
filters), `minhash_cluster_size`, `content_hash`, `warc_record_id`.

## Models and licences

{model_lines}

{lid_attribution(models)}

The dataset itself is released under `{config.card.license}`. Its texts remain subject to the rights of their
authors and publishers.

## Reproducibility

The full run definition, package versions, model checksums and per-stage counts are in `manifest.json`.
{extras.reproducibility}"""
    return f"---\n{data.to_yaml()}\n---\n{body}"
