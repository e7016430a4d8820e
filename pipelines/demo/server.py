"""Serve the demo website (or any folder) over 127.0.0.1 for the demo, tests and by hand.

Why it exists: the demo and the tests need a real HTTP server whose responses look like the web
(per-file Content-Type with a charset, including a legacy and a wrongly declared one), started
and stopped in-process on a free port. Per-file header overrides live in ``_headers.yaml`` at
the site root; files and folders whose name starts with ``_`` are never served. Because the port
is only known at run time, ``{{base_url}}`` in ``.xml`` and ``.txt`` files (sitemap.xml,
robots.txt) is replaced by the base URL the client used (its Host header), so they can hold
absolute URLs.

Run by hand: ``python -m lingoloom.pipelines.demo.server [--port 8000]``.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import io
import posixpath
import threading
import urllib.parse
from collections.abc import Iterator
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import yaml

from lingoloom.pipelines.demo import SITE_ROOT

HEADERS_FILE = "_headers.yaml"
BASE_URL_TOKEN = b"{{base_url}}"
_TEMPLATED_SUFFIXES = {".xml", ".txt"}
_DEFAULT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".xml": "application/xml; charset=utf-8",
}


def load_header_overrides(root: Path) -> dict[str, dict[str, str]]:
    """Read ``<root>/_headers.yaml``: ``{"/url/path.html": {"Header-Name": "value"}}`` (empty if absent)."""
    path = root / HEADERS_FILE
    if not path.is_file():
        return {}
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
        raise ValueError(f"{path}: expected a mapping of URL path -> mapping of header -> value")
    return {str(k): {str(h): str(v) for h, v in headers.items()} for k, headers in data.items()}


class _SiteHandler(SimpleHTTPRequestHandler):
    """Static files with per-file header overrides, hidden ``_*`` files, no listings, no request logging."""

    overrides: dict[str, dict[str, str]] = {}

    def _url_path(self) -> str:
        path = urllib.parse.urlsplit(self.path).path
        path = posixpath.normpath(urllib.parse.unquote(path))
        if self.path.split("?", 1)[0].endswith("/") and not path.endswith("/"):
            path += "/"
        return path

    def send_head(self):  # noqa: ANN201 - signature of the base class
        if any(part.startswith("_") for part in self._url_path().split("/")):
            self.send_error(HTTPStatus.NOT_FOUND, "File not found")
            return None
        path = Path(self.translate_path(self.path))
        if path.suffix.lower() in _TEMPLATED_SUFFIXES and path.is_file():
            host, port = self.server.server_address[:2]
            authority = self.headers.get("Host") or f"{host}:{port}"
            body = path.read_bytes().replace(BASE_URL_TOKEN, f"http://{authority}".encode())
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", self.guess_type(str(path)))
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            return io.BytesIO(body)
        return super().send_head()

    def list_directory(self, path):  # noqa: ANN001, ANN201 - signature of the base class
        """No auto-generated listings: a folder without index.html is a 404, as on most real sites."""
        self.send_error(HTTPStatus.NOT_FOUND, "File not found")
        return None

    def guess_type(self, path) -> str:  # noqa: ANN001 - signature of the base class
        override = self.overrides.get(self._url_path(), {})
        for name, value in override.items():
            if name.lower() == "content-type":
                return value
        return _DEFAULT_TYPES.get(Path(str(path)).suffix.lower()) or super().guess_type(path)

    def end_headers(self) -> None:
        for name, value in self.overrides.get(self._url_path(), {}).items():
            if name.lower() != "content-type":
                self.send_header(name, value)
        super().end_headers()

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - base-class signature
        """Stay quiet: tests and the demo print their own summaries."""


@contextlib.contextmanager
def serve_site(root: Path | None = None, host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
    """Serve ``root`` (default: the bundled demo site) in a daemon thread; yield the base URL.

    ``port=0`` picks a free port. The base URL ends without a slash, e.g. ``http://127.0.0.1:41234``.
    The server is shut down when the ``with`` block exits.
    """
    root = Path(root) if root is not None else SITE_ROOT
    if not root.is_dir():
        raise FileNotFoundError(f"site folder {root} does not exist; pass an existing folder as root")
    handler = type("SiteHandler", (_SiteHandler,), {"overrides": load_header_overrides(root)})
    server = ThreadingHTTPServer((host, port), functools.partial(handler, directory=str(root)))
    server.daemon_threads = True
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="lingoloom-demo-site", daemon=True
    )
    thread.start()
    try:
        bound_host, bound_port = server.server_address[:2]
        yield f"http://{bound_host}:{bound_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def main(argv: list[str] | None = None) -> None:
    """Serve the demo site until Ctrl-C."""
    parser = argparse.ArgumentParser(description="Serve the lingoloom demo website on 127.0.0.1.")
    parser.add_argument("--root", type=Path, default=None, help="folder to serve (default: the bundled demo site)")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8000, help="port (default: 8000; 0 picks a free one)")
    args = parser.parse_args(argv)
    with serve_site(args.root, args.host, args.port) as url:
        print(f"Serving the demo site at {url}/ (Ctrl-C to stop)", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            threading.Event().wait()


if __name__ == "__main__":
    main()
