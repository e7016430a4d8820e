"""Balance findings: domain concentration, ccTLD spread, source types and the filter-fairness table."""

from __future__ import annotations

import math

import pytest

from lingoloom.filters.balance import profile_rows
from lingoloom.filters.balance.report import domain_concentration, fairness_table, source_shares, tld_spread
from lingoloom.filters.balance.sources import source_type


def _profile(urls: list[tuple[str | None, str | None, str | None]]):
    rows = [{"id": str(i), "text": "x" * 10, "language": "yor_Latn", "domain": d, "tld": t, "url": u}
            for i, (d, t, u) in enumerate(urls)]
    return profile_rows(rows)["yor_Latn"]


def test_one_dominant_religious_site_is_visible() -> None:
    urls = [("jw.org", "org", f"https://www.jw.org/yo/{i}") for i in range(80)]
    urls += [(f"site{i}.ng", "ng", f"https://site{i}.ng/news/{i}") for i in range(20)]
    profile = _profile(urls)

    conc = domain_concentration(profile)
    assert conc.domains == 21
    assert conc.top_domains[0] == ("jw.org", 0.8)
    assert conc.top10_share == pytest.approx(0.89)
    expected_entropy = -(0.8 * math.log2(0.8) + 20 * 0.01 * math.log2(0.01))
    assert conc.entropy_bits == pytest.approx(expected_entropy)
    assert conc.normalized_entropy == pytest.approx(expected_entropy / math.log2(21))

    shares = source_shares(profile)
    assert shares["religious"] == pytest.approx(0.8) and shares["news"] == pytest.approx(0.2)

    spread = tld_spread(profile)
    assert spread.cctld_share == pytest.approx(0.2) and spread.cctlds == 1
    assert spread.top_tlds[0] == ("org", 0.8)


def test_uniform_domains_have_full_normalized_entropy_and_unknowns_are_counted() -> None:
    profile = _profile([(f"d{i}.vn", "vn", None) for i in range(16)])
    conc = domain_concentration(profile)
    assert conc.entropy_bits == pytest.approx(4.0) and conc.normalized_entropy == pytest.approx(1.0)
    assert tld_spread(profile).cctld_share == 1.0
    missing = _profile([(None, None, None)] * 3)
    assert domain_concentration(missing).domains == 1 and tld_spread(missing).cctld_share == 0.0
    assert source_shares(missing)["other"] == 1.0


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("https://yo.wikipedia.org/wiki/Ede_Yoruba", "encyclopedia"),
        ("https://www.biblegateway.com/passage/?search=John", "religious"),
        ("https://example.org/quran/2", "religious"),
        ("https://chinhphu.gov.vn/van-ban", "government"),
        ("https://www.service-public.gouv.fr/particuliers", "government"),
        ("https://forum.vietnamnet.vn/t/123", "forum"),
        ("https://example.com/viewtopic.php?t=5", "forum"),
        ("https://vnexpress.net/the-gioi", "news"),
        ("https://www.bbc.co.uk/news/world", "news"),
        ("https://shopee.vn/dien-thoai", "commerce"),
        ("https://example.com/products/42", "commerce"),
        ("https://example.com/about", "other"),
        (None, "other"),
        ("not a url", "other"),
    ],
)
def test_source_type_heuristics(url: str | None, kind: str) -> None:
    assert source_type(url) == kind


def _stage(kept: dict[str, int], dropped: dict[str, dict[str, int]]) -> dict[str, int]:
    counts = {"in": sum(kept.values()) + sum(sum(r.values()) for r in dropped.values())}
    counts.update({f"kept/{lang}": n for lang, n in kept.items()})
    for lang, reasons in dropped.items():
        for reason, n in reasons.items():
            counts[f"dropped/{reason}/{lang}"] = n
            counts[f"dropped/{reason}"] = counts.get(f"dropped/{reason}", 0) + n
    counts["kept"] = sum(kept.values())
    return counts


def test_fairness_table_flags_the_language_a_filter_hits_hardest() -> None:
    stats = {
        "langid": _stage({"eng_Latn": 100, "vie_Latn": 100, "yor_Latn": 100, "cmn_Hans": 100, "und": 3},
                         {"und": {"low_score": 50}}),
        "quality": _stage(
            {"eng_Latn": 90, "vie_Latn": 88, "yor_Latn": 30, "cmn_Hans": 91},
            {"eng_Latn": {"gopher": 10}, "vie_Latn": {"gopher": 8, "fineweb": 4},
             "yor_Latn": {"gopher": 50, "fineweb": 20}, "cmn_Hans": {"gopher": 9}},
        ),
    }
    stats["crawl"] = {"in": 110, "kept": 100, "dropped": 10, "dropped/http_404": 10, "dropped/http_404/und": 10}
    table = fairness_table(stats, ["crawl", "langid", "quality", "minhash"])
    assert table.removed["und"]["crawl"] == pytest.approx(10 / 110)  # kept without a language counts as und
    table = fairness_table(stats, ["langid", "quality", "minhash"])

    assert table.stages == ["langid", "quality"]
    assert table.removed["vie_Latn"]["quality"] == pytest.approx(12 / 100)
    assert table.removed["yor_Latn"]["quality"] == pytest.approx(0.7)
    assert table.entering["yor_Latn"]["quality"] == 100
    assert [(o.language, o.stage) for o in table.outliers] == [("yor_Latn", "quality")]
    assert table.outliers[0].median == pytest.approx((0.1 + 0.12) / 2)
    assert not table.is_outlier("und", "langid")  # "und" never sets or breaks the median
