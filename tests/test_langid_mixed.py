"""Mixed-language documents, text preparation, and per-language thresholds (configured and calibrated)."""

from __future__ import annotations

import statistics

import pytest
from datatrove.data import Document

from lingoloom.langid.mixed import aggregate, segments
from lingoloom.langid.prepare import clean_text, prepare_text, sample_text
from lingoloom.langid.step import LanguageId
from lingoloom.langid.thresholds import ScoreHistograms, calibrate_threshold, resolve_thresholds, threshold_for
from lingoloom.schemas.langid import LangIdSettings

FRENCH = [
    "Tous les êtres humains naissent libres et égaux en dignité et en droits. Ils sont doués de raison et de conscience.",
    "Chacun peut se prévaloir de tous les droits et de toutes les libertés proclamés dans la présente Déclaration.",
    "Tout individu a droit à la vie, à la liberté et à la sûreté de sa personne, sans distinction aucune.",
]
GERMAN = [
    "Alle Menschen sind frei und gleich an Würde und Rechten geboren. Sie sind mit Vernunft und Gewissen begabt.",
    "Jeder hat Anspruch auf die in dieser Erklärung verkündeten Rechte und Freiheiten ohne irgendeinen Unterschied.",
]


def test_bilingual_document_is_mixed_with_shares() -> None:
    step = LanguageId(LangIdSettings(ensemble="off", default_threshold=0.0), pack_thresholds={})
    doc = Document(text="\n".join(FRENCH + GERMAN), id="m")
    assert step.process(doc) is None
    meta = doc.metadata
    assert meta["language_mixed"] is True
    assert meta["language"] == "fra_Latn"
    shares = {item["label"]: item["score"] for item in meta["top_languages"]}
    assert set(shares) == {"fra_Latn", "deu_Latn"}
    assert shares["fra_Latn"] > shares["deu_Latn"] >= 0.2
    assert sum(shares.values()) == pytest.approx(1.0, abs=0.01)


def test_minimum_share_decides_what_counts_as_mixed() -> None:
    step = LanguageId(LangIdSettings(ensemble="off", default_threshold=0.0, mixed_min_share=0.45), pack_thresholds={})
    doc = Document(text="\n".join(FRENCH + GERMAN[:1]), id="m")
    step.process(doc)
    assert doc.metadata["language_mixed"] is False and doc.metadata["language"] == "fra_Latn"


def test_confident_documents_skip_the_paragraph_pass() -> None:
    settings = LangIdSettings(ensemble="off", default_threshold=0.0, mixed_check_below=0.01)
    doc = Document(text="\n".join(FRENCH + GERMAN), id="m")
    LanguageId(settings, pack_thresholds={}).process(doc)
    assert doc.metadata["language_mixed"] is False


def test_segments_merge_short_lines_and_aggregate_by_characters() -> None:
    parts = segments("Title\nA long enough paragraph of text here.\nshort\nok\nAnother paragraph long enough.", 20)
    assert parts == ["Title A long enough paragraph of text here.", "short ok Another paragraph long enough."]
    assert segments("one\ntwo", 20) == ["one two"]
    mixture = aggregate(["a" * 30, "b" * 10], [[("fra_Latn", 0.9)], [("deu_Latn", 0.5)]])
    assert mixture.shares == {"fra_Latn": 0.75, "deu_Latn": 0.25}
    assert mixture.primary == "fra_Latn" and mixture.is_mixed(0.2) and not mixture.is_mixed(0.3)


def test_preparation_strips_noise_and_samples_beginning_middle_end() -> None:
    cleaned = clean_text("Voir https://exemple.fr/page?id=3 ou écrire à contact@exemple.fr <br/> le 12/03/2024 ### &amp;")
    assert "http" not in cleaned and "@" not in cleaned and "<br" not in cleaned and "2024" not in cleaned
    assert "&amp;" not in cleaned and "Voir" in cleaned and "écrire" in cleaned
    text = " ".join(["début"] * 500 + ["milieu"] * 500 + ["fin"] * 500)
    sample = sample_text(text, 600)
    assert len(sample) <= 620 and "début" in sample and "milieu" in sample and "fin" in sample
    assert prepare_text("court texte", 600) == "court texte"


def test_fineweb2_threshold_rule() -> None:
    scores = [0.9, 0.8, 0.85, 0.7, 0.95, 0.6]
    expected = statistics.median(scores) - statistics.pstdev(scores)
    assert calibrate_threshold(scores) == pytest.approx(max(0.3, min(0.9, expected)))
    assert calibrate_threshold([0.99] * 10) == 0.9  # ceiling
    assert calibrate_threshold([0.1, 0.2, 0.9, 0.05]) == 0.3  # floor
    histograms = ScoreHistograms()
    histograms.add("vie_Latn", 0.8, n=30)
    histograms.add("hau_Latn", 0.5, n=3)
    used = resolve_thresholds(histograms, lambda label: None, True, 0.65, min_documents=20)
    assert {label: u.threshold for label, u in used.items()} == {"vie_Latn": 0.8, "hau_Latn": 0.65}
    with pytest.raises(ValueError):
        calibrate_threshold([])


def test_threshold_precedence_run_then_pack_then_default() -> None:
    assert threshold_for("vie_Latn", {"vie_Latn": 0.4}, {"vie_Latn": 0.7}, 0.65) == 0.4
    assert threshold_for("vie_Latn", {}, {"vie_Latn": 0.7}, 0.65) == 0.7
    assert threshold_for("vie_Latn", {}, {}, 0.65) == 0.65
    step = LanguageId(LangIdSettings(ensemble="off", mixed=False), pack_thresholds={"fra_Latn": 0.999})
    doc = Document(text=FRENCH[0], id="f")
    assert step.process(doc) == "language_score_below_threshold"
    assert {label: step.threshold(label) for label in ("fra_Latn", "deu_Latn")} == {"deu_Latn": 0.65, "fra_Latn": 0.999}


def test_language_pack_thresholds_apply_by_default() -> None:
    from lingoloom.filters.packs import has_pack, pack_for

    step = LanguageId(LangIdSettings(ensemble="off", mixed=False, default_threshold=0.5))
    assert has_pack("cmn_Hans")
    assert step.threshold("cmn_Hans") == pack_for("cmn_Hans").langid_threshold
    assert step.threshold("xyz_Latn") == 0.5  # no pack: the run's default
    assert LanguageId(LangIdSettings(thresholds={"cmn_Hans": 0.1})).threshold("cmn_Hans") == 0.1
