"""Language packs: every pack checks out and keeps its own sample, the registry falls back to the
generic default, and real clean prose (UDHR) in each pack's language passes while junk in the
same language is removed."""

from __future__ import annotations

import csv
import random
from pathlib import Path

import pytest
import yaml
from datatrove.data import Document
from typer.testing import CliRunner

from lingoloom.filters.pack_check import check_pack
from lingoloom.filters.packs import GENERIC_LABEL, PackError, available_packs, load_pack_file, pack_files, pack_for
from lingoloom.filters.quality import QualityFilter
from lingoloom.pipelines.cli import app

REQUIRED = (
    "vie_Latn tha_Thai cmn_Hans jpn_Jpan kor_Hang hin_Deva ben_Beng tam_Taml tel_Telu arb_Arab pes_Arab urd_Arab "
    "rus_Cyrl ukr_Cyrl ell_Grek heb_Hebr amh_Ethi kat_Geor hye_Armn khm_Khmr mya_Mymr lao_Laoo swh_Latn yor_Latn "
    "hau_Latn ind_Latn tgl_Latn"
).split()


def test_seed_packs_cover_required_languages_and_scripts():
    packs = available_packs()
    labels = set(packs) - {GENERIC_LABEL}
    assert len(labels) >= 40
    assert len({label.split("_")[1] for label in labels}) >= 15
    assert not set(REQUIRED) - labels
    for pack in packs.values():
        assert pack.sources, f"{pack.label} has no sources (attribution)"


@pytest.mark.parametrize("label", sorted(pack_files()))
def test_every_pack_passes_languages_check(label):
    pack = load_pack_file(pack_files()[label])
    assert pack.sample, (
        f"{label} has no `sample:`. Every pack shipped with lingoloom needs one: a clean paragraph (50+ words) "
        "of ordinary prose in the language that you wrote yourself, so `languages check` can run the filters "
        "on it (see CONTRIBUTING.md, step 4)"
    )
    assert pack.sample_source, f"{label}: say who wrote the sample in `sample_source:` (see CONTRIBUTING.md)"
    result = check_pack(pack_files()[label])
    assert result.ok, result.problems
    assert result.sample_passed is True, result.notes


def test_registry_falls_back_to_generic_and_pack_for_gives_langid_threshold():
    assert pack_for("xyz_Latn").label == GENERIC_LABEL
    assert pack_for(None).label == GENERIC_LABEL
    assert pack_for("tha_Thai").langid_threshold == pytest.approx(0.65)  # FineWeb-2 0.9, capped for lid.176
    assert pack_for("yor_Latn").langid_threshold == pytest.approx(0.3)


def test_invalid_pack_errors_name_file_and_field(tmp_path: Path):
    data = yaml.safe_load(pack_files()["tha_Thai"].read_text(encoding="utf-8"))
    data["gopher_quality"]["max_non_alpha_words_ratio"] = 3
    bad = tmp_path / "tha_Thai.yaml"
    bad.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(PackError, match=r"tha_Thai.yaml.*gopher_quality.max_non_alpha_words_ratio"):
        load_pack_file(bad)
    misnamed = tmp_path / "lao_Laoo.yaml"
    misnamed.write_text(pack_files()["tha_Thai"].read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(PackError, match="rename it to tha_Thai.yaml"):
        load_pack_file(misnamed)
    result = CliRunner().invoke(app, ["languages", "check", str(bad)])
    assert result.exit_code == 1 and "FAIL" in result.output


def test_check_runs_the_packs_own_sample(tmp_path: Path):
    data = yaml.safe_load(pack_files()["eng_Latn"].read_text(encoding="utf-8"))
    data["sample"] = "Buy now\n" * 60
    path = tmp_path / "eng_Latn.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    result = check_pack(path)
    assert not result.ok and "sample is dropped" in result.problems[0]
    assert result.sample_passed is False


def test_check_of_a_pack_without_sample_passes_but_says_the_sample_is_missing(tmp_path: Path):
    data = yaml.safe_load(pack_files()["eng_Latn"].read_text(encoding="utf-8"))
    del data["sample"], data["sample_source"]
    path = tmp_path / "eng_Latn.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    result = check_pack(path)
    assert result.ok and result.sample_passed is None
    assert any("no sample text" in note for note in result.notes)


def udhr_texts(shared_data: Path) -> dict[str, list[str]]:
    """label -> UDHR texts of review stage >= 4 (Simplified/Traditional Chinese told apart by file name)."""
    texts: dict[str, list[str]] = {}
    with open(shared_data / "langid" / "udhr_index.tsv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            if int(row["stage"]) < 4:
                continue
            script = row["iso15924"]
            if row["iso639-3"] == "cmn":
                script = "Hant" if "hant" in row["f"].lower() else "Hans"
            label = f"{row['iso639-3']}_{script}"
            path = shared_data / "langid" / "udhr" / f"{row['f']}.txt"
            if path.is_file():
                texts.setdefault(label, []).append(path.read_text(encoding="utf-8"))
    return texts


def junk_variants(text: str, words: list[str]) -> dict[str, str]:
    lines = [line for line in text.splitlines() if len(line) > 40]
    rng = random.Random(0)
    keywords = rng.sample(sorted(set(words)), min(200, len(set(words))))
    nav = [w for w in keywords if len(w) > 1][:12]
    return {
        "repeated_lines": "\n".join(lines[:2] * 15),
        "keyword_list": "\n".join(keywords),
        "boilerplate_only": "\n".join(f"{a} | {b}" for a, b in zip(nav[::2], nav[1::2])) * 3,
    }


@pytest.mark.shared_data
def test_udhr_passes_and_generated_junk_is_removed_for_every_pack_language(shared_data):
    texts = udhr_texts(shared_data)
    step = QualityFilter()
    covered = []
    for label in sorted(set(available_packs()) & set(texts)):
        for text in texts[label][:1]:
            doc = Document(text=text, id=label, metadata={"language": label})
            assert step.process(doc) is None, (label, doc.metadata["quality"])
        ctx = step.context(label)
        for kind, junk in junk_variants(texts[label][0], ctx.tokenizer.word_tokenize(texts[label][0])).items():
            reason = step.process(Document(text=junk, id=kind, metadata={"language": label}))
            assert reason, f"{label}: {kind} junk was kept"
        covered.append(label)
    assert len(covered) >= 40 and "tha_Thai" in covered and "mya_Mymr" in covered


@pytest.mark.shared_data
def test_pack_samples_are_not_copied_from_the_reference_texts(shared_data):
    """Samples are written for the project: no 40-character stretch of one occurs in a UDHR text of its language."""
    texts = udhr_texts(shared_data)
    for label, pack in available_packs().items():
        reference = [" ".join(t.split()) for t in texts.get(label, [])]
        sample = " ".join((pack.sample or "").split())
        for start in range(0, max(1, len(sample) - 40)):
            window = sample[start : start + 40]
            assert not any(window in text for text in reference), f"{label}: sample shares {window!r} with the UDHR"


@pytest.mark.shared_data
def test_calibrate_writes_a_pack_that_passes_check(shared_data, tmp_path: Path):
    out = tmp_path / "kat_Geor.yaml"
    report = tmp_path / "report.md"
    result = CliRunner().invoke(
        app,
        ["languages", "calibrate", "kat_Geor", "--sample", str(shared_data / "langid/udhr/kat.txt"),
         "--out", str(out), "--report", str(report), "--lines-per-doc", "10"],
    )
    assert result.exit_code == 0, result.output
    pack = load_pack_file(out)
    assert len(pack.stopwords) == 20 and "და" in pack.stopwords  # 'and', the most frequent Georgian word
    assert "| mean_word_length |" in report.read_text(encoding="utf-8")
    assert check_pack(out).ok
