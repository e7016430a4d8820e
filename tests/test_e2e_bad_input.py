"""Bad input becomes counted drops with reasons, and the run still completes."""

from __future__ import annotations

import json
import zlib
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from warc_factory import response_record_bytes

from lingoloom.pipelines.run import execute
from lingoloom.schemas.config import parse_run_config

pytestmark = pytest.mark.slow

PARAGRAPHS = (
    "Every autumn the village of Hollowmere holds a harvest festival that draws families back from the cities.",
    "Long tables are carried into the square on Friday evening, and each household brings bread baked that morning.",
    "The oldest recipes use rye flour, caraway seeds and a sourdough starter that some families have kept for decades.",
    "After the meal a brass band plays the old dances, and children run between the tables collecting apples.",
    "On Saturday the farmers weigh their largest pumpkins, and the winner is announced from the church steps at noon.",
    "Visitors often ask why the festival has survived when so many rural traditions have faded elsewhere.",
    "Local historians point to the cooperative dairy, founded in 1911, which still shares its profits with members.",
    "The festival ends on Sunday with a quiet walk to the orchard, where a new tree is planted for every child born that year.",
)
ARTICLE = ("<html lang='en'><head><title>Harvest in Hollowmere</title></head><body><nav>Home | News</nav><article>"
           + "".join(f"<p>{p}</p>" for p in PARAGRAPHS) + "</article><footer>Contact us</footer></body></html>").encode()
PNG = b"\x89PNG\r\n\x1a\n" + zlib.compress(b"\x00" * 2048) + b"IEND"


def test_bad_records_are_counted_and_the_run_completes(tmp_path: Path):
    corrupt = bytearray(response_record_bytes("http://bad.test/corrupt", b"<p>x</p>" * 100))
    corrupt[25:60] = b"\xff" * 35
    warc = tmp_path / "bad.warc.gz"
    warc.write_bytes(
        response_record_bytes("http://bad.test/good", ARTICLE)
        + bytes(corrupt)
        + response_record_bytes("http://bad.test/binary", PNG, "text/html")
        + response_record_bytes("http://bad.test/empty", b"")
        + response_record_bytes("http://bad.test/undecodable",
                                b"<html><body><p>" + bytes(range(0x80, 0x100)) * 40 + b"</p></body></html>",
                                "text/html; charset=utf-8")
        + response_record_bytes("http://bad.test/image", PNG, "image/png")
    )
    config = parse_run_config({"name": "bad", "inputs": [{"type": "warc", "paths": [str(warc)]}],
                               "dedup": {"minhash": {"enabled": False}}, "engine": {"workers": 1}})
    outcome = execute(config, tmp_path / "out", workers=1)

    stats = json.loads((tmp_path / "out" / "stats" / "stats.json").read_text())
    assert stats["read"]["dropped/malformed_record"] == 1
    extract_drops = {k.split("/")[1] for k in stats["extract"] if k.startswith("dropped/")}
    assert "empty_body" in extract_drops
    assert "not_html" in extract_drops
    assert stats["extract"]["in"] == 5
    dropped = sum(counts.get("dropped", 0) for counts in stats.values())
    assert dropped == 5, stats  # corrupt record, binary-as-HTML, empty, undecodable, image: each with a reason
    for counts in stats.values():
        reasons = sum(v for k, v in counts.items() if k.startswith("dropped/") and k.count("/") == 1)
        assert reasons == counts.get("dropped", 0)
    assert [f.language for f in outcome.figures] == ["eng_Latn"]
    assert outcome.figures[0].documents == 1


def test_lone_surrogates_from_jsonl_escapes_become_replacement_characters(tmp_path: Path):
    """``"\\ud800"`` in a JSON string decodes to a character with no UTF-8 form; the run must not crash on it."""
    text = " ".join(reversed(PARAGRAPHS))  # not an exact duplicate of the article once U+FFFD is normalised away
    rows = [{"text": text.replace("rye flour", "rye \ud800 flour"), "url": "http://jsonl.test/a\udfff"},
            {"html": ARTICLE.decode().replace("brass band", "brass \udc80 band"), "url": "http://jsonl.test/b"}]
    (tmp_path / "text.jsonl").write_text(json.dumps(rows[0]) + "\n", encoding="utf-8")
    (tmp_path / "html.jsonl").write_text(json.dumps(rows[1]) + "\n", encoding="utf-8")
    config = parse_run_config({"name": "surrogates", "engine": {"workers": 1}, "dedup": {"minhash": {"enabled": False}},
                               "inputs": [{"type": "jsonl", "paths": [str(tmp_path / "text.jsonl")]},
                                          {"type": "jsonl", "paths": [str(tmp_path / "html.jsonl")], "content": "html",
                                           "content_field": "html"}]})
    outcome = execute(config, tmp_path / "out", workers=1)

    assert [f.language for f in outcome.figures] == ["eng_Latn"]
    texts = pq.read_table(tmp_path / "out" / "data" / "eng_Latn").column("text").to_pylist()
    assert len(texts) == 2
    assert any("rye \ufffd flour" in t for t in texts) and any("brass \ufffd band" in t for t in texts)
