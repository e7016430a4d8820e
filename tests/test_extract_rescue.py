"""A page whose only text trafilatura's main-text passes reject must not come out empty (the rescue pass)."""

from __future__ import annotations

import dataclasses

import pytest
from typer.testing import CliRunner

from lingoloom.pipelines.cli import app
from lingoloom.pipelines.extract.backends import TrafilaturaExtractor
from lingoloom.pipelines.extract.gold import GoldPage, convert_folder, gold_part, write_gold
from lingoloom.schemas.extract import ExtractSettings

from test_extract_step import article_html, drop_reasons, raw_doc, run_one

COMMENTS = [
    "What a lovely shot of the harbour at dawn, the colours in the sky are just perfect for this time of year.",
    "I walked past that exact spot last week and never noticed the old lighthouse keeper's cottage behind the boats.",
    "Could you tell us which lens you used? The depth of field makes the fishing nets in front look wonderful.",
]


def photo_post_html() -> str:
    """A photo-blog post: the post itself is an image, the page's only text is its readers' comments."""
    comments = "\n".join(
        f'<li class="comment"><div class="comment-author">Reader {i}</div><p>{text}</p></li>'
        for i, text in enumerate(COMMENTS)
    )
    return f"""<!DOCTYPE html><html lang="en"><head><title>Harbour at dawn | Street photos</title></head><body>
<div class="post"><img src="harbour.jpg" alt="Harbour at dawn"></div>
<div id="comments"><h3>3 comments</h3><ol class="commentlist">{comments}</ol></div>
<footer>Copyright Street photos</footer></body></html>"""


@pytest.mark.parametrize("profile", ["precision", "fast", "recall"])
def test_comment_only_page_is_rescued_not_dropped(profile):
    step, out = run_one(raw_doc(photo_post_html().encode()), ExtractSettings(profile=profile))
    assert len(out) == 1, drop_reasons(step)
    assert all(comment in out[0].text for comment in COMMENTS)
    assert "Copyright" not in out[0].text
    assert step.stats.stats["rescued"].total == 1


def test_without_the_rescue_the_same_page_comes_out_empty():
    extractor = TrafilaturaExtractor("precision")
    extractor.profile = dataclasses.replace(extractor.profile, rescue=False)
    assert extractor.extract(photo_post_html()) is None
    assert TrafilaturaExtractor("precision").extract(photo_post_html()).rescued


def test_an_article_is_not_rescued():
    step, out = run_one(raw_doc(article_html().encode()))
    assert len(out) == 1 and "rescued" not in step.stats.stats
    assert TrafilaturaExtractor("precision").extract(article_html()).rescued is False


def test_form_controls_alone_stay_empty():
    page = "<html><body><select><option>Choose a country</option></select></body></html>"
    assert TrafilaturaExtractor("precision").extract(page) is None


def test_gold_halves_are_disjoint_and_fixed(tmp_path):
    pages = [GoldPage(id=f"page-{i}", html_path=tmp_path / f"{i}.html", text="x") for i in range(40)]
    tune, test = gold_part(pages, "tune"), gold_part(pages, "test")
    assert {p.id for p in tune} | {p.id for p in test} == {p.id for p in pages}
    assert not {p.id for p in tune} & {p.id for p in test}
    assert 10 <= len(tune) <= 30
    assert [p.id for p in gold_part(list(reversed(pages)), "tune")] == [p.id for p in reversed(tune)]
    with pytest.raises(ValueError, match="unknown gold part"):
        gold_part(pages, "half")


def test_cli_compares_with_plain_trafilatura_on_a_held_out_half(shared_data, tmp_path):
    """The default on the newspaper4k test half: F1 >= plain trafilatura's best setting, no more empty pages."""
    folder = shared_data / "extraction" / "newspaper4k"
    data = tmp_path / "n4k.jsonl"
    write_gold(convert_folder(folder), data)
    result = CliRunner().invoke(app, ["eval", "extract", "--data", str(data), "--part", "test", "--compare-raw",
                                      "--worst", "0"])
    assert "raw favor_precision" in result.output and "raw favor_recall" in result.output, result.output
    assert "test half" in result.output
    assert result.exit_code == 0 and "PASS" in result.output, result.output
