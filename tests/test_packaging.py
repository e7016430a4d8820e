"""The project installs as one distribution whose wheel works outside the source tree."""

from __future__ import annotations

import importlib.metadata as metadata
import subprocess
import sys
import sysconfig
import tomllib
import venv
import zipfile
from pathlib import Path

import pytest

CODE_FOLDERS = {"pipelines": "lingoloom.pipelines", "filters": "lingoloom.filters",
                "langid": "lingoloom.langid", "schemas": "lingoloom.schemas"}


def test_exactly_one_distribution_provides_fasttext_and_it_is_the_chosen_one():
    providers = sorted(
        dist.metadata["Name"]
        for dist in metadata.distributions()
        if any(str(f).split("/")[0] == "fasttext" for f in (dist.files or []))
    )
    assert providers == ["fasttext-numpy2"], providers
    import fasttext  # the module must be importable and able to train

    assert hasattr(fasttext, "train_supervised") and hasattr(fasttext, "load_model")


def test_every_code_subpackage_is_declared(project_root):
    declared = set(tomllib.loads((project_root / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    for folder, package in CODE_FOLDERS.items():
        for init in (project_root / folder).rglob("__init__.py"):
            relative = init.parent.relative_to(project_root / folder)
            name = ".".join([package, *relative.parts])
            assert name in declared, f"{init.parent} is not listed in pyproject [tool.setuptools] packages"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory, project_root) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(out), str(project_root)],
                   check=True, capture_output=True, cwd=project_root)
    (built,) = out.glob("lingoloom-*.whl")
    return built


def test_wheel_holds_namespaced_packages_and_their_data(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    assert not any(n.split("/")[0] in CODE_FOLDERS for n in names), "code folders must install under lingoloom/"
    assert "lingoloom/pipelines/cli.py" in names
    assert any(n.startswith("lingoloom/pipelines/demo/site/") and n.endswith(".html") for n in names)
    assert "lingoloom/pipelines/demo/demo_run.yaml" in names


def test_wheel_installs_into_a_fresh_venv_and_the_cli_runs(wheel, tmp_path):
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--no-deps", "--no-index", str(wheel)],
                   check=True, capture_output=True)
    site = Path(subprocess.check_output([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                                        text=True).strip())
    # The third-party dependencies are borrowed by path from the test environment (installing them again
    # would only re-test pip); lingoloom itself comes from the wheel, not from the source tree.
    (site / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    result = subprocess.run([str(env_dir / "bin" / "lingoloom"), "--help"], capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "run" in result.stdout and "inspect" in result.stdout and "demo" in result.stdout
    code = ("import lingoloom.pipelines as p, lingoloom.pipelines.demo as d; "
            "print(p.__file__); print((d.SITE_ROOT / 'index.html').is_file())")
    where, has_site = subprocess.check_output([str(python), "-c", code], text=True, cwd=tmp_path).split()
    assert where.startswith(str(site)), where
    assert has_site == "True"
