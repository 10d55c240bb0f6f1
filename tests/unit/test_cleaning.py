"""Line rules for page furniture: what they catch, and the real sentences they leave alone."""

from __future__ import annotations

import pytest

from compare.nlp.cleaning.rules import REASONS, classify_line, doubled_unit_end, find_teasers, strip_credit

FURNITURE = [
    ("Share this page", "share-button"),
    ("Send in e-mail", "share-button"),
    ("Facebook Twitter Email", "share-button"),
    ("Copy link", "share-button"),
    ("Print", "share-button"),
    ("Subscribe today and save 40%", "signup-prompt"),
    (
        "Sign up to First Edition, our free daily newsletter – every weekday morning at 7am BST",
        "signup-prompt",
    ),
    ("Get the best of our journalism in your inbox", "signup-prompt"),
    ("after newsletter promotion", "signup-prompt"),
    ("Already signed up? LOG IN", "login-prompt"),
    ("Already a subscriber? Log in", "login-prompt"),
    ("Click the alert icon to follow topics:", "follow-prompt"),
    ("Follow us on Twitter", "follow-prompt"),
    ("2 min read", "reading-time"),
    ("Reading time: 4 minutes", "reading-time"),
    ("Image source, Getty Images", "photo-credit"),
    ("Photograph: Mikhail Klimentyev/AP", "photo-credit"),
    ("(AP Photo/Alexander Zemlianichenko)", "photo-credit"),
    ("Mikhail Klimentyev/Sputnik", "photo-credit"),
    (">> Russia's covert mission in Syria uncovered", "related-link"),
    ("Read more: Israel strikes Iranian targets in Syria", "related-link"),
    ("READ MORE: Why Russia is in Syria", "related-link"),
    ("Related: Iran vows response", "related-link"),
    ("Also read - What Putin wants", "related-link"),
    ("More on this story", "more-stories"),
    ("You may also like", "more-stories"),
    ("Most viewed", "more-stories"),
    ("Automatic approval of subscriber comments.", "comment-policy"),
    ("Leave a comment", "comment-policy"),
    ("Comments are closed.", "comment-policy"),
    ("Source: Ministry of Health", "contributor-line"),
    ("By Vladimir Isachenkov and Sarah El Deeb", "byline"),
    ("May 17, 2018 10:22 AM EDT", "timestamp"),
    ("Thu 17 May 2018 14.32 BST", "timestamp"),
    ("Published", "timestamp"),
    ("Tags: Putin, Assad, Syria", "tags"),
    ("Posted in World News | Tagged Russia, Syria", "tags"),
    ("Related Topics", "tags"),
    ("Our Standards: The Thomson Reuters Trust Principles.", "site-notice"),
    ("Copyright 2018 The Associated Press. All rights reserved.", "site-notice"),
    ("Reuse this content", "site-notice"),
    ("Advertisement", "advert"),
    ("Story continues below advertisement", "advert"),
    ("Skip to content", "site-notice"),
    ("* * *", "separator"),
]

CONTENT = [
    "The company said subscribers would be notified by e-mail about the change.",
    "Peskov declined to comment.",
    "Critics' comments drew a sharp response from the Kremlin.",
    "'Iranian aggression'",
    "Reaction in Damascus",
    "Russia is a key ally of Assad.",
    "Putin told Assad to share the burden of reconstruction with his allies.",
    "The newsletter was first published in 1998.",
    "Russian President Vladimir Putin, left, shakes hands with Syrian President Bashar al-Assad in Sochi.",
    "Israel will follow the US lead, Netanyahu said.",
    "In the north, the US, Turkey and France also have troops.",
    "Bora Bora",
    "By Thursday, Russia Will Withdraw",
    "Send in the troops",
    "Follow the money",
    "A reply from Tehran",
    "Russia/Syria ties",
    "Russia's air force also contributed.",
    "Hackers stole login details of 500 users.",
    "Accessibility concerns were raised by disability groups on Monday.",
    "Copyright law in Russia is strict.",
    "Pictures, videos and testimony emerged on Monday.",
    "Posted on social media, the video showed Assad arriving in Sochi.",
    "The message landed in her inbox on Monday.",
    "More than 1,000 people have signed up for the program.",
    "He urged people to donate blood.",
    "In reply, Israel struck targets in Syria.",
    "The swimmers trained at the new venue (Olympic Pool).",
    "Watching the talks from Damascus",
    "Last week",
    "Written by hand, the letter was delivered to the Kremlin on Monday.",
    "Edited by Steven Spielberg, the film grossed $100m.",
    "In reply, the community leaders condemned the strike.",
    "Critics' comments drew sharp community criticism.",
    "Sources: Sox May Not Be Out Of Teixeira Chase",  # a headline, not a source note
]


@pytest.mark.parametrize(("line", "reason"), FURNITURE)
def test_it_names_the_furniture_a_line_is(line: str, reason: str):
    assert classify_line(line) == reason


@pytest.mark.parametrize("line", CONTENT)
def test_it_leaves_real_content_alone(line: str):
    assert classify_line(line) is None


def test_every_reason_has_a_label_for_editors():
    reasons = {reason for _, reason in FURNITURE} | {"repeated", "doubled-phrase", "teaser", "editor-marked"}
    assert reasons <= set(REASONS)
    assert all(label and label[0].isupper() for label in REASONS.values())


def test_a_name_under_the_headline_is_a_byline_only_in_the_header():
    assert classify_line("Andrew Roth in Moscow", in_header=True) == "byline"
    assert classify_line("Andrew Roth in Moscow") is None


def test_it_finds_a_phrase_doubled_on_one_line():
    assert doubled_unit_end("Send in e-mailSend in e-mail") == len("Send in e-mail")
    assert doubled_unit_end("Share on FacebookShare on FacebookShare on Facebook") == len("Share on Facebook")


def test_it_finds_a_spaced_doubled_phrase_of_three_words_or_more():
    assert doubled_unit_end("Putin met Assad. Putin met Assad.") == len("Putin met Assad.")
    assert doubled_unit_end("Bora Bora") is None
    assert doubled_unit_end("Russia and Syria") is None


def test_it_strips_a_credit_appended_to_a_caption():
    caption = "Putin shakes hands with Assad in Sochi, May 17, 2018."
    for credit in [
        " Credit: Mikhail Klimentyev/AP",
        " (AP Photo/Alexander Zemlianichenko)",
        " REUTERS/Maxim Shemetov",
    ]:
        start, end = strip_credit(caption + credit)
        assert (caption + credit)[start:end] == caption


def test_it_strips_a_guardian_style_credit_without_a_full_stop_before_it():
    line = "Vladimir Putin and Bashar al-Assad in Sochi Photograph: Mikhail Klimentyev/AP"
    start, end = strip_credit(line)
    assert line[start:end] == "Vladimir Putin and Bashar al-Assad in Sochi"


def test_it_strips_a_caption_label_in_front_of_a_caption():
    line = "Image caption, Vladimir Putin and Bashar al-Assad met in Sochi"
    start, end = strip_credit(line)
    assert line[start:end] == "Vladimir Putin and Bashar al-Assad met in Sochi"


def test_it_does_not_strip_a_sentence_that_only_mentions_a_picture():
    line = "The overall picture: prices rose 5% in May, the ministry said."
    assert strip_credit(line) == (0, len(line))


def _long(topic: str) -> str:
    return f"{topic} " + "and the talks went on for a long time with many officials in the room today." * 2


def test_after_a_closing_marker_every_kept_block_is_a_teaser():
    texts = [
        _long("Putin"),
        _long("Assad"),
        "",
        "Lake Kinneret. The high water level created lagoons.",
        "A headline",
    ]
    reasons = [None, None, "credit", None, None]
    assert find_teasers(texts, reasons, [True] * 5) == {3, 4}


def test_a_run_of_headlines_after_furniture_is_a_teaser_list_with_its_captions():
    texts = [
        _long("Putin"),
        "A short last paragraph.",
        "",
        "Prime Minister Yair Lapid.",
        "Lapid's Journey",
        "X.",
        "Y Z",
    ]
    reasons = [None, None, "share-button", None, None, None, None]
    assert find_teasers(texts, reasons, [True] * 7) == {3, 4, 5, 6}


def test_a_long_caption_inside_a_teaser_list_does_not_extend_the_story():
    caption = "Lake Kinneret. The high water level created lagoons at the northern end of the lake."
    texts = [
        _long("Putin"),
        _long("Assad"),
        "",
        "A Lawyer Moved to Morocco",
        "Cocaine Movie",
        caption,
        "The Lake",
    ]
    reasons = [None, None, "signup-prompt", None, None, None, None]
    assert find_teasers(texts, reasons, [True] * 7) == {3, 4, 5, 6}


def test_a_list_closing_the_story_without_furniture_before_it_stays():
    texts = [
        _long("Hunger Games"),
        "The main cast;",
        "- Jennifer Lawrence",
        "- Liam Hemsworth",
        "- Josh Hutcherson",
    ]
    assert find_teasers(texts, [None] * 5, [True] * 5) == set()


def test_a_single_crosshead_near_the_end_is_not_a_teaser_list():
    texts = [_long("Putin"), "Reaction in Damascus", "Officials said little."]
    assert find_teasers(texts, [None] * 3, [True] * 3) == set()


def test_an_off_topic_block_after_furniture_is_a_teaser():
    texts = [_long("Putin"), "", "The last paragraph, on topic.", "A recipe for lemon cake."]
    reasons = [None, "share-button", None, None]
    assert find_teasers(texts, reasons, [True, True, True, False]) == {3}
