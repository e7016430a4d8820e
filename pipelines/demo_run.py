"""The demo's run definition: the bundled run YAML with the address of the site being served.

Why it exists: `make demo` crawls a site served on a free port of 127.0.0.1; the run definition
shipped in the package names it ``${DEMO_SITE}``, filled in here at run time.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import yaml

from lingoloom.schemas.config import RunConfig, parse_run_config

DEMO_RUN_FILE = "demo_run.yaml"


def demo_config(base_url: str, out_dir: Path) -> RunConfig:
    """The demo RunConfig crawling ``base_url`` and writing to ``out_dir``."""
    text = resources.files("lingoloom.pipelines.demo").joinpath(DEMO_RUN_FILE).read_text(encoding="utf-8")
    data = yaml.safe_load(text.replace("${DEMO_SITE}", base_url.rstrip("/")))
    data.setdefault("output", {})["dir"] = str(out_dir)
    return parse_run_config(data, origin=f"lingoloom.pipelines.demo/{DEMO_RUN_FILE}")
