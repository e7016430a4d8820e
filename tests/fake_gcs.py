"""A Beam ``FileSystem`` for ``fakegs://bucket/...`` that keeps its objects in a local folder (tests only).

It stands in for Google Cloud Storage because no GCS bucket is reachable offline, and a real
remote scheme is what the Beam engine's remote-output path must be tested against: paths that
``open()`` cannot reach, so every read and write has to go through Beam's ``FileSystems``. It
behaves like GCS where the code relies on it: there are no directories (``mkdirs`` does
nothing, listing is by prefix), and an object becomes visible only when its writer is closed.

The objects live under the folder named by ``$LINGOLOOM_FAKEGS_ROOT``. A Beam filesystem exists
in a process once its module is imported. The FnApiRunner's worker processes (multi-processing
mode) get no pipeline options, so ``--beam_plugins`` (which Dataflow workers honour) does not reach
them; :func:`worker_environment` instead gives them a ``sitecustomize`` that imports this module,
and they inherit the environment of the process that starts the pipeline.
"""

from __future__ import annotations

import io
import os
import uuid
from pathlib import Path

from apache_beam.io.filesystem import BeamIOError, CompressedFile, CompressionTypes, FileMetadata, FileSystem

SCHEME = "fakegs"
PREFIX = f"{SCHEME}://"
ROOT_ENV = "LINGOLOOM_FAKEGS_ROOT"
_INCOMING = ".incoming"


def worker_environment(store: Path, site_dir: Path) -> dict[str, str]:
    """Environment variables under which every new Python process (Beam worker processes included)
    has ``fakegs://`` backed by ``store``: a ``sitecustomize`` in ``site_dir`` imports this module."""
    site_dir.mkdir(parents=True, exist_ok=True)
    (site_dir / "sitecustomize.py").write_text("import fake_gcs  # registers the fakegs:// Beam filesystem\n")
    paths = [str(site_dir), str(Path(__file__).parent), os.environ.get("PYTHONPATH", "")]
    return {ROOT_ENV: str(store), "PYTHONPATH": os.pathsep.join(p for p in paths if p)}


def store_root() -> Path:
    """The local folder holding every bucket."""
    root = os.environ.get(ROOT_ENV)
    if not root:
        raise BeamIOError(f"{PREFIX} needs ${ROOT_ENV} (the local folder that stands in for GCS)")
    return Path(root)


def object_path(uri: str) -> Path:
    """Where the object ``fakegs://bucket/name`` is stored."""
    if not uri.startswith(PREFIX):
        raise ValueError(f"not a {PREFIX} path: {uri!r}")
    return store_root() / uri[len(PREFIX):]


class _Upload(io.FileIO):
    """A write channel: bytes go to a hidden temporary file that becomes the object on close."""

    def __init__(self, target: Path):
        incoming = store_root() / _INCOMING
        incoming.mkdir(parents=True, exist_ok=True)
        self._tmp = incoming / uuid.uuid4().hex
        self._target = target
        super().__init__(self._tmp, "wb")

    def close(self) -> None:
        if self.closed:
            return
        super().close()
        self._target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(self._tmp, self._target)


class FakeGcsFileSystem(FileSystem):
    """``fakegs://`` objects stored under :func:`store_root`."""

    @classmethod
    def scheme(cls) -> str:
        return SCHEME

    def join(self, basepath: str, *paths: str) -> str:
        return "/".join([basepath.rstrip("/"), *(p.strip("/") for p in paths)])

    def split(self, path: str) -> tuple[str, str]:
        head, _, tail = path.rstrip("/").rpartition("/")
        return head, tail

    def mkdirs(self, path: str) -> None:
        """Object stores have no directories."""

    def has_dirs(self) -> bool:
        return False

    def _list(self, dir_or_prefix: str):
        root = store_root()
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames[:] = [d for d in dirnames if d != _INCOMING]
            for name in filenames:
                local = Path(dirpath) / name
                uri = PREFIX + local.relative_to(root).as_posix()
                if uri.startswith(dir_or_prefix):
                    stat = local.stat()
                    yield FileMetadata(uri, stat.st_size, stat.st_mtime)

    def _channel(self, raw, path: str, compression_type: str):
        compression_type = FileSystem._get_compression_type(path, compression_type)
        return raw if compression_type == CompressionTypes.UNCOMPRESSED else CompressedFile(raw, compression_type)

    def create(self, path: str, mime_type: str = "application/octet-stream",
               compression_type: str = CompressionTypes.AUTO):
        return self._channel(_Upload(object_path(path)), path, compression_type)

    def open(self, path: str, mime_type: str = "application/octet-stream",
             compression_type: str = CompressionTypes.AUTO):
        return self._channel(io.open(object_path(path), "rb"), path, compression_type)

    def copy(self, source_file_names, destination_file_names) -> None:
        for source, destination in zip(source_file_names, destination_file_names):
            with self.open(source, compression_type=CompressionTypes.UNCOMPRESSED) as src, \
                    self.create(destination, compression_type=CompressionTypes.UNCOMPRESSED) as dst:
                dst.write(src.read())

    def rename(self, source_file_names, destination_file_names) -> None:
        self.copy(source_file_names, destination_file_names)
        self.delete(source_file_names)

    def exists(self, path: str) -> bool:
        return object_path(path).is_file()

    def size(self, path: str) -> int:
        return object_path(path).stat().st_size

    def last_updated(self, path: str) -> float:
        return object_path(path).stat().st_mtime

    def checksum(self, path: str) -> str:
        return str(self.size(path))

    def metadata(self, path: str) -> FileMetadata:
        stat = object_path(path).stat()
        return FileMetadata(path, stat.st_size, stat.st_mtime)

    def delete(self, paths) -> None:
        for path in paths:
            for meta in list(self._list(path.rstrip("/") + "/")) if not self.exists(path) else []:
                object_path(meta.path).unlink()
            if self.exists(path):
                object_path(path).unlink()
