"""Normalisation, block splitting and HTML extraction: the text every later step indexes."""

from __future__ import annotations

from compare.nlp.text.html import html_to_text
from compare.nlp.text.normalize import normalize_text, split_blocks, text_key


def test_it_composes_unicode_to_nfc():
    assert normalize_text("Cafe\u0301 Zu\u0308rich") == "Café Zürich"


def test_it_turns_odd_spaces_into_plain_spaces():
    assert normalize_text("Putin\u00a0met\u2009Assad\u3000in\tSochi") == "Putin met Assad in Sochi"


def test_it_removes_zero_width_characters_and_soft_hyphens():
    assert normalize_text("Pu\u200btin\ufeff met As\u00adsad\u2060.") == "Putin met Assad."


def test_it_keeps_joiners_that_spell_non_latin_words():
    persian = "می\u200cخواهم"
    assert normalize_text(persian) == persian


def test_it_unifies_line_breaks_and_strips_line_edges():
    assert normalize_text("One. \r\nTwo.\rThree.\u2028Four.  ") == "One.\nTwo.\nThree.\nFour."


def test_it_collapses_runs_of_blank_lines_and_spaces():
    assert normalize_text("\n\nOne  two.\n\n\n\n   \nThree.\n\n") == "One two.\n\nThree."


def test_it_rejoins_hard_wrapped_lines():
    wrapped = "The two leaders met in the\nresort of Sochi on Thursday.\nA new paragraph."
    assert (
        normalize_text(wrapped) == "The two leaders met in the resort of Sochi on Thursday.\nA new paragraph."
    )


def test_it_drops_control_characters():
    assert normalize_text("Sochi\x00\x07 talks\x1b") == "Sochi talks"


def test_split_blocks_gives_one_block_per_non_empty_line_with_exact_offsets():
    text = normalize_text("Headline\n\nFirst paragraph.\nSecond paragraph.")
    blocks = split_blocks(text)
    assert [b.text for b in blocks] == ["Headline", "First paragraph.", "Second paragraph."]
    assert [b.index for b in blocks] == [0, 1, 2]
    assert all(text[b.start : b.end] == b.text for b in blocks)


def test_text_key_ignores_case_and_punctuation():
    assert text_key("“Putin, Assad” MEET!") == text_key("putin assad meet")


def test_html_to_text_puts_the_title_first_and_paragraphs_on_lines():
    html = (
        "<html><head><title>Putin meets Assad</title></head><body><nav><a href='/'>Home</a></nav>"
        "<article><h1>Putin meets Assad</h1>"
        "<p>Russian President Vladimir Putin met Syrian President Bashar Assad in Sochi on Thursday, "
        "the Kremlin said in a statement.</p>"
        "<p>The two leaders discussed the war and the political process in Syria, officials said.</p>"
        "<script>alert('x')</script></article></body></html>"
    )
    lines = html_to_text(html).split("\n")
    assert lines[0] == "Putin meets Assad"
    assert lines[1].startswith("Russian President Vladimir Putin met")
    assert lines[2].startswith("The two leaders discussed")
    assert "alert" not in html_to_text(html)


def test_html_to_text_falls_back_to_a_safe_tag_strip_for_tiny_pages():
    html = (
        "<html><head><title>T</title><style>p{}</style></head><body><div>Hello<br>world</div></body></html>"
    )
    text = html_to_text(html)
    assert "Hello" in text and "world" in text
    assert "p{}" not in text


def test_html_to_text_never_raises_on_garbage():
    for garbage in ["", "   ", "\x00", "<" * 5000, "<html><body><p>unclosed", "<?xml version='1.0'?><a>"]:
        assert isinstance(html_to_text(garbage), str)
