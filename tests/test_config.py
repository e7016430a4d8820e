"""Run definitions are strict: unknown keys and wrong types fail with the YAML path of the problem."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from lingoloom.schemas.config import ConfigError, load_run_config, parse_run_config

MINIMAL = {"name": "t", "inputs": [{"type": "warc", "paths": ["x.warc.gz"]}]}


def test_minimal_definition_gets_defaults():
    config = parse_run_config(MINIMAL)
    assert config.engine.name == "local" and config.dedup.exact
    assert config.output_dir() == Path("runs/t")


def test_unknown_key_reports_its_yaml_path(tmp_path):
    data = {**MINIMAL, "quality": {"min_wordz": 3}}
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(data))
    with pytest.raises(ConfigError) as err:
        load_run_config(path)
    assert "quality.min_wordz" in str(err.value) and "unknown key" in str(err.value)
    assert str(path) in str(err.value)


def test_wrong_type_inside_a_list_reports_index_path():
    data = {"name": "t", "inputs": [{"type": "warc", "paths": "not-a-list"}]}
    with pytest.raises(ConfigError) as err:
        parse_run_config(data)
    assert "inputs[0].paths" in str(err.value)


def test_unknown_input_type_and_bad_engine_are_errors():
    with pytest.raises(ConfigError, match="inputs"):
        parse_run_config({"name": "t", "inputs": [{"type": "ftp", "paths": ["x"]}]})
    with pytest.raises(ConfigError, match="engine.workers"):
        parse_run_config({**MINIMAL, "engine": {"workers": 0}})


def test_bad_yaml_and_missing_file_are_clear(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("name: [unclosed")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_run_config(path)
    with pytest.raises(ConfigError, match="no such run definition"):
        load_run_config(tmp_path / "absent.yaml")


def test_every_shipped_run_definition_validates(project_root):
    runs = sorted((project_root / "runs").glob("*.yaml"))
    for path in runs:
        load_run_config(path)
