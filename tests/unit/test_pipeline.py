"""process_text end to end: repetition, furniture, structure, editor choices and span invariants."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from compare.nlp.cleaning.pipeline import REASONS, ProcessedArticle, process_text
from compare.nlp.embedding.encoders import HashingEncoder

if TYPE_CHECKING:  # conftest is not importable by name when several test layers have one
    from conftest import Page

BODY = [
    "Russian President Vladimir Putin met Syrian President Bashar Assad in Sochi on Thursday, "
    "the Kremlin said.",
    "Putin told Assad that foreign armed forces would start leaving Syria as the political process advanced.",
    "It was unclear which of the many foreign forces in the country Putin had in mind, "
    "analysts said on Friday.",
    "Russia has been Assad's key ally since it entered the war in 2015 and turned the tide "
    "against the rebels.",
]


def reasons(article: ProcessedArticle) -> dict[str, str]:
    return {removal.text: removal.reason for removal in article.removed}


def kinds(article: ProcessedArticle) -> list[tuple[str, str]]:
    return [(s.kind, s.text) for s in article.sentences]


def assert_spans_are_exact(article: ProcessedArticle) -> None:
    assert article.cleaned_text == "\n\n".join(article.paragraphs)
    for sentence in article.sentences:
        assert article.cleaned_text[sentence.start : sentence.end] == sentence.text
        assert sentence.text in article.paragraphs[sentence.paragraph]
    for removal in article.removed:
        assert article.normalized_text[removal.start : removal.end] == removal.text
        assert removal.reason in REASONS


def assert_page_is_clean(article: ProcessedArticle, page: Page) -> None:
    for line in page.content:
        assert article.paragraphs.count(line) == 1, line
    assert [s.text for s in article.sentences if s.kind == "credit"] == page.credits
    sentences = {s.text for s in article.sentences}
    for line in page.furniture:
        assert line not in article.paragraphs, line
        assert line not in sentences, line
    assert article.title == page.headline
    assert_spans_are_exact(article)


def test_it_removes_a_body_pasted_twice():
    article = process_text("\n".join(["Putin meets Assad", *BODY, *BODY]))
    assert article.paragraphs == ["Putin meets Assad", *BODY]
    assert [r.reason for r in article.removed] == ["repeated"] * len(BODY)


def test_it_removes_a_body_pasted_twice_with_different_paragraph_breaks():
    article = process_text("\n".join(["Putin meets Assad", *BODY, " ".join(BODY[:2]), " ".join(BODY[2:])]))
    assert article.paragraphs == ["Putin meets Assad", *BODY]


def test_it_removes_a_repeated_sentence_but_keeps_the_new_one_beside_it():
    article = process_text("\n".join([*BODY, BODY[0] + " Then the two men had dinner together."]))
    assert article.paragraphs[-1] == "Then the two men had dinner together."
    assert reasons(article)[BODY[0]] == "repeated"


def test_it_strips_the_credit_from_a_repeated_caption_then_removes_the_rest_as_repeated():
    caption = "Putin, left, shakes hands with Assad in Sochi, Russia, Thursday, May 17, 2018."
    article = process_text(
        "\n".join(["Putin meets Assad", caption, caption + " Credit: Mikhail Klimentyev/AP", *BODY])
    )
    assert article.paragraphs.count(caption) == 1
    assert [(r.reason, r.text) for r in article.removed] == [
        ("repeated", caption),
        ("photo-credit", "Credit: Mikhail Klimentyev/AP"),
    ]


def test_a_caption_that_appears_once_is_kept_as_body_without_its_credit():
    caption = "Putin and Assad in Sochi on Thursday (AP Photo/Alexander Zemlianichenko)"
    article = process_text("\n".join(["Putin meets Assad", BODY[0], caption, *BODY[1:]]))
    assert ("body", "Putin and Assad in Sochi on Thursday") in kinds(article)


def test_it_removes_a_phrase_doubled_on_one_line():
    article = process_text("\n".join(["Putin meets Assad", "Send in e-mailSend in e-mail", *BODY]))
    assert [(r.reason, r.text) for r in article.removed] == [
        ("share-button", "Send in e-mail"),
        ("doubled-phrase", "Send in e-mail"),
    ]


def test_it_removes_the_furniture_of_every_page_style_without_an_encoder(styled_page: Page):
    assert_page_is_clean(process_text(styled_page.text), styled_page)


def test_it_removes_the_furniture_of_every_page_style_with_a_fake_encoder(styled_page: Page):
    assert_page_is_clean(process_text(styled_page.text, encoder=HashingEncoder()), styled_page)


@pytest.mark.parametrize(
    ("line", "caption"),
    [
        (
            "FILE PHOTO: Putin meets Assad in Sochi, May 17, 2018. Sputnik/Mikhail Klimentyev/Kremlin via "
            "REUTERS",
            "Putin meets Assad in Sochi, May 17, 2018.",
        ),
        ("Putin met Assad in Sochi [Mikhail Klimentyev/Sputnik via AP]", "Putin met Assad in Sochi"),
        (
            "Illustrative: Putin and Assad in Sochi. (Mikhail Klimentyev, Sputnik, Kremlin Pool Photo "
            "via AP)",
            "Putin and Assad in Sochi.",
        ),
        ("Image caption, Putin and Assad met in Sochi", "Putin and Assad met in Sochi"),
    ],
)
def test_a_caption_keeps_its_words_and_loses_its_label_and_credit(line: str, caption: str):
    article = process_text("\n".join(["Putin meets Assad", BODY[0], line, *BODY[1:]]))
    assert ("body", caption) in kinds(article)
    assert {r.reason for r in article.removed} == {"photo-credit"}


def test_an_off_topic_paragraph_after_furniture_goes_only_with_an_encoder():
    recipe = "Whisk eggs, sugar, butter; bake lemon cake forty minutes; serve warm."
    text = "\n".join(["Putin meets Assad", *BODY, "Share this article", recipe])
    assert recipe in process_text(text).paragraphs
    assert reasons(process_text(text, encoder=HashingEncoder()))[recipe] == "teaser"


def test_it_marks_headline_standfirst_crosshead_and_body():
    text = "\n".join(
        [
            "Putin meets Assad",
            "Russian leader says foreign forces will leave",
            *BODY[:2],
            "'Iranian aggression'",
            *BODY[2:],
        ]
    )
    assert [kind for kind, _ in kinds(process_text(text))] == [
        "headline", "standfirst", "body", "body", "heading", "body", "body",
    ]  # fmt: skip


def test_a_one_sentence_lead_followed_by_furniture_is_a_standfirst():
    lead = (
        "Russia's Vladimir Putin has told Assad that all foreign forces will soon leave the war-torn country."
    )
    article = process_text("\n".join(["Putin meets Assad", lead, "2 min read", *BODY]))
    assert kinds(article)[1] == ("standfirst", lead)


def test_a_lead_running_straight_into_the_body_is_body():
    article = process_text("\n".join(["Putin meets Assad", *BODY]))
    assert kinds(article)[1] == ("body", BODY[0])


def test_a_given_title_marks_the_headline_and_the_navigation_above_it():
    text = "\n".join(["World", "Middle East", "Putin meets Assad in Sochi", *BODY])
    article = process_text(text, title="Putin meets Assad in Sochi | The Daily")
    assert article.title == "Putin meets Assad in Sochi"
    assert [r.reason for r in article.removed] == ["navigation", "navigation"]


def test_section_labels_above_a_headline_are_navigation():
    article = process_text("\n".join(["World", "Middle East", "Putin meets Assad in Sochi", *BODY]))
    assert article.title == "Putin meets Assad in Sochi"
    assert [(r.reason, r.text) for r in article.removed] == [
        ("navigation", "World"),
        ("navigation", "Middle East"),
    ]


def test_a_short_headline_is_not_mistaken_for_a_section_label():
    article = process_text(
        "\n".join(["Putin resigns", "Russian president steps down after two decades", *BODY])
    )
    assert article.title == "Putin resigns"


def test_an_advert_after_the_lead_does_not_make_it_a_standfirst():
    lead = (
        "Russia's Vladimir Putin has told Assad that all foreign forces will soon leave the war-torn country."
    )
    article = process_text("\n".join(["Putin meets Assad", lead, "Advertisement", *BODY]))
    assert kinds(article)[1] == ("body", lead)


def test_there_is_no_title_when_the_article_opens_with_prose():
    assert process_text("\n".join(BODY)).title == ""


def test_a_headline_is_one_sentence_whatever_its_full_stops():
    article = process_text("\n".join(["U.S. Gen. Votel: Forces Stay. For Now", *BODY]))
    assert kinds(article)[0] == ("headline", "U.S. Gen. Votel: Forces Stay. For Now")


def test_keep_blocks_restores_removed_furniture():
    text = "\n".join(["Putin meets Assad", *BODY, "Reuters contributed to this report."])
    article = process_text(text, keep_blocks=["Reuters contributed to this report."])
    assert "Reuters contributed to this report." in article.paragraphs


def test_keep_blocks_restores_a_repeated_paragraph():
    article = process_text("\n".join([*BODY, BODY[1]]), keep_blocks=[BODY[1]])
    assert article.paragraphs.count(BODY[1]) == 2


def test_drop_texts_removes_a_whole_block_as_editor_marked():
    article = process_text("\n".join(["Putin meets Assad", *BODY]), drop_texts=[BODY[3]])
    assert reasons(article) == {BODY[3]: "editor-marked"}


def test_drop_texts_removes_one_sentence_and_keeps_the_rest_of_its_paragraph():
    paragraph = "Putin met Assad in Sochi. The visit was not announced. Both men smiled."
    article = process_text(
        "\n".join(["Putin meets Assad", paragraph, *BODY]), drop_texts=["The visit was not announced."]
    )
    assert article.paragraphs[1] == "Putin met Assad in Sochi. Both men smiled."
    assert_spans_are_exact(article)


def test_empty_text_gives_an_empty_article():
    article = process_text(" \n\u200b\n ")
    assert (article.title, article.cleaned_text, article.sentences, article.removed) == ("", "", [], [])


def _seed_lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def expected_seed_paragraphs(texts: list[str]) -> list[list[str]]:
    """What an editor keeps of each seed: every real line once, its credit line, no furniture."""
    first, second = (_seed_lines(text) for text in texts)
    unique_first = [line for i, line in enumerate(first) if line not in first[:i] and line != "2 min read"]
    end = second.index(SEED_CREDIT) + 1
    kept_second = [
        line
        for line in second[:end]
        if "Send in e-mail" not in line and not line.startswith(">>") and "Credit:" not in line
    ]
    return [unique_first, kept_second]


SEED_CREDIT = "Reuters and DPA contributed to this report."


def test_it_cleans_both_seed_pages_without_an_encoder(seed_texts: list[str]):
    for text, expected in zip(seed_texts, expected_seed_paragraphs(seed_texts), strict=True):
        article = process_text(text)
        assert article.paragraphs == expected
        assert_spans_are_exact(article)


def test_it_marks_the_seed_pages_structure(seed_texts: list[str]):
    first, second = (process_text(text) for text in seed_texts)
    assert [s.kind for s in first.sentences[:3]] == ["headline", "standfirst", "body"]
    assert [s.kind for s in second.sentences[:3]] == ["headline", "standfirst", "body"]
    assert ("heading", "'Iranian aggression'") in kinds(second)
    assert kinds(second)[-1] == ("credit", SEED_CREDIT)
    assert [kind for kind, _ in kinds(first)].count("credit") == 0


def test_the_seed_teasers_go_by_shape_even_without_the_contributor_and_comment_lines(seed_texts: list[str]):
    text = seed_texts[1]
    for line in ["Reuters and DPA contributed to this report.", "Automatic approval of subscriber comments."]:
        text = text.replace(line + "\n", "")
    article = process_text(text)
    assert article.paragraphs[-1].startswith("The leader of Lebanon's powerful Hezbollah group")


@pytest.mark.slow
def test_it_cleans_both_seed_pages_with_the_real_model(seed_texts: list[str], real_encoder):
    for text, expected in zip(seed_texts, expected_seed_paragraphs(seed_texts), strict=True):
        assert process_text(text, encoder=real_encoder).paragraphs == expected


@pytest.mark.slow
def test_it_removes_the_furniture_of_every_page_style_with_the_real_model(styled_page: Page, real_encoder):
    assert_page_is_clean(process_text(styled_page.text, encoder=real_encoder), styled_page)


LINES = st.sampled_from(
    [*BODY, "Share this page", "2 min read", "Reuters contributed to this report.", "Putin meets Assad", ""]
    + ["Send in e-mailSend in e-mail", "Credit: Mikhail Klimentyev/AP", "More on this story", "By Jane Doe"]
)
TEXTS = st.text(max_size=400) | st.lists(LINES | st.text(max_size=40), max_size=12).map("\n".join)


@settings(max_examples=60, deadline=None)
@given(TEXTS, st.lists(LINES, max_size=2), st.lists(LINES, max_size=2), st.none() | LINES)
def test_process_text_never_crashes_and_its_spans_are_exact(
    raw: str, keep: list[str], drop: list[str], title: str | None
):
    article = process_text(
        raw, encoder=HashingEncoder(dim=32), title=title, keep_blocks=keep, drop_texts=drop
    )
    assert_spans_are_exact(article)
    for before, after in zip(article.removed, article.removed[1:], strict=False):
        assert before.end <= after.start
    # Nothing is lost or doubled: every visible character is kept or removed, once.
    kept = sum(len("".join(p.split())) for p in article.paragraphs)
    removed = sum(len("".join(r.text.split())) for r in article.removed)
    assert kept + removed == len("".join(article.normalized_text.split()))


def test_a_second_run_on_the_same_text_gives_what_a_first_run_gives(styled_page: Page):
    from compare.nlp.cleaning import pipeline

    encoder = HashingEncoder()
    pipeline._cached_segment_text.cache_clear()
    cold_with_model = process_text(styled_page.text, encoder=encoder, title=styled_page.headline)
    cold_without = process_text(styled_page.text, keep_blocks=["x"])
    # Warm now: the model-free pass, then the pass with the model, as bulk import runs them.
    assert process_text(styled_page.text, keep_blocks=["x"]) == cold_without
    assert process_text(styled_page.text, encoder=encoder, title=styled_page.headline) == cold_with_model
    assert process_text(styled_page.text, encoder=encoder, title=styled_page.headline) == cold_with_model


def test_the_pass_with_the_model_never_changes_the_cached_model_free_steps(styled_page: Page, monkeypatch):
    import copy

    from compare.nlp.cleaning import pipeline

    real_remove_teasers = pipeline.remove_teasers

    def teasers_that_also_empty_a_block(works, text, encoder, editor):
        real_remove_teasers(works, text, encoder, editor)
        # A model step changing Works in place: a field and a list.
        works[0].kind = "changed"
        works[0].removals.append(next(r for w in works for r in w.removals))

    pipeline._cached_segment_text.cache_clear()
    cold_without = process_text(styled_page.text)
    cached = copy.deepcopy(pipeline._cached_segment_text(styled_page.text, (), ()))
    with monkeypatch.context() as patch:
        patch.setattr(pipeline, "remove_teasers", teasers_that_also_empty_a_block)
        process_text(styled_page.text, encoder=HashingEncoder(), title=styled_page.headline)
    assert pipeline._cached_segment_text(styled_page.text, (), ()) == cached
    assert process_text(styled_page.text) == cold_without


def test_a_very_long_text_is_processed_without_the_cache():
    from compare.nlp.cleaning import pipeline

    text = "\n".join(
        ["Putin meets Assad", *BODY] * 2 + [f"Line number {n} of filler text." for n in range(4000)]
    )
    assert len(text) > pipeline._CACHED_MAX_CHARS
    pipeline._cached_segment_text.cache_clear()
    article = process_text(text)
    assert pipeline._cached_segment_text.cache_info().currsize == 0
    assert_spans_are_exact(article)


@pytest.mark.parametrize("furniture", ["4 min read", "Reading time: 3 minutes", "Share on Facebook"])
def test_restored_header_furniture_stays_as_written_and_keeps_the_standfirst(furniture):
    raw = (
        "Floods close roads across Lombardy\n"
        "Heavy rain has closed dozens of roads across northern Italy, officials said.\n"
        f"{furniture}\n"
        "Rivers burst their banks near Milan on Sunday after three days of rain, the civil protection "
        "agency said.\n"
        "Schools in Como stayed shut on Monday and trains were cancelled.\n"
    )
    before = process_text(raw)
    assert [s.kind for s in before.sentences[:2]] == ["headline", "standfirst"]
    assert furniture in [r.text for r in before.removed]
    after = process_text(raw, keep_blocks=[furniture])
    kinds = {s.text: s.kind for s in after.sentences}
    assert kinds[furniture] == "body"  # not promoted to a crosshead
    assert after.sentences[1].kind == "standfirst"
