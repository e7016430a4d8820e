"""Pre-cleaning (the ``fast`` profile): what trafilatura discards anyway goes early, the text stays."""

from __future__ import annotations

import pytest

from lingoloom.pipelines.extract.backends import make_extractor
from lingoloom.pipelines.extract.gold import newspaper4k, scrapinghub_aeb
from lingoloom.pipelines.extract.charset import decode_body
from lingoloom.pipelines.extract.preclean import discarded_tags, precleaned_tree, strip_raw_blocks
from lingoloom.pipelines.extract.profiles import TrafilaturaProfile
from test_extract_step import PARAGRAPHS, article_html


def test_scripts_styles_and_comments_are_cut_json_ld_kept():
    html = (
        '<html><head><style type="text/css">p { color: red }</style>'
        '<script type="application/ld+json">{"@type": "DiscussionForumPosting"}</script>'
        "<SCRIPT src=x.js></SCRIPT><script>if (a < b) { document.write('</p>'); }</script></head>"
        "<body><!-- a <script> in a comment --><p>kept <b>text</b></p>tail<script>x()</script> after</body></html>"
    )
    assert strip_raw_blocks(html) == (
        '<html><head><script type="application/ld+json">{"@type": "DiscussionForumPosting"}</script>'
        "</head><body><p>kept <b>text</b></p>tail after</body></html>"
    )


def test_look_alike_tags_and_unterminated_blocks_are_left_to_the_parser():
    assert strip_raw_blocks("<p><scripts>a</scripts><script-box>b</script-box></p>") == (
        "<p><scripts>a</scripts><script-box>b</script-box></p>"
    )
    assert strip_raw_blocks("<p>a</p><script>never closed <p>b</p>") == "<p>a</p><script>never closed <p>b</p>"
    assert strip_raw_blocks("<p>a</p><!-- open <p>b</p>") == "<p>a</p><!-- open <p>b</p>"


def test_tree_loses_discarded_elements_but_keeps_their_tails_and_conditional_ones():
    html = (
        "<html><body><nav><a href='/'>Home</a></nav><p>one <button>Buy</button>two</p>"
        "<figure><table><tr><td>cell</td></tr></table></figure><form><p>form text</p></form>"
        "<math alttext='x^2'><mi>x</mi></math></body></html>"
    )
    tree = precleaned_tree(html, discarded_tags())
    text = tree.text_content()
    assert "Home" not in text and "Buy" not in text
    assert "one two" in text and "cell" in text and "form text" in text
    assert tree.find(".//math") is not None
    assert "figure" not in discarded_tags(images=True) and "picture" in discarded_tags()


def test_fast_profile_text_equals_precision_text():
    page = article_html()
    fast, precision = make_extractor("trafilatura", "fast").extract(page), make_extractor("trafilatura").extract(page)
    assert fast.text == precision.text
    for paragraph in PARAGRAPHS:
        assert paragraph in fast.text
    assert (fast.title, fast.author, fast.published) == (
        "Alderbrook bridge reopens | The Valley Gazette", "Mira Okafor", "2024-07-03")


def test_preclean_needs_light_metadata():
    with pytest.raises(ValueError, match="metadata='light'"):
        TrafilaturaProfile(focus="precision", fallback="when_short", metadata="full", preclean=True)


def test_fast_keeps_the_text_of_the_shared_pages(shared_data):
    """On real pages, pre-cleaning changes nothing in the extracted text (a sample, to stay quick)."""
    folder = shared_data / "extraction"
    pages = list(scrapinghub_aeb(folder / "scrapinghub_aeb"))[::12] + list(newspaper4k(folder / "newspaper4k"))[::4]
    fast = make_extractor("trafilatura", "fast")
    plain = make_extractor("trafilatura", "fast")
    plain.profile = TrafilaturaProfile(focus="precision", fallback="when_short", metadata="light")
    for page in pages:
        html = decode_body(page.read_bytes()).text
        with_preclean, without = fast.extract(html), plain.extract(html)
        assert (with_preclean.text if with_preclean else "") == (without.text if without else ""), page.id
