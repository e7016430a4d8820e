"""The heliport optional extra: a real second opinion for languages lid.176 lacks (skipped when absent)."""

from __future__ import annotations

import pytest

pytest.importorskip("heliport")

from lingoloom.langid.heliport_backend import HeliportIdentifier, scores_to_probabilities  # noqa: E402
from lingoloom.langid.labeller import Labeller  # noqa: E402
from lingoloom.schemas.langid import LangIdSettings  # noqa: E402

# UDHR article 1 in Shona and Zulu: lid.176 has no label for either (heliport 1.0 has none for Hausa either).
SHONA = (
    "Vanhu vese vanoberekwa vakasununguka uye vakaenzana pachiremera nekodzero. Vakapiwa njere nehana "
    "uye vanofanira kubatana nomweya wehukama."
)
ZULU = (
    "Bonke abantu bazalwa bekhululekile futhi belingana ngesithunzi nangamalungelo. Bahlanganiswe wumcabango "
    "nangunembeza futhi kufanele baphathane ngomoya wobunye."
)


@pytest.fixture(scope="module")
def ensemble_labeller() -> Labeller:
    return Labeller(LangIdSettings(mixed=False))  # ensemble "auto": on, because heliport is installed


def test_ensemble_is_on_by_default_when_heliport_is_installed(ensemble_labeller: Labeller) -> None:
    names = [info["name"] for info in ensemble_labeller.models_info()]
    assert names == ["lid176", "heliport"]
    assert ensemble_labeller.models_info()[1]["licence"] == "GPL-3.0"


def test_languages_missing_from_lid176_are_found(ensemble_labeller: Labeller) -> None:
    shona, zulu = ensemble_labeller.label([SHONA, ZULU])
    assert shona.language == "sna_Latn" and zulu.language == "zul_Latn"
    assert shona.disagreement is True  # lid.176 had to name some other language
    assert shona.opinions["heliport"][0][0] == "sna_Latn"
    assert shona.opinions["lid176"][0][0] != "sna_Latn"


def test_ensemble_off_keeps_lid176_alone() -> None:
    labeller = Labeller(LangIdSettings(ensemble="off", mixed=False))
    assert [info["name"] for info in labeller.models_info()] == ["lid176"]
    assert labeller.label([ZULU])[0].language != "zul_Latn"


def test_heliport_scores_become_probabilities(ensemble_labeller: Labeller) -> None:
    probabilities = scores_to_probabilities([("hau", 2.0), ("ful", 3.0)])
    assert probabilities[0][1] == pytest.approx(10 / 11) and sum(p for _, p in probabilities) == pytest.approx(1.0)
    assert isinstance(ensemble_labeller.secondary, HeliportIdentifier)
    predictions = ensemble_labeller.secondary.predict([ZULU], k=2)[0]
    assert predictions[0][0] == "zul_Latn" and 0.5 < predictions[0][1] <= 1.0
