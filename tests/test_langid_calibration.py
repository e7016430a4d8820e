"""Language-ID thresholds calibrated from the run's own scores (FineWeb-2's rule), on both engines.

A language without a configured or pack threshold gets tau = max(0.3, min(0.9, median - sigma)) of
its documents' scores; the scores are aggregated in mergeable 1e-4 histograms, so the result does
not depend on worker count or order; both engines report the same thresholds and keep the same
records.
"""

from __future__ import annotations

import json
import random
import statistics
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest
from datatrove.data import Document

from demo_inputs import write_demo_warcs
from lingoloom.langid.calibrated import REPORT_PATH, STAGE
from lingoloom.langid.step import LanguageId
from lingoloom.langid.thresholds import (
    CALIBRATED,
    CONFIGURED,
    FIXED,
    PACK,
    ScoreHistograms,
    calibrate_threshold,
    read_report,
    resolve_thresholds,
)
from lingoloom.schemas.config import parse_run_config
from lingoloom.schemas.langid import LangIdSettings

# Original Italian and English sentences (written for this test). Italian has no language pack, so its
# threshold is calibrated; mixing in English sentences lowers a document's Italian score step by step.
ITALIAN = [
    "La mattina il mercato del paese si riempie di banchi di frutta, verdura e formaggi portati dalle colline vicine.",
    "Mia nonna preparava il sugo la domenica e lo lasciava cuocere piano per tutta la mattinata.",
    "Il treno regionale si ferma in ogni piccola stazione lungo la costa e arriva quasi sempre in ritardo.",
    "Durante l'estate i ragazzi giocano a pallone nella piazza davanti alla chiesa fino a tarda sera.",
    "La biblioteca comunale ha aperto una nuova sala dedicata ai libri per bambini e alle riviste locali.",
    "Quando piove forte la strada che porta al porto diventa un piccolo fiume e nessuno esce di casa.",
    "Il pescatore racconta che una volta il mare era più generoso e le reti tornavano sempre piene.",
    "Gli studenti dell'istituto tecnico hanno costruito un piccolo robot che sa riconoscere i colori.",
]
ENGLISH = [
    "The weather report says that tomorrow will be sunny with a light breeze from the west.",
    "Our library opens at nine in the morning and closes at six in the evening on weekdays.",
    "Please remember to bring your own water bottle and a pair of comfortable walking shoes.",
    "The committee will publish the final results of the competition next Thursday afternoon.",
    "Children under twelve can visit the museum for free when accompanied by an adult.",
    "The bakery on the corner sells fresh bread and pastries every day except Sunday.",
]


def italian_rows() -> list[dict]:
    """24 Italian documents whose lid.176 score falls from about 0.98 to 0.65 as English is mixed in."""
    rows = []
    for english in range(8):
        for start in range(3):
            text = " ".join([ITALIAN[(start + j) % len(ITALIAN)] for j in range(6)]
                            + [ENGLISH[(start + j) % len(ENGLISH)] for j in range(english)])
            rows.append({"url": f"http://it.example.test/{english}-{start}.html", "text": text})
    return rows


def _scores(rng: random.Random, n: int) -> list[float]:
    return [round(min(1.0, max(0.0, rng.gauss(0.8, 0.15))), 4) for _ in range(n)]


def test_histogram_median_and_sigma_match_numpy_and_merging_is_order_free() -> None:
    rng = random.Random(7)
    for n in (1, 2, 3, 10, 1001):
        scores = _scores(rng, n)
        histograms = ScoreHistograms()
        for score in scores:
            histograms.add("ita_Latn", score)
        assert histograms.documents("ita_Latn") == n
        assert histograms.median("ita_Latn") == pytest.approx(float(np.median(scores)), abs=1e-4)
        assert histograms.stdev("ita_Latn") == pytest.approx(float(np.std(scores)), abs=1e-4)
    scores = _scores(rng, 2000)
    parts = []
    for start in range(0, 2000, 300):
        part = ScoreHistograms()
        for score in scores[start:start + 300]:
            part.add("ita_Latn", score)
        parts.append(part)
    forward = ScoreHistograms.merged(parts)
    backward = ScoreHistograms.merged(reversed(parts))
    pairwise = ScoreHistograms.merged([ScoreHistograms.merged(parts[:3]), ScoreHistograms.merged(parts[3:])])
    assert forward == backward == pairwise == ScoreHistograms.from_json(json.loads(json.dumps(forward.to_json())))
    used = resolve_thresholds(forward, lambda label: None, True, 0.65, 50)["ita_Latn"]
    assert used.origin == CALIBRATED and used.documents == 2000
    assert used.threshold == pytest.approx(calibrate_threshold(scores), abs=1e-4)
    expected = max(0.3, min(0.9, statistics.median(scores) - statistics.pstdev(scores)))
    assert used.threshold == pytest.approx(expected, abs=1e-4)


def test_threshold_origins_configured_pack_calibrated_fixed() -> None:
    histograms = ScoreHistograms()
    for label, n in (("vie_Latn", 60), ("fra_Latn", 60), ("ita_Latn", 60), ("nld_Latn", 5)):
        for i in range(n):
            histograms.add(label, 0.5 + (i % 10) / 20)
    known = {"vie_Latn": (0.8, CONFIGURED), "fra_Latn": (0.7, PACK)}.get
    used = resolve_thresholds(histograms, known, True, 0.65, 50)
    assert {label: (u.origin, u.threshold) for label, u in used.items()} == {
        "vie_Latn": (CONFIGURED, 0.8), "fra_Latn": (PACK, 0.7),
        "ita_Latn": (CALIBRATED, calibrate_threshold([0.5 + (i % 10) / 20 for i in range(60)])),
        "nld_Latn": (FIXED, 0.65),  # fewer than 50 documents: the fixed fallback
    }
    assert resolve_thresholds(histograms, known, False, 0.65, 50)["ita_Latn"].origin == FIXED


def test_language_id_floors_calibrated_languages_and_counts_every_score() -> None:
    calibrated = LanguageId(LangIdSettings(ensemble="off", mixed=False, default_threshold=0.95), pack_thresholds={})
    fixed = LanguageId(LangIdSettings(ensemble="off", mixed=False, default_threshold=0.95,
                                      threshold_mode="pack_or_fixed"), pack_thresholds={})
    text = italian_rows()[-1]["text"]  # score about 0.65
    assert calibrated.process(Document(text=text, id="a")) is None  # only the 0.3 floor applies here
    assert fixed.process(Document(text=text, id="b")) == "language_score_below_threshold"
    for step in (calibrated, fixed):
        scores = step.take_summary()
        assert scores.labels() == ["ita_Latn"] and scores.documents("ita_Latn") == 1  # counted before any threshold
        assert step.take_summary() is None
    assert calibrated.record_threshold("ita_Latn") == 0.3
    assert LanguageId(LangIdSettings(default_threshold=0.1)).record_threshold("ita_Latn") == 0.1


def _published(root: Path) -> dict[str, list[dict]]:
    return {str(p.relative_to(root)): pq.read_table(p).to_pylist() for p in sorted((root / "data").rglob("*.parquet"))}


@pytest.mark.slow
def test_local_and_beam_calibrate_the_same_thresholds_and_keep_the_same_records(tmp_path: Path) -> None:
    from lingoloom.pipelines.run import execute

    rows = italian_rows()
    (tmp_path / "in").mkdir()
    for part in range(2):
        (tmp_path / "in" / f"it-{part}.jsonl").write_text(
            "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows[part::2]), encoding="utf-8")
    write_demo_warcs(tmp_path / "in", files=1)
    config = parse_run_config({
        "name": "calibration",
        "inputs": [{"type": "jsonl", "paths": [str(tmp_path / "in" / "*.jsonl")], "source": "it"},
                   {"type": "warc", "paths": [str(tmp_path / "in" / "*.warc.gz")], "source": "demo"}],
        "langid": {"ensemble": "off", "calibration_min_documents": 10},
        "quality": {"enabled": False},
        "dedup": {"minhash": {"enabled": False}},
        "balance": {"enabled": False},
    })
    local = execute(config, tmp_path / "local", engine="local", workers=2)
    beam = execute(config, tmp_path / "beam", engine="beam", workers=2, runner="FnApiRunner")

    report = (tmp_path / "local" / REPORT_PATH).read_text(encoding="utf-8")
    assert (tmp_path / "beam" / REPORT_PATH).read_text(encoding="utf-8") == report
    used = read_report(report)
    italian = used["ita_Latn"]
    assert italian.origin == CALIBRATED and italian.documents == len(rows)
    assert 0.65 < italian.threshold < 0.9  # stricter than the fixed default for this distribution
    assert used["eng_Latn"].origin == PACK

    published = _published(tmp_path / "local")
    assert _published(tmp_path / "beam") == published
    assert beam.stats[STAGE] == local.stats[STAGE]
    dropped = local.stats[STAGE]["dropped/language_score_below_threshold/ita_Latn"]
    kept = [row for name, table in published.items() if "/ita_Latn/" in name for row in table]
    assert dropped > 0 and len(kept) + dropped == len(rows)
    assert all(row["language_score"] >= italian.threshold for row in kept)
    # the dropped documents all passed the fixed default: calibration, not the default, removed them
    kept_urls = {row["url"] for row in kept}
    step = LanguageId(config.langid)
    for row in rows:
        if row["url"] not in kept_urls:
            doc = Document(text=row["text"], id=row["url"])
            step.process(doc)
            assert 0.65 <= doc.metadata["language_score"] < italian.threshold
    for outcome in (local, beam):  # reported in the card and the manifest
        card = Path(outcome.card_path).read_text(encoding="utf-8")
        assert f"| `ita_Latn` | {italian.threshold:.4f} |" in card and "calibrated (median" in card
        manifest = json.loads(Path(outcome.manifest_path).read_text(encoding="utf-8"))
        assert manifest["langid_thresholds"]["ita_Latn"]["origin"] == CALIBRATED
        assert manifest["langid_thresholds"]["eng_Latn"]["origin"] == PACK
