"""The language-pack registry: find the pack for a language label, or the generic default.

Why it exists: filters, language ID (per-language score thresholds) and the ``languages`` CLI
all need the same answer to "what are the settings for ``tha_Thai``?". Packs are YAML files
``<iso639-3>_<Script>.yaml`` in ``filters/languages/`` (shipped with the package) and,
optionally, in a user directory that overrides them. ``und_Zyyy.yaml`` (undetermined language,
undetermined script) is the generic default for every language without its own pack.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import ValidationError

from lingoloom.schemas.language_pack import LABEL_PATTERN, LanguagePack

PACKS_DIR = Path(__file__).resolve().parent / "languages"
GENERIC_LABEL = "und_Zyyy"
_LABEL_RE = re.compile(LABEL_PATTERN)


class PackError(ValueError):
    """A pack file is missing, unreadable or invalid; the message names the file and the field."""


def pack_path(label: str, directory: Path | None = None) -> Path:
    """Where the pack for ``label`` lives (or would live)."""
    return (directory or PACKS_DIR) / f"{label}.yaml"


def load_pack_file(path: Path) -> LanguagePack:
    """Read and validate one pack file; the file name must match its ``label``."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as err:
        raise PackError(f"{path}: cannot read pack ({err})") from None
    if not isinstance(data, dict):
        raise PackError(f"{path}: a pack must be a YAML mapping (label, name, thresholds...)")
    try:
        pack = LanguagePack.model_validate(data)
    except ValidationError as err:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or '<root>'}: {e['msg']}" for e in err.errors(include_url=False)
        )
        raise PackError(f"{path}: invalid pack: {problems}") from None
    if path.stem != pack.label:
        raise PackError(f"{path}: file name must be the label: rename it to {pack.label}.yaml")
    return pack


def pack_files(extra_dir: str | Path | None = None) -> dict[str, Path]:
    """label -> file, built-in packs first, then ``extra_dir`` overriding them."""
    files: dict[str, Path] = {}
    for directory in [PACKS_DIR] + ([Path(extra_dir)] if extra_dir else []):
        if directory.is_dir():
            for path in sorted(directory.glob("*.yaml")):
                files[path.stem] = path
    return files


@lru_cache(maxsize=8)
def _registry(extra_dir: str | None) -> dict[str, LanguagePack]:
    return {label: load_pack_file(path) for label, path in pack_files(extra_dir).items()}


def available_packs(extra_dir: str | Path | None = None) -> dict[str, LanguagePack]:
    """Every valid pack by label (the generic one included)."""
    return dict(_registry(str(extra_dir) if extra_dir else None))


def generic_pack(extra_dir: str | Path | None = None) -> LanguagePack:
    """The generic default pack (``und_Zyyy``)."""
    packs = _registry(str(extra_dir) if extra_dir else None)
    if GENERIC_LABEL not in packs:
        raise PackError(f"the generic pack {pack_path(GENERIC_LABEL)} is missing; reinstall lingoloom")
    return packs[GENERIC_LABEL]


def pack_for(label: str | None, extra_dir: str | Path | None = None) -> LanguagePack:
    """The pack for ``label`` (e.g. ``tha_Thai``), or the generic default when there is none.

    Language ID reads ``pack_for(label).langid_threshold``; the quality filter reads the rest.
    """
    packs = _registry(str(extra_dir) if extra_dir else None)
    if label and label in packs:
        return packs[label]
    return generic_pack(extra_dir)


def has_pack(label: str, extra_dir: str | Path | None = None) -> bool:
    """Whether ``label`` has its own pack (not the generic default)."""
    return label != GENERIC_LABEL and label in _registry(str(extra_dir) if extra_dir else None)


def is_label(value: str) -> bool:
    """Whether ``value`` looks like ``<iso639-3>_<Script>``."""
    return bool(_LABEL_RE.match(value))


def dump_pack(pack: LanguagePack, path: Path) -> None:
    """Write a pack as YAML (fields in model order, unicode kept readable)."""
    data = pack.model_dump(mode="json", exclude_none=False)
    data = {k: v for k, v in data.items() if v is not None or k not in ("sample", "sample_source", "tokenizer_language")}
    path.write_text(
        "# Language pack: see CONTRIBUTING.md. Written by lingoloom (seed_packs or languages calibrate); edit freely.\n"
        + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100),
        encoding="utf-8",
    )
