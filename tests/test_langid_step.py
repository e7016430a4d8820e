"""The LanguageId step with the real embedded lid.176 model: labels, drops with reasons, pickling."""

from __future__ import annotations

import pickle
import re

import pytest
from datatrove.data import Document
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lingoloom.langid.step import LanguageId
from lingoloom.pipelines.steps import run_steps
from lingoloom.schemas.langid import LangIdSettings

FRENCH = "Bonjour à tous, nous sommes heureux de vous accueillir dans notre ville pour cette grande fête."
VIETNAMESE = "Tất cả mọi người sinh ra đều được tự do và bình đẳng về nhân phẩm và quyền lợi."
TRADITIONAL = "人人生而自由，在尊嚴和權利上一律平等。他們賦有理性和良心，並應以兄弟關係的精神相對待。"
SERBIAN_LATIN = "Sva ljudska bića rađaju se slobodna i jednaka u dostojanstvu i pravima. Ona su obdarena razumom i svešću."


def _run(settings: LangIdSettings, texts: list[str]):
    step = LanguageId(settings)
    docs = [Document(text=text, id=str(i)) for i, text in enumerate(texts)]
    kept = {doc.id: doc for doc in run_steps([step], docs)}
    return step, kept, docs


@pytest.fixture(scope="module")
def plain() -> LangIdSettings:
    return LangIdSettings(ensemble="off", mixed=False)


def test_labels_scores_and_top_languages(plain: LangIdSettings) -> None:
    _, kept, _ = _run(plain, [FRENCH, VIETNAMESE, TRADITIONAL])
    assert kept["0"].metadata["language"] == "fra_Latn"
    assert kept["1"].metadata["language"] == "vie_Latn"
    assert kept["2"].metadata["language"] == "cmn_Hant"  # lid.176 says "zh"; the script says Traditional
    top = kept["0"].metadata["top_languages"]
    assert top[0]["label"] == "fra_Latn" and len(top) == plain.top_k
    assert kept["0"].metadata["language_score"] == pytest.approx(top[0]["score"])
    assert kept["0"].metadata["language_mixed"] is False


def test_drops_are_counted_with_reasons(plain: LangIdSettings) -> None:
    settings = LangIdSettings(ensemble="off", mixed=False, languages=["fr", "zh-Hant"], thresholds={"zh-Hant": 1.0})
    step, kept, docs = _run(settings, [FRENCH, VIETNAMESE, TRADITIONAL, "https://example.com 12 34 <br> ###"])
    assert set(kept) == {"0"}
    stats = step.stats.stats
    assert stats["dropped/language_not_selected/vie_Latn"].total == 1
    assert stats["dropped/language_score_below_threshold/cmn_Hant"].total == 1
    assert stats["dropped/empty_text"].total == 1
    assert docs[1].metadata["language"] == "vie_Latn"  # dropped records still say why


def test_script_refinement_relabels_serbian_latin(plain: LangIdSettings) -> None:
    step = LanguageId(plain.model_copy(update={"default_threshold": 0.0}))
    doc = Document(text=SERBIAN_LATIN, id="s")
    step.process(doc)
    assert doc.metadata["language"].endswith("_Latn")


def test_step_pickles_without_the_model(plain: LangIdSettings) -> None:
    step = LanguageId(plain)
    step.process(Document(text=FRENCH, id="x"))  # loads the model
    blob = pickle.dumps(step)
    assert len(blob) < 100_000  # the 900 kB model is not in the pickle
    clone = pickle.loads(blob)
    doc = Document(text=VIETNAMESE, id="y")
    assert clone.process(doc) is None and doc.metadata["language"] == "vie_Latn"


def test_models_info_records_the_embedded_model(plain: LangIdSettings) -> None:
    (info,) = LanguageId(plain).models_info()
    assert info["name"] == "lid176" and info["licence"] == "CC-BY-SA-3.0" and len(info["sha256"]) == 64


def test_settings_normalise_codes_and_reject_unknown_ones() -> None:
    settings = LangIdSettings(languages=["zh-Hant", "vi"], thresholds={"ar": 0.5})
    assert settings.languages == ["cmn_Hant", "vie_Latn"]
    assert settings.thresholds == {"arb_Arab": 0.5}
    with pytest.raises(ValueError, match="not a language code"):
        LangIdSettings(languages=["klingon!"])


_LABELLER = None


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=400))
def test_any_text_gets_a_label_or_a_reason_never_a_crash(text: str) -> None:
    global _LABELLER
    if _LABELLER is None:
        _LABELLER = LanguageId(LangIdSettings(ensemble="off"))
    doc = Document(text=text, id="h")
    reason = _LABELLER.process(doc)
    label = doc.metadata["language"]
    assert reason in (None, "empty_text", "script_mismatch", "language_not_selected", "language_score_below_threshold")
    assert label == "und" or re.fullmatch(r"[a-z]{3}_[A-Z][a-z]{3}", label)
    assert 0.0 <= doc.metadata["language_score"] <= 1.0
