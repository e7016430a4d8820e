"""Upload an output folder to a Hub dataset repo with bounded commits, resume, and a final verification.

Why it exists: publishing a large multilingual dataset takes long enough that connections drop and
servers return 5xx. Everything here goes through ``huggingface_hub`` (``create_repo``,
``create_commit``, ``list_repo_tree``): the client already retries single HTTP calls and skips LFS
objects the Hub has; on top of that we

- skip files whose size and hash already match on the remote branch, so re-running the command
  after an interruption uploads only what is missing (resume needs no local state);
- retry a failed commit a few times: a retried commit is safe because the Hub reports the files
  it already has and they are neither uploaded nor committed again;
- list the remote branch at the end and compare it with the manifest (paths, sizes, hashes).

The token comes from the argument, ``HF_TOKEN`` or the login cache (``huggingface_hub.get_token``)
and is never logged; error texts are scrubbed of it before they leave this module.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from lingoloom.pipelines.publish.plan import LocalFile, PlanError, git_blob_oid, plan_commits, published_files

logger = logging.getLogger(__name__)

REPO_TYPE = "dataset"
#: Remote files that are not part of the output but are expected in any Hub repo.
HUB_HOUSEKEEPING = frozenset({".gitattributes"})
#: Remote folders whose content must match the manifest exactly (extra files there would be loaded as data).
DATA_FOLDERS = ("data/", "mix/")
_TRANSIENT_STATUS = frozenset({408, 429, 500, 502, 503, 504})


class PublishError(RuntimeError):
    """Publishing failed or the remote copy differs from the manifest; the message says what to do."""


@dataclass
class PublishReport:
    """What a publish did (or, with ``dry_run``, would do)."""

    repo_id: str
    revision: str
    dry_run: bool
    files: list[LocalFile]
    commits_planned: list[list[str]]
    uploaded: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    commit_oids: list[str] = field(default_factory=list)
    url: str | None = None
    verified: bool = False

    @property
    def total_bytes(self) -> int:
        return sum(f.size for f in self.files)


def _scrub(text: str, token: str | None) -> str:
    return text.replace(token, "<hf-token>") if token else text


def _is_transient(exc: BaseException) -> bool:
    """Server errors (5xx, 408, 429) and network failures are worth retrying; client errors are not."""
    from huggingface_hub.errors import HfHubHTTPError

    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, HfHubHTTPError):
            status = current.response.status_code if current.response is not None else None
            return status in _TRANSIENT_STATUS
        if isinstance(current, (PublishError, PlanError)):
            return False
        current = current.__cause__ or current.__context__
    return not isinstance(exc, (ValueError, TypeError, PermissionError, FileNotFoundError))


def _remote_files(api: Any, repo_id: str, revision: str) -> dict[str, Any]:
    from huggingface_hub import RepoFile

    return {
        entry.path: entry
        for entry in api.list_repo_tree(repo_id, recursive=True, revision=revision, repo_type=REPO_TYPE)
        if isinstance(entry, RepoFile)
    }


def _mismatch(local: LocalFile, remote: Any, output_dir: Path) -> str | None:
    """Why the remote file differs from the local one, or None when they are identical."""
    if remote is None:
        return "missing on the Hub"
    if remote.size != local.size:
        return f"{remote.size} bytes on the Hub, {local.size} in the manifest"
    if remote.lfs is not None:
        return None if remote.lfs.sha256 == local.sha256 else "sha256 on the Hub differs from the manifest"
    return None if remote.blob_id == git_blob_oid(output_dir / local.path) else "content on the Hub differs"


def _commit(
    api: Any,
    repo_id: str,
    revision: str,
    output_dir: Path,
    batch: list[LocalFile],
    deletions: list[str],
    message: str,
    attempts: int,
    retry_wait: float,
    token: str | None,
) -> str:
    from huggingface_hub import CommitOperationAdd, CommitOperationDelete

    for attempt in range(1, attempts + 1):
        operations: list[Any] = []
        for f in batch:
            op = CommitOperationAdd(path_in_repo=f.path, path_or_fileobj=str(output_dir / f.path))
            op.upload_info.sha256 = bytes.fromhex(f.sha256)  # checked against disk by published_files
            operations.append(op)
        operations.extend(CommitOperationDelete(path_in_repo=p) for p in deletions)
        try:
            info = api.create_commit(
                repo_id, operations, commit_message=message, repo_type=REPO_TYPE, revision=revision
            )
            return info.oid
        except Exception as exc:  # noqa: BLE001 - classified below, re-raised when not transient
            reason = _scrub(f"{type(exc).__name__}: {exc}".splitlines()[0], token)
            if not _is_transient(exc) or attempt == attempts:
                raise PublishError(
                    f"commit '{message}' failed after {attempt} attempt(s): {reason}\n"
                    "Re-run the same command to resume: files already on the Hub are not uploaded again."
                ) from None
            wait = retry_wait * 2 ** (attempt - 1)
            logger.warning("commit '%s' failed (%s); retrying in %.1fs (attempt %d/%d)", message, reason, wait, attempt, attempts)
            time.sleep(wait)
    raise AssertionError("unreachable")


def publish(
    output_dir: Path | str,
    repo_id: str,
    *,
    private: bool = False,
    revision: str | None = None,
    dry_run: bool = False,
    delete_extra: bool = False,
    token: str | None = None,
    endpoint: str | None = None,
    max_commit_files: int = 100,
    max_commit_bytes: int = 2 * 1024**3,
    commit_attempts: int = 4,
    retry_wait: float = 2.0,
    progress: Callable[[str], None] = logger.info,
) -> PublishReport:
    """Publish ``output_dir`` to the dataset repo ``repo_id`` and verify the result.

    ``revision`` is a branch (created from ``main`` when missing). ``dry_run`` checks the output
    and plans the commits without any network call. ``delete_extra`` removes files under ``data/``
    and ``mix/`` on the branch that are not in the manifest (left by an earlier, different output), which
    otherwise make verification fail because the dataset's configs would load them.
    Raises :class:`PublishError` (or ``PlanError``) with a message saying what to do.
    """
    output_dir = Path(output_dir)
    branch = revision or "main"
    files = published_files(output_dir)
    report = PublishReport(
        repo_id=repo_id,
        revision=branch,
        dry_run=dry_run,
        files=files,
        commits_planned=[[f.path for f in c] for c in plan_commits(files, max_commit_files, max_commit_bytes)],
    )
    if dry_run:
        return report

    from huggingface_hub import HfApi, get_token

    token = token or get_token()
    if not token:
        raise PublishError("no Hugging Face token: set HF_TOKEN or run `hf auth login`, then publish again")
    api = HfApi(endpoint=endpoint, token=token)
    try:
        # private=None (not False) when not asked for: an organisation's default visibility then applies
        report.url = str(api.create_repo(repo_id, repo_type=REPO_TYPE, private=True if private else None, exist_ok=True))
        if branch != "main":
            api.create_branch(repo_id, branch=branch, repo_type=REPO_TYPE, exist_ok=True)
        remote = _remote_files(api, repo_id, branch)
    except Exception as exc:  # noqa: BLE001 - turned into an actionable message without the token
        raise PublishError(
            f"cannot prepare {REPO_TYPE} repo {repo_id}@{branch}: {_scrub(str(exc), token).splitlines()[0]}\n"
            "Check the repo name, that the token has write access, and the network; then publish again."
        ) from None

    pending = [f for f in files if _mismatch(f, remote.get(f.path), output_dir) is not None]
    report.skipped = [f.path for f in files if f not in pending]
    wanted = {f.path for f in files}
    extra = sorted(p for p in remote if p not in wanted and p.startswith(DATA_FOLDERS))
    if report.skipped:
        progress(f"{len(report.skipped)} file(s) already on the Hub with the same content: not uploaded again")
    commits = plan_commits(pending, max_commit_files, max_commit_bytes)
    if delete_extra and extra and not commits:
        commits = [[]]
    for i, batch in enumerate(commits, 1):
        deletions = extra if delete_extra and i == len(commits) else []
        size = sum(f.size for f in batch)
        message = f"lingoloom publish: commit {i}/{len(commits)} ({len(batch)} files, {size} bytes)"
        progress(message)
        report.commit_oids.append(
            _commit(api, repo_id, branch, output_dir, batch, deletions, message, commit_attempts, retry_wait, token)
        )
        report.uploaded.extend(f.path for f in batch)
        report.deleted.extend(deletions)

    try:
        remote = _remote_files(api, repo_id, branch)
    except Exception as exc:  # noqa: BLE001
        raise PublishError(f"uploaded, but listing the remote files failed: {_scrub(str(exc), token)}; re-run to verify") from None
    problems = [f"{f.path}: {why}" for f in files if (why := _mismatch(f, remote.get(f.path), output_dir))]
    problems += [
        f"{p}: on the Hub but not in the manifest (re-run with --delete-extra to remove it)"
        for p in sorted(remote)
        if p not in wanted and p.startswith(DATA_FOLDERS)
    ]
    if problems:
        raise PublishError(f"the Hub copy of {repo_id}@{branch} differs from the manifest:\n  " + "\n  ".join(problems))
    report.verified = True
    progress(f"verified {len(files)} file(s) on {repo_id}@{branch} against the manifest")
    return report
