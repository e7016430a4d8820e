"""Run definitions (``runs/*.yaml``): validated, strict, and reported with the YAML path of each error.

Why it exists: one run definition must mean the same thing on a laptop and on Dataflow, and a
typo must fail before hours of work, not be ignored. Every section is a pydantic model with
``extra="forbid"``; each area of the pipeline owns its section's model (``schemas/<area>.py``)
and this module composes them.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any, Literal, Union

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from lingoloom.schemas.balance import BalanceSettings
from lingoloom.schemas.crawl import CommonCrawlSettings, CrawlSettings
from lingoloom.schemas.extract import ExtractSettings
from lingoloom.schemas.langid import LangIdSettings
from lingoloom.schemas.minhash import MinHashSettings
from lingoloom.schemas.quality import QualitySettings

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class WarcInput(_Strict):
    """WARC or WET files: local paths, globs, or fsspec URLs (gs://, s3://, https://)."""

    type: Literal["warc"] = "warc"
    paths: list[str] = Field(min_length=1, description="Paths, globs or URLs of .warc / .warc.gz files.")
    source: str = Field("warc", description="Value of the records' `source` field.")


class CrawlInput(_Strict):
    """Crawl sites first (politely, into WARC under the run's work folder), then read what was fetched."""

    type: Literal["crawl"] = "crawl"
    crawl: CrawlSettings
    source: str = Field("crawl", description="Value of the records' `source` field.")


class CommonCrawlInput(_Strict):
    """A deterministic sample of a Common Crawl dump (WARC or WET)."""

    type: Literal["commoncrawl"] = "commoncrawl"
    commoncrawl: CommonCrawlSettings
    source: str | None = Field(None, description="Defaults to the dump id.")


class TableInput(_Strict):
    """Existing Parquet or JSONL data holding text (already extracted) or raw HTML."""

    type: Literal["parquet", "jsonl"]
    paths: list[str] = Field(min_length=1)
    content: Literal["text", "html"] = Field("text", description="Whether the column holds plain text or HTML.")
    content_field: str = Field("text", description="Column with the text or HTML.")
    url_field: str | None = Field("url", description="Column with the page URL, if any.")
    source: str = Field("dataset", description="Value of the records' `source` field.")


InputSpec = Annotated[Union[WarcInput, CrawlInput, CommonCrawlInput, TableInput], Field(discriminator="type")]


class DedupSettings(_Strict):
    """Deduplication: exact (normalised content hash) first, then MinHash near-duplicates."""

    exact: bool = Field(True, description="Remove exact duplicates of the normalised text.")
    minhash: MinHashSettings = Field(default_factory=MinHashSettings)


class OutputSettings(_Strict):
    """Where and how the dataset is written."""

    dir: str | None = Field(None, description="Output folder; defaults to runs/<name>/.")
    max_rows_per_shard: int = Field(100_000, ge=1)
    max_bytes_per_shard: int = Field(256 * 1024 * 1024, ge=1024)


class EngineSettings(_Strict):
    """Which engine runs the job and with how many workers."""

    name: Literal["local", "beam"] = "local"
    workers: int = Field(2, ge=1, description="Worker processes (local) or direct_num_workers (Beam, local runner).")
    runner: str = Field("FnApiRunner", description="Beam runner (FnApiRunner locally, DataflowRunner at scale).")
    pipeline_options: list[str] = Field(default_factory=list, description="Extra Beam pipeline options.")


class CardSettings(_Strict):
    """Dataset-card metadata that is a decision, not a measurement."""

    pretty_name: str | None = None
    license: str = Field("odc-by", description="Licence of the published dataset (Hub licence id).")
    description: str | None = None
    source_datasets: list[str] = Field(default_factory=lambda: ["original"])


class HubSettings(_Strict):
    """Hugging Face Hub target for `lingoloom publish`."""

    repo: str | None = Field(None, description="ORG/NAME of the dataset repository.")
    private: bool = False
    revision: str | None = None


class RunConfig(_Strict):
    """A named run: inputs, stage settings, output, engine, card and Hub target."""

    name: str
    description: str | None = None
    inputs: list[InputSpec] = Field(min_length=1)
    extract: ExtractSettings = Field(default_factory=ExtractSettings)
    langid: LangIdSettings = Field(default_factory=LangIdSettings)
    quality: QualitySettings = Field(default_factory=QualitySettings)
    dedup: DedupSettings = Field(default_factory=DedupSettings)
    balance: BalanceSettings = Field(default_factory=BalanceSettings)
    output: OutputSettings = Field(default_factory=OutputSettings)
    engine: EngineSettings = Field(default_factory=EngineSettings)
    card: CardSettings = Field(default_factory=CardSettings)
    hub: HubSettings = Field(default_factory=HubSettings)

    @model_validator(mode="after")
    def _check_name(self) -> "RunConfig":
        if not _NAME.match(self.name):
            raise ValueError(f"name {self.name!r} must be letters, digits, '.', '_' or '-' (it names the output folder)")
        return self

    def output_dir(self, base: str | Path = "runs") -> Path:
        """The output folder: ``output.dir`` or ``<base>/<name>``."""
        return Path(self.output.dir) if self.output.dir else Path(base) / self.name


class ConfigError(ValueError):
    """A run definition is invalid; the message lists each problem with its YAML path."""


def _yaml_path(location: tuple[Any, ...]) -> str:
    parts: list[str] = []
    for item in location:
        if isinstance(item, int):
            parts.append(f"[{item}]")
        elif item in ("warc", "crawl", "commoncrawl", "parquet", "jsonl") and parts and parts[-1].startswith("["):
            continue
        else:
            parts.append(("." if parts else "") + str(item))
    return "".join(parts) or "<top level>"


def format_validation_error(err: ValidationError, origin: str) -> str:
    """One line per problem: ``<file>: <yaml.path>: <message>``."""
    lines = []
    for problem in err.errors():
        message = problem["msg"]
        if problem["type"] == "extra_forbidden":
            message = "unknown key (check the spelling; see the documented keys in README.md)"
        lines.append(f"{origin}: {_yaml_path(problem['loc'])}: {message}")
    return "\n".join(lines)


def parse_run_config(data: Any, origin: str = "<config>") -> RunConfig:
    """Validate already-parsed YAML data; raise :class:`ConfigError` with YAML paths."""
    if not isinstance(data, dict):
        raise ConfigError(f"{origin}: the run definition must be a YAML mapping, got {type(data).__name__}")
    try:
        return RunConfig.model_validate(data)
    except ValidationError as err:
        raise ConfigError(format_validation_error(err, origin)) from None


def load_run_config(path: str | Path) -> RunConfig:
    """Read and validate ``runs/<name>.yaml``."""
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such run definition") from None
    except yaml.YAMLError as err:
        raise ConfigError(f"{path}: not valid YAML: {err}") from None
    return parse_run_config(data, str(path))
