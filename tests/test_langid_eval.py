"""`lingoloom eval langid`: TSV reading, the metrics, the command, and the UDHR loader."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from lingoloom.langid.evaluate import read_tsv, score
from lingoloom.langid.udhr import udhr_pairs
from lingoloom.pipelines.cli import app

LINES = [
    ("fr", "Tous les êtres humains naissent libres et égaux en dignité et en droits."),
    ("__label__de", "Alle Menschen sind frei und gleich an Würde und Rechten geboren."),
    ("vie_Latn", "Tất cả mọi người sinh ra đều được tự do và bình đẳng về nhân phẩm và quyền lợi."),
    ("zh-Hant", "人人生而自由，在尊嚴和權利上一律平等。他們賦有理性和良心，並應以兄弟關係的精神相對待。"),
]


def test_read_tsv_normalises_any_code_form(tmp_path: Path) -> None:
    path = tmp_path / "gold.tsv"
    path.write_text("".join(f"{code}\t{text}\n" for code, text in LINES) + "xx!\tno language\n", encoding="utf-8")
    pairs, skipped = read_tsv(path)
    assert [label for label, _ in pairs] == ["fra_Latn", "deu_Latn", "vie_Latn", "cmn_Hant"]
    assert skipped == 1
    bad = tmp_path / "bad.tsv"
    bad.write_text("fr no tab here\n", encoding="utf-8")
    with pytest.raises(ValueError, match="bad.tsv:1"):
        read_tsv(bad)


def test_metrics_on_a_known_confusion() -> None:
    gold = ["a_Latn", "a_Latn", "b_Latn", "b_Latn"]
    predicted = ["a_Latn", "b_Latn", "b_Latn", "b_Latn"]
    report = score(gold, predicted)
    assert report.accuracy == 0.75
    a, b = report.per_language["a_Latn"], report.per_language["b_Latn"]
    assert (a.precision, a.recall) == (1.0, 0.5) and a.f1 == pytest.approx(2 / 3, abs=1e-4)
    assert (b.precision, b.recall) == (pytest.approx(2 / 3, abs=1e-4), 1.0)
    assert b.false_positive_rate == 0.5 and a.false_positive_rate == 0.0
    assert report.macro_f1 == pytest.approx((2 / 3 + 0.8) / 2, abs=1e-4)
    assert report.confused == [("a_Latn", "b_Latn", 1)]


def test_eval_command_reports_figures(tmp_path: Path) -> None:
    data = tmp_path / "gold.tsv"
    data.write_text("".join(f"{code}\t{text}\n" for code, text in LINES), encoding="utf-8")
    out = tmp_path / "report.json"
    result = CliRunner().invoke(app, ["eval", "langid", "--data", str(data), "--ensemble", "off", "--json", str(out)])
    assert result.exit_code == 0, result.output
    assert "macro-F1" in result.output and "lines/s" in result.output
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["accuracy"] == 1.0 and report["n"] == 4
    assert report["models"][0]["name"] == "lid176"
    raw = CliRunner().invoke(app, ["eval", "langid", "--data", str(data), "--raw", "--json", str(out)])
    assert raw.exit_code == 0
    assert json.loads(out.read_text(encoding="utf-8"))["per_language"]["cmn_Hant"]["recall"] == 0.0  # raw says zh=Hans


def test_eval_command_rejects_missing_input(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["eval", "langid", "--data", str(tmp_path / "nope.tsv")], env={"COLUMNS": "400"})
    assert result.exit_code != 0 and "does not exist" in result.output


def test_udhr_loader_keeps_reviewed_texts_and_long_lines(shared_data: Path) -> None:
    pairs = list(udhr_pairs(shared_data / "langid"))
    labels = {label for label, _ in pairs}
    assert len(labels) > 300
    assert {"cmn_Hans", "cmn_Hant", "arb_Arab", "vie_Latn", "hau_Latn"} <= labels
    assert all(len(text) >= 20 and "\t" not in text for _, text in pairs)
    assert len(list(udhr_pairs(shared_data / "langid", min_stage=5))) < len(pairs)
