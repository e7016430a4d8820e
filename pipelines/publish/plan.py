"""What to publish and in which commits: the output's manifest, checked against the files on disk.

Why it exists: the Hub copy must be exactly what the run wrote. The manifest (``manifest.json``,
``"files": [{"path", "size", "sha256"}]``) is the list of record; before anything is uploaded the
local files are checked against it, so a shard edited or truncated after the run is caught here
and not discovered by a downloader. Commits are bounded in files and bytes, data first and the
card last, so the card's configs never point at shards that are not there yet.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Iterable

logger = logging.getLogger(__name__)

MANIFEST = "manifest.json"
CARD = "README.md"
#: Top-level folders of an output that are working state, never published.
UNPUBLISHED_DIRS = frozenset({"work"})


class PlanError(ValueError):
    """The output folder cannot be published as it is; the message says what to fix."""


@dataclass(frozen=True)
class LocalFile:
    """One file to publish: its path in the repo (POSIX, relative), size in bytes and sha256 (hex)."""

    path: str
    size: int
    sha256: str


def sha256_file(path: Path, chunk: int = 1 << 20) -> str:
    """The sha256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(chunk):
            digest.update(block)
    return digest.hexdigest()


def git_blob_oid(path: Path) -> str:
    """The git blob id of a file: what the Hub reports for files stored in git rather than LFS."""
    digest = hashlib.sha1(b"blob %d\0" % path.stat().st_size)
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def _repo_path(raw: object, where: str) -> str:
    if not isinstance(raw, str) or not raw:
        raise PlanError(f"{where}: a file path must be a non-empty string, got {raw!r}")
    posix = PurePosixPath(raw)
    if posix.is_absolute() or ".." in posix.parts or "\\" in raw:
        raise PlanError(f"{where}: file path {raw!r} must be relative to the output folder, without '..'")
    return posix.as_posix()


def _walk(output_dir: Path) -> list[str]:
    paths = []
    for path in sorted(output_dir.rglob("*")):
        rel = path.relative_to(output_dir)
        if not path.is_file() or rel.as_posix() == MANIFEST:
            continue
        if rel.parts[0] in UNPUBLISHED_DIRS or any(part.startswith(".") for part in rel.parts):
            continue
        paths.append(rel.as_posix())
    return paths


def published_files(output_dir: Path) -> list[LocalFile]:
    """The files to publish, checked against disk: the manifest's ``files``, the card and the manifest itself.

    Raises :class:`PlanError` naming every file that is missing or differs from the manifest.
    When the manifest has no ``files`` list (older outputs), the folder is listed instead
    (skipping hidden files and the ``work/`` folder) and a warning says so.
    """
    output_dir = Path(output_dir)
    manifest_path = output_dir / MANIFEST
    if not manifest_path.is_file():
        raise PlanError(f"{manifest_path} not found: publish a finished lingoloom output folder (run the pipeline first)")
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise PlanError(f"{manifest_path} is not readable JSON: {exc}") from exc
    listed = manifest.get("files") if isinstance(manifest, dict) else None

    files: list[LocalFile] = []
    problems: list[str] = []
    if listed is None:
        logger.warning("%s has no 'files' list; publishing every file in %s except work/ and hidden files", manifest_path, output_dir)
        for rel in _walk(output_dir):
            full = output_dir / rel
            files.append(LocalFile(rel, full.stat().st_size, sha256_file(full)))
    else:
        if not isinstance(listed, list):
            raise PlanError(f"{manifest_path}: 'files' must be a list of {{path, size, sha256}}")
        for i, entry in enumerate(listed):
            where = f"{manifest_path} files[{i}]"
            if not isinstance(entry, dict) or not isinstance(entry.get("size"), int) or not isinstance(entry.get("sha256"), str):
                raise PlanError(f"{where}: expected {{path, size (int), sha256 (hex)}}, got {entry!r}")
            expected = LocalFile(_repo_path(entry.get("path"), where), entry["size"], entry["sha256"].lower())
            full = output_dir / expected.path
            if not full.is_file():
                problems.append(f"{expected.path}: listed in the manifest but missing on disk")
            elif full.stat().st_size != expected.size:
                problems.append(f"{expected.path}: {full.stat().st_size} bytes on disk, manifest says {expected.size}")
            elif sha256_file(full) != expected.sha256:
                problems.append(f"{expected.path}: sha256 on disk differs from the manifest")
            files.append(expected)
    if problems:
        raise PlanError(
            f"{output_dir} does not match its manifest (was it changed after the run?):\n  "
            + "\n  ".join(problems)
            + "\nRe-run the pipeline to regenerate the output, then publish again."
        )
    paths = [f.path for f in files]
    if len(set(paths)) != len(paths):
        raise PlanError(f"{manifest_path}: a file is listed twice: {sorted({p for p in paths if paths.count(p) > 1})}")
    extra = [CARD] if CARD not in paths and (output_dir / CARD).is_file() else []
    for rel in [*extra, MANIFEST]:
        full = output_dir / rel
        files.append(LocalFile(rel, full.stat().st_size, sha256_file(full)))
    if CARD not in {f.path for f in files}:
        logger.warning("%s has no README.md: the dataset will be published without a card", output_dir)
    return files


def plan_commits(files: Iterable[LocalFile], max_files: int, max_bytes: int) -> list[list[LocalFile]]:
    """Group files into commits of at most ``max_files`` files and ``max_bytes`` bytes (a bigger file goes alone).

    Data and stats come first in path order; the card and the manifest go in the last commit so
    that the dataset is only described once everything it describes is on the Hub.
    """
    if max_files < 1 or max_bytes < 1:
        raise PlanError(f"commit bounds must be positive, got max_files={max_files}, max_bytes={max_bytes}")
    files = list(files)
    last = [f for f in files if f.path in (CARD, MANIFEST)]
    body = sorted((f for f in files if f.path not in (CARD, MANIFEST)), key=lambda f: f.path)
    commits: list[list[LocalFile]] = []
    current: list[LocalFile] = []
    current_bytes = 0
    for f in body:
        if current and (len(current) >= max_files or current_bytes + f.size > max_bytes):
            commits.append(current)
            current, current_bytes = [], 0
        current.append(f)
        current_bytes += f.size
    if current:
        commits.append(current)
    if last:
        commits.append(sorted(last, key=lambda f: f.path))
    return commits
