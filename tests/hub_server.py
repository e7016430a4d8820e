"""A local Hugging Face Hub endpoint for tests: the calls the real ``huggingface_hub`` client makes to publish.

Why it exists: the Hub's upload API has no offline server, and a mocked client proves nothing
about the real one. This is a real HTTP server on 127.0.0.1 that speaks the wire protocol
``huggingface_hub`` uses when ``HF_HUB_DISABLE_XET=1`` (classic git-LFS path), so tests run the
unmodified client (``HfApi.create_repo``, ``create_commit``, ``list_repo_tree`` ...) against it:

- ``POST /api/repos/create``                                   create a repo (409 when it exists)
- ``POST /api/validate-yaml``                                  check a README's front matter
- ``GET  /api/{type}s/{repo}[/revision/{rev}]``                repo / revision info
- ``POST /api/{type}s/{repo}/branch/{branch}``                 create a branch
- ``POST /api/{type}s/{repo}/preupload/{rev}``                 upload mode + remote oid per file
- ``POST /{prefix}{repo}.git/info/lfs/objects/batch``          LFS batch (basic and multipart transfers)
- ``PUT  /lfs/{oid}`` / ``PUT /lfs/{oid}/part/{n}`` / ``POST /lfs/{oid}/complete`` / ``POST /lfs/verify``
- ``POST /api/{type}s/{repo}/commit/{rev}``                    ndjson commit
- ``GET  /api/{type}s/{repo}/tree/{rev}[/{path}]``             tree listing, paginated with a ``Link`` header
- ``GET  /{prefix}{repo}/resolve/{rev}/{path}``                file content
- ``GET  /api/agent-harnesses``                                the registry the client reads for its user agent

LFS objects are stored per repository, as on the Hub: the batch endpoint asks for an upload unless
this repository already has the object. Failures are injected with :meth:`HubServer.fail`: an HTTP status, or a connection dropped after
reading part of the request body. Every request and every completed LFS upload is recorded so that
tests can assert that nothing was uploaded or committed twice.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import yaml

LFS_EXTENSIONS = (".parquet", ".arrow", ".png", ".jpg", ".bin", ".zst", ".gz")


def git_blob_oid(content: bytes) -> str:
    """The git object id of a blob, as the Hub reports it for regular files."""
    return hashlib.sha1(b"blob %d\0" % len(content) + content).hexdigest()


def lfs_pointer(sha256: str, size: int) -> bytes:
    """The git-LFS pointer file stored in git for an LFS file."""
    return f"version https://git-lfs.github.com/spec/v1\noid sha256:{sha256}\nsize {size}\n".encode()


@dataclass
class StoredFile:
    content: bytes
    lfs: bool

    def tree_entry(self, path: str) -> dict[str, Any]:
        size = len(self.content)
        if not self.lfs:
            return {"type": "file", "path": path, "size": size, "oid": git_blob_oid(self.content)}
        sha = hashlib.sha256(self.content).hexdigest()
        pointer = lfs_pointer(sha, size)
        return {
            "type": "file",
            "path": path,
            "size": size,
            "oid": git_blob_oid(pointer),
            "lfs": {"oid": sha, "size": size, "pointerSize": len(pointer)},
        }

    def remote_oid(self) -> str:
        """The oid the preupload endpoint reports: sha256 for LFS files, the git blob id otherwise."""
        return hashlib.sha256(self.content).hexdigest() if self.lfs else git_blob_oid(self.content)


@dataclass
class Repo:
    repo_type: str
    repo_id: str
    private: bool
    branches: dict[str, dict[str, StoredFile]] = field(default_factory=lambda: {"main": {}})
    heads: dict[str, str] = field(default_factory=lambda: {"main": "0" * 40})
    commits: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Failure:
    method: str
    pattern: re.Pattern[str]
    kind: str  # "status" or "drop"
    status: int
    times: int
    after: int  # let this many matching requests through first


class HubState:
    """Everything the server stores; shared by the handler threads under one lock."""

    def __init__(self, token: str, multipart_threshold: int, chunk_size: int, page_size: int) -> None:
        self.token = token
        self.multipart_threshold = multipart_threshold
        self.chunk_size = chunk_size
        self.page_size = page_size
        self.lock = threading.RLock()
        self.repos: dict[tuple[str, str], Repo] = {}
        self.lfs: dict[str, bytes] = {}  # every uploaded object, by sha256
        self.lfs_repos: dict[str, set[tuple[str, str]]] = {}  # oid -> repos it was uploaded for
        self.parts: dict[tuple[str, int], bytes] = {}
        self.pending: dict[str, tuple[str, str]] = {}  # oid -> repo of its last batch request
        self.lfs_uploads: dict[str, int] = {}
        self.requests: list[tuple[str, str, int]] = []
        self.failures: list[Failure] = []
        self.commit_count = 0


class HubServer:
    """A running local Hub; use as a context manager. ``endpoint`` is the value for ``HF_ENDPOINT``."""

    def __init__(
        self,
        token: str = "hf_test_token_0123456789",
        *,
        multipart_threshold: int = 1 << 20,
        chunk_size: int = 256 * 1024,
        page_size: int = 1000,
    ) -> None:
        self.state = HubState(token, multipart_threshold, chunk_size, page_size)
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._httpd.daemon_threads = True
        self._httpd.state = self.state  # type: ignore[attr-defined]
        self.endpoint = f"http://127.0.0.1:{self._httpd.server_address[1]}"
        self._httpd.endpoint = self.endpoint  # type: ignore[attr-defined]
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    def __enter__(self) -> "HubServer":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def fail(
        self, method: str, path_regex: str, *, status: int = 500, drop: bool = False, times: int = 1, after: int = 0
    ) -> None:
        """Make ``times`` requests matching ``method`` and ``path_regex`` fail, after letting ``after`` through.

        A failure is an HTTP ``status`` or, with ``drop``, a connection closed after reading half the body.
        """
        with self.state.lock:
            self.state.failures.append(
                Failure(method, re.compile(path_regex), "drop" if drop else "status", status, times, after)
            )

    def clear_failures(self) -> None:
        with self.state.lock:
            self.state.failures.clear()

    def files(self, repo_id: str, revision: str = "main", repo_type: str = "dataset") -> dict[str, bytes]:
        """The files on a branch: path -> content."""
        with self.state.lock:
            repo = self.state.repos[(repo_type, repo_id)]
            return {path: f.content for path, f in repo.branches[revision].items()}

    def repo(self, repo_id: str, repo_type: str = "dataset") -> Repo:
        return self.state.repos[(repo_type, repo_id)]

    def count(self, method: str, path_regex: str, status: int | None = None) -> int:
        """How many recorded requests match (optionally with the given response status)."""
        rx = re.compile(path_regex)
        with self.state.lock:
            return sum(
                1
                for m, p, s in self.state.requests
                if m == method and rx.search(p) and (status is None or s == status)
            )


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: ThreadingHTTPServer

    # --- plumbing -------------------------------------------------------------------------------

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - silence the default stderr log
        return

    @property
    def state(self) -> HubState:
        return self.server.state  # type: ignore[attr-defined]

    @property
    def endpoint(self) -> str:
        return self.server.endpoint  # type: ignore[attr-defined]

    def _read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks = []
            while True:
                size = int(self.rfile.readline().strip().split(b";")[0], 16)
                if size == 0:
                    self.rfile.readline()
                    break
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
            return b"".join(chunks)
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def _send(self, status: int, body: Any = None, headers: dict[str, str] | None = None) -> None:
        payload = body if isinstance(body, bytes) else json.dumps(body if body is not None else {}).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/octet-stream" if isinstance(body, bytes) else "application/json")
        self.send_header("Content-Length", str(len(payload)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)
        with self.state.lock:
            self.state.requests.append((self.command, urlsplit(self.path).path, status))

    def _error(self, status: int, message: str, code: str | None = None) -> None:
        self._send(status, {"error": message}, {"X-Error-Code": code, "X-Error-Message": message} if code else None)

    def _injected_failure(self) -> bool:
        path = urlsplit(self.path).path
        with self.state.lock:
            for failure in self.state.failures:
                if failure.times > 0 and failure.method == self.command and failure.pattern.search(path):
                    if failure.after > 0:
                        failure.after -= 1
                        continue
                    failure.times -= 1
                    break
            else:
                return False
        if failure.kind == "drop":
            length = int(self.headers.get("Content-Length") or 0)
            self.rfile.read(length // 2)
            with self.state.lock:
                self.state.requests.append((self.command, path, 0))
            self.close_connection = True
            self.connection.shutdown(2)
            return True
        self._read_body()
        self._error(failure.status, f"injected failure {failure.status}")
        return True

    def _authorized(self) -> bool:
        if self.headers.get("Authorization") == f"Bearer {self.state.token}":
            return True
        self._read_body()
        self._error(401, "Invalid credentials in Authorization header")
        return False

    def _repo(self, repo_type: str, repo_id: str, revision: str | None) -> Repo | None:
        repo = self.state.repos.get((repo_type, repo_id))
        if repo is None:
            self._error(404, f"Repository {repo_id} not found", "RepoNotFound")
            return None
        if revision is not None and revision not in repo.branches:
            self._error(404, f"Revision {revision} not found", "RevisionNotFound")
            return None
        return repo

    # --- dispatch -------------------------------------------------------------------------------

    def do_GET(self) -> None:
        self._dispatch()

    def do_HEAD(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    def do_PUT(self) -> None:
        self._dispatch()

    _ROUTES = (
        ("POST", r"^/api/repos/create$", "_create_repo"),
        ("POST", r"^/api/validate-yaml$", "_validate_yaml"),
        ("GET", r"^/api/agent-harnesses$", "_agent_harnesses"),
        ("POST", r"^/api/(?P<t>\w+)s/(?P<repo>[^/]+/[^/]+)/preupload/(?P<rev>[^/]+)$", "_preupload"),
        ("POST", r"^/api/(?P<t>\w+)s/(?P<repo>[^/]+/[^/]+)/commit/(?P<rev>[^/]+)$", "_commit"),
        ("POST", r"^/api/(?P<t>\w+)s/(?P<repo>[^/]+/[^/]+)/branch/(?P<branch>[^/]+)$", "_create_branch"),
        ("GET", r"^/api/(?P<t>\w+)s/(?P<repo>[^/]+/[^/]+)/tree/(?P<rev>[^/]+)(?:/(?P<path>.+))?$", "_tree"),
        ("GET", r"^/api/(?P<t>\w+)s/(?P<repo>[^/]+/[^/]+)(?:/revision/(?P<rev>[^/]+))?$", "_repo_info"),
        ("POST", r"^/(?P<t>datasets/|spaces/)?(?P<repo>[^/]+/[^/]+)\.git/info/lfs/objects/batch$", "_lfs_batch"),
        ("PUT", r"^/lfs/(?P<oid>[0-9a-f]{64})$", "_lfs_put"),
        ("PUT", r"^/lfs/(?P<oid>[0-9a-f]{64})/part/(?P<n>\d+)$", "_lfs_put_part"),
        ("POST", r"^/lfs/(?P<oid>[0-9a-f]{64})/complete$", "_lfs_complete"),
        ("POST", r"^/lfs/verify$", "_lfs_verify"),
        ("GET", r"^/(?P<t>datasets/|spaces/)?(?P<repo>[^/]+/[^/]+)/resolve/(?P<rev>[^/]+)/(?P<path>.+)$", "_resolve"),
        ("HEAD", r"^/(?P<t>datasets/|spaces/)?(?P<repo>[^/]+/[^/]+)/resolve/(?P<rev>[^/]+)/(?P<path>.+)$", "_resolve"),
    )

    def _dispatch(self) -> None:
        if self._injected_failure():
            return
        path = urlsplit(self.path).path
        for method, pattern, name in self._ROUTES:
            match = re.match(pattern, path)
            if method == self.command and match:
                params = {k: unquote(v) if v else v for k, v in match.groupdict().items()}
                if name in ("_lfs_batch", "_resolve"):
                    params["t"] = (params["t"] or "models/")[:-2]  # URL prefix "datasets/" -> repo type "dataset"
                presigned = name in ("_lfs_put", "_lfs_put_part", "_lfs_complete", "_resolve", "_agent_harnesses")
                if not presigned and not self._authorized():
                    return
                with self.state.lock:
                    getattr(self, name)(**params)
                return
        self._read_body()
        self._error(404, f"no route for {self.command} {path}")

    # --- repos ----------------------------------------------------------------------------------

    def _create_repo(self) -> None:
        body = json.loads(self._read_body())
        repo_type = body.get("type") or "model"
        repo_id = f"{body['organization']}/{body['name']}" if body.get("organization") else body["name"]
        prefix = "" if repo_type == "model" else f"{repo_type}s/"
        url = f"{self.endpoint}/{prefix}{repo_id}"
        if (repo_type, repo_id) in self.state.repos:
            self._send(409, {"error": "You already created this repo", "url": url})
            return
        private = body.get("visibility") == "private" or bool(body.get("private"))
        self.state.repos[(repo_type, repo_id)] = Repo(repo_type, repo_id, private)
        self._send(200, {"url": url, "name": repo_id})

    def _repo_info(self, t: str, repo: str, rev: str | None) -> None:
        found = self._repo(t, repo, rev or "main")
        if found is None:
            return
        branch = rev or "main"
        siblings = [{"rfilename": p} for p in sorted(found.branches[branch])]
        self._send(200, {"id": repo, "sha": found.heads[branch], "private": found.private, "siblings": siblings})

    def _create_branch(self, t: str, repo: str, branch: str) -> None:
        body = json.loads(self._read_body() or b"{}")
        found = self._repo(t, repo, None)
        if found is None:
            return
        if branch in found.branches:
            self._error(409, f"Branch {branch} already exists")
            return
        start = body.get("startingPoint") or "main"
        found.branches[branch] = dict(found.branches[start])
        found.heads[branch] = found.heads[start]
        self._send(200, {})

    def _agent_harnesses(self) -> None:
        """The registry the client fetches to name AI agents in its user agent: empty here."""
        self._send(200, {"standardEnvVars": [], "harnesses": {}})

    def _validate_yaml(self) -> None:
        body = json.loads(self._read_body())
        errors = _front_matter_errors(body.get("content", ""))
        if errors:
            self._send(400, {"errors": [{"message": e} for e in errors], "warnings": []})
        else:
            self._send(200, {"errors": [], "warnings": []})

    # --- upload ---------------------------------------------------------------------------------

    def _preupload(self, t: str, repo: str, rev: str) -> None:
        body = json.loads(self._read_body())
        found = self._repo(t, repo, rev)
        if found is None:
            return
        files = []
        for f in body["files"]:
            sample = base64.b64decode(f["sample"])
            lfs = f["path"].endswith(LFS_EXTENSIONS) or b"\0" in sample or f["size"] >= 10 * 1024 * 1024
            existing = found.branches[rev].get(f["path"])
            files.append(
                {
                    "path": f["path"],
                    "uploadMode": "lfs" if lfs else "regular",
                    "shouldIgnore": False,
                    "oid": existing.remote_oid() if existing else None,
                }
            )
        self._send(200, {"files": files, "commitOid": found.heads[rev]})

    def _lfs_batch(self, t: str, repo: str) -> None:
        body = json.loads(self._read_body())
        if self._repo(t, repo, None) is None:
            return
        objects = []
        for obj in body["objects"]:
            oid, size = obj["oid"], obj["size"]
            if (t, repo) in self.state.lfs_repos.get(oid, ()):  # like the Hub: storage is per repository
                objects.append({"oid": oid, "size": size})
                continue
            self.state.lfs_repos.setdefault(oid, set())  # the upload URL below is for this repo
            self.state.pending[oid] = (t, repo)
            verify = {"href": f"{self.endpoint}/lfs/verify"}
            if size > self.state.multipart_threshold:
                n_parts = -(-size // self.state.chunk_size)
                header = {"chunk_size": str(self.state.chunk_size)}
                header.update({str(i): f"{self.endpoint}/lfs/{oid}/part/{i}" for i in range(1, n_parts + 1)})
                upload = {"href": f"{self.endpoint}/lfs/{oid}/complete", "header": header}
            else:
                upload = {"href": f"{self.endpoint}/lfs/{oid}"}
            objects.append({"oid": oid, "size": size, "actions": {"upload": upload, "verify": verify}})
        self._send(200, {"transfer": "basic", "objects": objects, "hash_algo": "sha256"})

    def _store_lfs(self, oid: str, content: bytes) -> bool:
        if hashlib.sha256(content).hexdigest() != oid:
            self._error(400, f"content does not match oid {oid}")
            return False
        self.state.lfs[oid] = content
        self.state.lfs_uploads[oid] = self.state.lfs_uploads.get(oid, 0) + 1
        if oid in self.state.pending:
            self.state.lfs_repos.setdefault(oid, set()).add(self.state.pending[oid])
        return True

    def _lfs_put(self, oid: str) -> None:
        if self._store_lfs(oid, self._read_body()):
            self._send(200, b"")

    def _lfs_put_part(self, oid: str, n: str) -> None:
        content = self._read_body()
        self.state.parts[(oid, int(n))] = content
        self._send(200, b"", {"ETag": hashlib.md5(content).hexdigest()})

    def _lfs_complete(self, oid: str) -> None:
        body = json.loads(self._read_body())
        chunks = []
        for part in body["parts"]:
            content = self.state.parts.get((oid, part["partNumber"]))
            if content is None or hashlib.md5(content).hexdigest() != part["etag"]:
                self._error(400, f"part {part['partNumber']} of {oid} missing or etag mismatch")
                return
            chunks.append(content)
        if self._store_lfs(oid, b"".join(chunks)):
            self._send(200, {})

    def _lfs_verify(self) -> None:
        body = json.loads(self._read_body())
        stored = self.state.lfs.get(body["oid"])
        if stored is None or len(stored) != body["size"]:
            self._error(404, f"object {body['oid']} not found")
            return
        self._send(200, {})

    def _commit(self, t: str, repo: str, rev: str) -> None:
        lines = [json.loads(line) for line in self._read_body().splitlines() if line.strip()]
        found = self._repo(t, repo, rev)
        if found is None:
            return
        if not lines or lines[0]["key"] != "header":
            self._error(400, "commit payload must start with a header line")
            return
        tree = dict(found.branches[rev])
        paths = []
        for line in lines[1:]:
            key, value = line["key"], line["value"]
            if key == "file":
                tree[value["path"]] = StoredFile(base64.b64decode(value["content"]), lfs=False)
            elif key == "lfsFile":
                content = self.state.lfs.get(value["oid"])
                if content is None or (t, repo) not in self.state.lfs_repos.get(value["oid"], ()):
                    self._error(422, f"LFS object {value['oid']} was never uploaded")
                    return
                tree[value["path"]] = StoredFile(content, lfs=True)
            elif key == "deletedFile":
                tree.pop(value["path"], None)
            else:
                self._error(400, f"unsupported commit operation {key}")
                return
            paths.append(value["path"])
        self.state.commit_count += 1
        oid = hashlib.sha1(f"{repo}:{rev}:{self.state.commit_count}".encode()).hexdigest()
        found.branches[rev] = tree
        found.heads[rev] = oid
        found.commits.append({"oid": oid, "summary": lines[0]["value"]["summary"], "paths": paths})
        prefix = "" if t == "model" else f"{t}s/"
        self._send(200, {"commitUrl": f"{self.endpoint}/{prefix}{repo}/commit/{oid}", "commitOid": oid, "success": True})

    # --- read -----------------------------------------------------------------------------------

    def _tree(self, t: str, repo: str, rev: str, path: str | None) -> None:
        found = self._repo(t, repo, rev)
        if found is None:
            return
        query = parse_qs(urlsplit(self.path).query)
        recursive = query.get("recursive", ["False"])[0].lower() == "true"
        prefix = f"{path.rstrip('/')}/" if path else ""
        entries: dict[str, dict[str, Any]] = {}
        for file_path, stored in sorted(found.branches[rev].items()):
            if not file_path.startswith(prefix):
                continue
            rest = file_path[len(prefix) :].split("/")
            for depth in range(1, len(rest)):
                folder = prefix + "/".join(rest[:depth])
                entries.setdefault(folder, {"type": "directory", "path": folder, "oid": "0" * 40})
                if not recursive:
                    break
            if recursive or len(rest) == 1:
                entries[file_path] = stored.tree_entry(file_path)
        listing = [entries[k] for k in sorted(entries)]
        start = int(query.get("cursor", ["0"])[0])
        page = listing[start : start + self.state.page_size]
        headers = {}
        if start + self.state.page_size < len(listing):
            base = f"{self.endpoint}{urlsplit(self.path).path}"
            nxt = f"{base}?recursive={recursive}&cursor={start + self.state.page_size}"
            headers["Link"] = f'<{nxt}>; rel="next"'
        self._send(200, page, headers)

    def _resolve(self, t: str, repo: str, rev: str, path: str) -> None:
        found = self._repo(t, repo, rev)
        if found is None:
            return
        stored = found.branches[rev].get(path)
        if stored is None:
            self._error(404, f"{path} not found", "EntryNotFound")
            return
        self._send(200, stored.content, {"X-Repo-Commit": found.heads[rev], "ETag": f'"{stored.remote_oid()}"'})


def _front_matter_errors(content: str) -> list[str]:
    """The checks of the Hub's YAML validator that matter for a dataset card."""
    if not content.startswith("---\n"):
        return []
    end = content.find("\n---", 4)
    if end < 0:
        return ["front matter is not closed with ---"]
    try:
        meta = yaml.safe_load(content[4:end])
    except yaml.YAMLError as exc:
        return [f"front matter is not valid YAML: {exc}"]
    if meta is None:
        return []
    if not isinstance(meta, dict):
        return ["front matter must be a mapping"]
    errors = []
    for config in meta.get("configs", []) or []:
        if not isinstance(config, dict) or "config_name" not in config or "data_files" not in config:
            errors.append(f'"configs" entry needs config_name and data_files: {config!r}')
    languages = meta.get("language", [])
    for lang in [languages] if isinstance(languages, str) else languages or []:
        if not (isinstance(lang, str) and re.fullmatch(r"[a-z]{2,3}", lang)):
            errors.append(f'"language" must be ISO 639-1 or 639-3 codes, got {lang!r}')
    return errors
