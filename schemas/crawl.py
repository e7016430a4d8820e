"""Settings of web acquisition: our own crawler (``crawl``) and Common Crawl ingestion (``commoncrawl``).

Why it exists: a crawl touches other people's servers, so every knob that decides what we fetch,
how fast, and what we refuse (scope, politeness, safety limits) is declared here once, validated,
and recorded in the run manifest. Defaults are polite and safe for the open web; the demo and the
tests loosen only what they must (e.g. allowing 127.0.0.1 through ``allow_private_addresses``).
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

DEFAULT_TRACKING_PARAMS = [
    "utm_*",
    "fbclid",
    "gclid",
    "dclid",
    "gbraid",
    "wbraid",
    "msclkid",
    "yclid",
    "igshid",
    "mc_cid",
    "mc_eid",
    "_ga",
    "_gl",
    "_hsenc",
    "_hsmi",
    "mkt_tok",
    "oly_anon_id",
    "oly_enc_id",
    "vero_id",
    "pk_*",
    "mtm_*",
]


class CrawlSettings(BaseModel):
    """A polite, resumable crawl from seed URLs, sitemaps and feeds into WARC/1.1 files."""

    model_config = ConfigDict(extra="forbid")

    # --- seeds -------------------------------------------------------------------------------
    seeds: list[str] = Field(default_factory=list, description="Start URLs (depth 0).")
    seed_files: list[str] = Field(
        default_factory=list,
        description="Text files with one start URL per line ('#' starts a comment); relative paths are "
        "resolved against the current directory.",
    )
    sitemaps: list[str] = Field(
        default_factory=list,
        description="Sitemap URLs (urlset or sitemap index, plain or .gz); every page they list is a seed.",
    )
    feeds: list[str] = Field(
        default_factory=list, description="RSS 2.0 / Atom feed URLs; every entry link is a seed."
    )
    robots_sitemaps: bool = Field(
        False, description="Also read the sitemaps that each seed host's robots.txt announces."
    )
    # --- scope -------------------------------------------------------------------------------
    allowed_domains: list[str] = Field(
        default_factory=list,
        description="Hosts (and their subdomains) the crawl may enter; empty = the hosts of the seeds, "
        "sitemaps and feeds.",
    )
    include_patterns: list[str] = Field(
        default_factory=list,
        description="Regular expressions; when given, a URL must match at least one (searched anywhere).",
    )
    exclude_patterns: list[str] = Field(
        default_factory=list, description="Regular expressions; a URL matching any of them is never fetched."
    )
    max_depth: int = Field(2, ge=0, description="Link hops from a seed (seeds are depth 0).")
    max_pages: int = Field(1000, ge=1, description="Pages written in total (across resumes).")
    max_pages_per_host: int = Field(200, ge=1, description="Pages written per host (host:port).")
    # --- politeness --------------------------------------------------------------------------
    user_agent: str = Field(
        "lingoloom-bot",
        description="Product token: matched against robots.txt groups (before '*') and sent as the start "
        "of the User-Agent header.",
    )
    contact_url: str = Field(
        "https://github.com/lingoloom/lingoloom#crawler",
        description="Where site owners learn who crawls them and how to opt out; sent in the User-Agent.",
    )
    delay_seconds: float = Field(
        1.0,
        ge=0,
        description="Seconds a host rests between our requests: from the end of one request (and the start of "
        "the previous one) to the next start. A larger robots.txt Crawl-delay wins.",
    )
    max_crawl_delay_seconds: float = Field(
        30.0, ge=0, description="Cap on a robots.txt Crawl-delay (hosts asking for more are crawled at this pace)."
    )
    per_host_concurrency: int = Field(1, ge=1, description="Requests in flight per host.")
    concurrency: int = Field(16, ge=1, description="Requests in flight in total (many hosts in parallel).")
    max_retries: int = Field(3, ge=0, description="Retries of a URL answered 429/503 or failing with a network error.")
    backoff_base_seconds: float = Field(
        2.0, ge=0, description="First backoff after a 429/503 without Retry-After; doubles per retry."
    )
    max_retry_after_seconds: float = Field(
        300.0, ge=0, description="Cap on a server's Retry-After (a longer wait gives up on the URL)."
    )
    # --- safety ------------------------------------------------------------------------------
    connect_timeout_seconds: float = Field(10.0, gt=0, description="TCP/TLS connect time limit.")
    read_timeout_seconds: float = Field(20.0, gt=0, description="Limit on the silence between two reads.")
    total_timeout_seconds: float = Field(60.0, gt=0, description="Limit on one whole request (headers + body).")
    max_body_bytes: int = Field(
        5_000_000, gt=0, description="Bytes on the wire per response; enforced while streaming ('too_large')."
    )
    max_decoded_bytes: int = Field(
        20_000_000, gt=0, description="Bytes after gzip/deflate/brotli decoding ('decompression_bomb')."
    )
    max_compression_ratio: float = Field(
        100.0, gt=1, description="Decoded/encoded ratio above which a body counts as a decompression bomb."
    )
    max_redirects: int = Field(5, ge=0, description="Redirect hops per start URL ('too_many_redirects').")
    content_types: list[str] = Field(
        default_factory=lambda: ["text/html", "application/xhtml+xml", "text/plain"],
        description="Media types written as pages; others are refused as 'content_type'.",
    )
    allow_private_addresses: list[str] = Field(
        default_factory=list,
        description="Networks (CIDR or single IP) that the SSRF guard lets through although private, "
        "loopback, link-local or multicast, e.g. ['127.0.0.1'] for a local test site. Empty on the open web.",
    )
    # --- URLs --------------------------------------------------------------------------------
    tracking_params: list[str] = Field(
        default_factory=lambda: list(DEFAULT_TRACKING_PARAMS),
        description="Query parameters removed by canonicalisation (shell-style wildcards, case-insensitive).",
    )
    # --- output ------------------------------------------------------------------------------
    warc_prefix: str = Field("lingoloom", description="File-name prefix of the WARC files.")
    warc_max_bytes: int = Field(
        1_000_000_000, gt=0, description="A WARC file is closed and a new one started past this size."
    )
    fsync: bool = Field(
        False,
        description="fsync after every page: survives power loss, not only a killed process (slower).",
    )

    @field_validator("include_patterns", "exclude_patterns")
    @classmethod
    def _valid_regexes(cls, patterns: list[str]) -> list[str]:
        for pattern in patterns:
            try:
                re.compile(pattern)
            except re.error as err:
                raise ValueError(f"invalid regular expression {pattern!r}: {err}") from err
        return patterns

    @field_validator("seeds", "sitemaps", "feeds")
    @classmethod
    def _http_urls(cls, urls: list[str]) -> list[str]:
        for url in urls:
            if not url.lower().startswith(("http://", "https://")):
                raise ValueError(f"{url!r} is not an http(s) URL")
        return urls

    @field_validator("user_agent")
    @classmethod
    def _token(cls, value: str) -> str:
        if not re.fullmatch(r"[A-Za-z0-9_-]+", value):
            raise ValueError(f"user_agent {value!r} must be a robots.txt product token: letters, digits, '-', '_'")
        return value

    @model_validator(mode="after")
    def _timeouts(self) -> "CrawlSettings":
        if self.total_timeout_seconds < self.connect_timeout_seconds:
            raise ValueError("total_timeout_seconds must be >= connect_timeout_seconds")
        return self


class CommonCrawlSettings(BaseModel):
    """A deterministic sample of one Common Crawl dump, streamed from https, s3 or a local mirror."""

    model_config = ConfigDict(extra="forbid")

    dump: str = Field("CC-MAIN-2024-51", description="Crawl id, e.g. CC-MAIN-2024-51.")
    kind: Literal["warc", "wet"] = Field(
        "warc", description="'warc' (HTML, extracted by us) or 'wet' (Common Crawl's own text: extraction is skipped)."
    )
    sample_files: int = Field(1, ge=1, description="How many files of the dump to read.")
    seed: int = Field(0, description="Seed of the deterministic choice of files (same seed, same files).")
    base_url: str = Field(
        "https://data.commoncrawl.org/",
        description="Where the dump lives: https://data.commoncrawl.org/, s3://commoncrawl/ or a local mirror "
        "folder holding crawl-data/<dump>/... .",
    )
    paths_file: str | None = Field(
        None, description="Explicit warc.paths.gz / wet.paths.gz (URL or path); default: from base_url and dump."
    )
    max_records_per_file: int | None = Field(
        None, ge=1, description="Stop after this many documents per file (quick samples)."
    )
    max_retries: int = Field(6, ge=0, description="Retries of a request answered 503/SlowDown or failing.")
    backoff_base_seconds: float = Field(1.0, ge=0, description="First retry wait; doubles per retry, with jitter.")
    backoff_max_seconds: float = Field(60.0, ge=0, description="Cap of one retry wait.")
    reader: Literal["auto", "fastwarc", "warcio"] = Field(
        "auto", description="WARC parser: FastWARC when installed ('auto'), else warcio; same records out."
    )

    @field_validator("dump")
    @classmethod
    def _dump_id(cls, value: str) -> str:
        if not re.fullmatch(r"CC-MAIN-\d{4}-\d{2}", value):
            raise ValueError(f"dump {value!r} is not a Common Crawl id like CC-MAIN-2024-51")
        return value
