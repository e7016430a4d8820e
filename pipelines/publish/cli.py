"""The ``lingoloom publish`` command: an output folder -> a verified Hugging Face Hub dataset repo.

Why it exists: publishing is the last step users run by hand; it must say what it will do
(``--dry-run``), resume when re-run after an interruption, and fail with a message that says what
to do, never with a traceback or the token. Mounted in :mod:`lingoloom.pipelines.cli`.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

import typer


def _human(n: int) -> str:
    size = float(n)
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{n} B"


def _run_hub_settings(output: Path) -> dict:
    """The ``hub`` section of the run definition recorded in the output's manifest (empty if absent)."""
    try:
        manifest = json.loads((output / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    hub = manifest.get("config", {}).get("hub") if isinstance(manifest, dict) else None
    return hub if isinstance(hub, dict) else {}


def publish_command(
    output: Path = typer.Argument(..., exists=True, file_okay=False, help="A finished output folder (with manifest.json)."),
    repo: str | None = typer.Option(None, "--repo", help="Target dataset repo, ORG/NAME (default: the run's hub.repo)."),
    private: bool = typer.Option(False, "--private", help="Create the repo as private (ignored if it exists)."),
    revision: str | None = typer.Option(
        None, "--revision", help="Branch to publish to, created from main if missing (default: the run's hub.revision or main)."
    ),
    dry_run: bool = typer.Option(False, "--dry-run", help="Check the output and show the commits; no network."),
    delete_extra: bool = typer.Option(
        False, "--delete-extra", help="Delete files under data/ and mix/ on the Hub that are not in this output's manifest."
    ),
    max_commit_files: int = typer.Option(100, min=1, help="At most this many files per commit."),
    max_commit_gb: float = typer.Option(2.0, min=0.001, help="At most this many GB per commit (a bigger file goes alone)."),
) -> None:
    """Publish an output folder to the Hugging Face Hub as a dataset repo, then verify it against the manifest.

    The token is read from HF_TOKEN or the login cache (`hf auth login`). Re-running after an
    interruption resumes: files already on the Hub with the same content are not uploaded again.
    """
    from lingoloom.pipelines.publish.hub import PublishError, publish
    from lingoloom.pipelines.publish.plan import PlanError

    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    hub = _run_hub_settings(output)
    repo = repo or hub.get("repo")
    revision = revision or hub.get("revision")
    private = private or bool(hub.get("private"))
    if not repo:
        raise typer.BadParameter("no --repo given and the run definition has no hub.repo", param_hint="--repo")
    if repo.count("/") != 1 or not all(repo.split("/")):
        raise typer.BadParameter(f"expected ORG/NAME, got {repo!r}", param_hint="--repo")
    try:
        report = publish(
            output,
            repo,
            private=private,
            revision=revision,
            dry_run=dry_run,
            delete_extra=delete_extra,
            max_commit_files=max_commit_files,
            max_commit_bytes=max(1, int(max_commit_gb * 1024**3)),
            progress=typer.echo,
        )
    except (PublishError, PlanError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(code=1) from None

    if report.dry_run:
        typer.echo(
            f"dry run: would publish {len(report.files)} file(s), {_human(report.total_bytes)}, "
            f"to datasets/{report.repo_id}@{report.revision} in {len(report.commits_planned)} commit(s):"
        )
        for i, paths in enumerate(report.commits_planned, 1):
            typer.echo(f"  commit {i}: {len(paths)} file(s): {', '.join(paths[:3])}{' ...' if len(paths) > 3 else ''}")
        return
    typer.echo(
        f"published {report.url} @ {report.revision}: {len(report.uploaded)} uploaded, "
        f"{len(report.skipped)} already present, {len(report.deleted)} deleted, verified against the manifest"
    )
