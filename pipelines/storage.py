"""The output folder on any filesystem Beam knows (a local folder, ``gs://``, ``s3://`` ...).

Why it exists: a run's output may live where the launching machine cannot ``open()`` it (a
Dataflow job writes to ``gs://``), yet both engines must end with the same published folder. Every
file the run publishes outside the Parquet writers goes through this one module, which uses Beam's
``FileSystems`` (already the engine's I/O layer): local writes are atomic (temporary name, then
rename), remote objects appear only once complete, as object stores do.
:class:`OutputFolder` also remembers the size and SHA-256 of every file it read or wrote, so the
manifest can list them without listing or reading back the folder.
"""

from __future__ import annotations

import hashlib
import os
import re
import uuid
from pathlib import Path

from apache_beam.io.filesystems import FileSystems

_SCHEME = re.compile(r"^([a-z][a-z0-9+.-]*):/(?!/)")


def output_uri(path: str | Path) -> str:
    """``path`` as a string, repairing the ``gs:/bucket`` that ``pathlib`` makes of ``gs://bucket``."""
    text = str(path)
    match = _SCHEME.match(text)
    return f"{match.group(1)}://{text[match.end():]}" if match else text


def is_remote(path: str | Path) -> bool:
    """Whether ``path`` names a remote filesystem: any URI scheme other than ``file://`` (``gs://``, ``s3://`` ...)."""
    return FileSystems.get_scheme(output_uri(path)) not in (None, "file")


def local_path(path: str | Path) -> str:
    """A local path or ``file://`` URI as a plain local path."""
    return output_uri(path).removeprefix("file://")


def join(root: str | Path, *parts: str) -> str:
    """``root/part/...`` for a local folder or a remote URI."""
    root = output_uri(root)
    if is_remote(root):
        return FileSystems.join(root, *parts)
    return os.path.join(local_path(root), *parts)


def write_bytes(path: str | Path, data: bytes) -> None:
    """Write ``data`` to ``path``: locally via a temporary sibling and a rename, remotely as one object."""
    path = output_uri(path)
    if is_remote(path):
        with FileSystems.create(path) as handle:
            handle.write(data)
        return
    target = Path(local_path(path))
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{uuid.uuid4().hex}.tmp")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, target)
    finally:
        if tmp.exists():
            tmp.unlink()


def upload(local: str | Path, path: str | Path) -> None:
    """Copy the local file ``local`` to ``path`` (remote: one object that appears when complete)."""
    with open(local, "rb") as source, FileSystems.create(output_uri(path)) as sink:
        for block in iter(lambda: source.read(1 << 20), b""):
            sink.write(block)


def read_bytes(path: str | Path) -> bytes:
    """The content of a (small) file on any filesystem."""
    with FileSystems.open(output_uri(path)) as handle:
        return handle.read()


def exists(path: str | Path) -> bool:
    """Whether a file exists on any filesystem."""
    return FileSystems.exists(output_uri(path))


def sha256_bytes(data: bytes) -> str:
    """Hex SHA-256 of ``data``."""
    return hashlib.sha256(data).hexdigest()


class OutputFolder:
    """A run's output folder: read and write files by their path relative to it, remembering each one.

    ``files`` maps every relative path read or written through this object to ``{path, size, sha256}``
    (what the manifest lists), measured from the bytes that passed through, never by reading back.
    """

    def __init__(self, root: str | Path) -> None:
        self.root = output_uri(root)
        self.files: dict[str, dict] = {}

    def uri(self, relative: str) -> str:
        """Where ``relative`` (posix, e.g. ``stats/stats.json``) lives."""
        return join(self.root, *relative.split("/"))

    def _remember(self, relative: str, data: bytes) -> None:
        self.files[relative] = {"path": relative, "size": len(data), "sha256": sha256_bytes(data)}

    def write(self, relative: str, data: bytes) -> str:
        """Write ``data`` as ``relative``; returns ``relative``."""
        write_bytes(self.uri(relative), data)
        self._remember(relative, data)
        return relative

    def read(self, relative: str) -> bytes:
        """Read a small file of the folder (it then counts as published by this run)."""
        data = read_bytes(self.uri(relative))
        self._remember(relative, data)
        return data

    def exists(self, relative: str) -> bool:
        """Whether ``relative`` exists in the folder."""
        return exists(self.uri(relative))

    def glob(self, pattern: str) -> list[str]:
        """Relative paths of the files matching ``pattern`` (posix, e.g. ``stats/*.json``), sorted; lists, never reads."""
        base = self.uri("")
        found = FileSystems.match([self.uri(pattern)])[0].metadata_list
        return sorted(output_uri(meta.path)[len(base):].replace(os.sep, "/") for meta in found)
