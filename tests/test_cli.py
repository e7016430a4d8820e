"""Every command answers --help, and `run` reports bad run definitions with their YAML path."""

from __future__ import annotations

import typer.main
from typer.testing import CliRunner

from lingoloom.pipelines.cli import app

runner = CliRunner()


def all_command_paths(group=None, prefix=()):
    click_group = group or typer.main.get_command(app)
    for name, command in click_group.commands.items():
        path = (*prefix, name)
        yield path
        if hasattr(command, "commands"):
            yield from all_command_paths(command, path)


def test_every_command_has_help():
    paths = list(all_command_paths())
    assert ("run",) in paths and ("inspect",) in paths and ("demo",) in paths
    for path in paths:
        result = runner.invoke(app, [*path, "--help"])
        assert result.exit_code == 0, (path, result.output)
        assert "Usage" in result.output


def test_run_rejects_a_bad_definition_with_its_path(tmp_path):
    config = tmp_path / "bad.yaml"
    config.write_text("name: bad\ninputs:\n  - type: warc\n    paths: [x.warc]\nengine:\n  workerz: 3\n")
    result = runner.invoke(app, ["run", str(config)])
    assert result.exit_code == 2
    assert "engine.workerz" in result.output and "unknown key" in result.output
