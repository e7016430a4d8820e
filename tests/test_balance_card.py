"""The balance sections of the card: mixture table, findings written from measurements, removals, plots."""

from __future__ import annotations

import hashlib
from pathlib import Path

import matplotlib.image
import pyarrow.parquet as pq

from lingoloom.filters.balance.card import balance_sections
from lingoloom.filters.balance.local import run_balance_local
from lingoloom.pipelines.report import measure_output
from lingoloom.pipelines.storage import OutputFolder
from lingoloom.schemas.balance import BalanceSettings
from lingoloom.schemas.record import rows_to_table


def _write(out: Path, lang: str, urls: list[str], chars: int) -> Path:
    rows = []
    for i, url in enumerate(urls):
        host = url.split("/")[2]
        text = f"{lang} {i} " + "a" * chars
        rows.append({"id": f"{lang}-{i}", "text": text, "source": "t", "language": lang, "url": url,
                     "domain": host.removeprefix("www."), "tld": host.rsplit(".", 1)[1],
                     "content_hash": hashlib.sha1(text.encode()).hexdigest()})
    path = out / "data" / lang / "train-00000-of-00001.parquet"
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(rows_to_table(rows), path)
    return path


def test_card_sections_report_the_mixture_findings_and_unfair_filters(tmp_path: Path) -> None:
    paths = [
        _write(tmp_path, "eng_Latn", [f"https://site{i % 40}.com/a/{i}" for i in range(400)], 400),
        _write(tmp_path, "vie_Latn", [f"https://news{i % 25}.vn/a/{i}" for i in range(200)], 300),
        _write(tmp_path, "yor_Latn", [f"https://www.jw.org/yo/{i}" for i in range(30)]
               + [f"https://blog{i}.ng/p" for i in range(6)], 300),
    ]
    run_balance_local(paths, BalanceSettings(policy="temperature", temperature=3), tmp_path)
    stats = {
        "quality": {"in": 720, "kept/eng_Latn": 400, "dropped/gopher/eng_Latn": 40, "kept/vie_Latn": 200,
                    "dropped/gopher/vie_Latn": 24, "kept/yor_Latn": 36, "dropped/gopher/yor_Latn": 84,
                    "kept/cmn_Hans": 50, "dropped/gopher/cmn_Hans": 6},
    }

    card = balance_sections(OutputFolder(tmp_path), measure_output(tmp_path), stats, ["extract", "langid", "quality"])

    assert "policy **`temperature`** (p ∝ n^(1/T) with T = 3.0)" in card
    assert "weights = {" in card  # no mix config materialised: weights to sample with
    assert "`yor_Latn`: 83% of the documents come from one site, `jw.org`" in card
    assert "`yor_Latn`: 83% of the documents are religious pages (by URL)" in card
    assert "**70% of 120 ⚠**" in card  # yor_Latn lost 70% in quality, median ~10%
    assert "## Limitations and known biases" in card and "`eng_Latn`" not in card.split("## Limitations")[1]
    for name in ("languages", "domains", "removals"):
        png = tmp_path / "stats" / f"{name}.png"
        assert f"(stats/{name}.png)" in card
        image = matplotlib.image.imread(png)
        assert image.shape[0] > 150 and image.shape[1] > 300 and image.std() > 0.05  # a real picture, not blank


def test_no_balance_report_means_no_sections(tmp_path: Path) -> None:
    assert balance_sections(OutputFolder(tmp_path), [], {}, ["quality"]) == ""
