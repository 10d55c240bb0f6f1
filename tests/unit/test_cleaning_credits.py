"""Wire and contributor credits: kept as the article's credit, in many phrasings; facts stay facts."""

from __future__ import annotations

import pytest

from compare.nlp.cleaning.credits import is_credit_line
from compare.nlp.cleaning.pipeline import process_text

CREDITS = [
    "Reuters and DPA contributed to this report.",
    "The Associated Press contributed to this report.",
    "AFP contributed to this story.",
    "Kyodo and Yonhap contributed to this article.",
    "Xinhua, TASS and EFE contributed to this report.",
    "Associated Press writer Sarah El Deeb in Beirut contributed to this report.",
    "AP writers Jane Doe in Beirut and John Roe in Moscow contributed.",
    "AP Writer Curt Anderson at the Justice Department in Washington, D.C., contributed to this story.",
    "Associated Press writer Jane Doe contributed from Moscow.",
    "Staff writers Selwyn Crawford and Brian Anderson of DallasNews.com contributed to this report.",
    "Jane Doe contributed reporting from Moscow.",
    "Kitty Bennett contributed research.",
    "Jane Doe reported from Moscow, and John Roe from Kyiv.",
    "Reporting by Vladimir Soldatkin; Writing by Andrew Osborn; Editing by Peter Graff",
    "(Reporting by Tom Balmforth; editing by Mark Heinrich)",
    "Reporting by Dmitry Antonov and Andrew Osborn; Writing by Christian Lowe; Editing by Richard Balmforth",
    "Additional reporting by Reuters",
    "Additional reporting by Maria Tsvetkova in Moscow",
    "With reporting by Jane Doe",
    "Compiled by John Roe",
    "Editing by Jane Doe",
    "With AFP",
    "(With AFP)",
    "With AFP and Reuters",
    "With Bloomberg",
    "With inputs from PTI",
    "(With inputs from ANI)",
    "With inputs from PTI, ANI",
    "(With inputs from agencies)",
    "With inputs from our correspondent in Delhi",
    "With agency inputs",
    "With information from EFE.",
    "--With assistance from Jane Doe and John Roe.",
    "— AFP",
    "- Reuters",
    "(ANSA)",
    "Source: Xinhua",
    "Sources: AFP, Reuters",
    "Editor: Xiang Bo",
    "Information from Reuters was used in this report.",
    "Material from Reuters and Bloomberg was used in this report.",
    "This story contains material from the Associated Press.",
    "Compiled from wire reports",
    "Staff and wire reports",
    "This story has been published from a wire agency feed without modifications to the text.",
    "(This story has not been edited by NDTV staff and is auto-generated from a syndicated feed.)",
]

FACTS = [
    "Reuters reported that Russian forces had withdrawn from the base.",
    "According to Reuters, the meeting lasted three hours.",
    "Putin told Reuters the troops would stay.",
    "Reporting by state media suggested the talks had failed.",
    "Reporting by Reuters showed that the ministry had paid the contractor twice.",
    "Written by hand, the letter was delivered to the embassy on Monday.",
    "The minister contributed to the report on corruption, officials said.",
    "The minister contributed to the report.",
    "Many factors contributed.",
    "Russia's air force also contributed.",
    "Edited by Steven Spielberg, the film grossed $100m.",
    "Officials contributed.",
    "Gerald Henderson contributed 11 points and seven boards to the winning effort.",
    "Jason Giambi contributed a two-out RBI single.",
    "The Congressional probe is said to have contributed to her decision to give up modeling.",
    "Reuters reported from Moscow that the talks had stalled.",
    "The bomb exploded aboard a bus headed for the provincial capital, according to wire reports.",
    "With reporting from the front line scarce, officials relied on rumours.",
    "With AFP reporting the strike, the ministry said nothing.",
    "Sources: Sox May Not Be Out Of Teixeira Chase",
    "Source: Ministry of Health",
    "Editor's note: this story was updated with the ministry's statement.",
    "MOSCOW (Reuters) - Russian President Vladimir Putin met Syrian President Bashar al-Assad on Thursday.",
    "MOSCOW (Reuters) -",
    "SEOUL, May 18 (Yonhap) -- North Korea cancelled talks with the South on Wednesday.",
    "Photo: Reuters",
    "(AP Photo/Alexander Zemlianichenko)",
    "Credit: Mikhail Klimentyev/AP",
    "Copyright 2018 The Associated Press. All rights reserved.",
    "By Reuters",
    'AFP contributed to this report, "he said.',
]


@pytest.mark.parametrize("line", CREDITS)
def test_it_recognises_a_credit_line(line: str):
    assert is_credit_line(line)


@pytest.mark.parametrize("line", FACTS)
def test_it_leaves_a_sentence_that_mentions_an_agency_or_a_credit_verb_alone(line: str):
    assert not is_credit_line(line)


BODY = [
    "Russian President Vladimir Putin met Syrian President Bashar Assad in Sochi, the Kremlin said.",
    "Putin told Assad that foreign armed forces would start leaving Syria as the political process advanced.",
    "Reuters reported that it was unclear which of the many foreign forces in Syria Putin had in mind.",
    "Russia has been Assad's key ally since it entered the war in 2015 and turned the tide against rebels.",
]


def _kinds(text: str) -> list[tuple[str, str]]:
    return [(s.kind, s.text) for s in process_text(text).sentences]


def test_a_credit_line_is_kept_as_one_credit_sentence_not_removed():
    credit = "Reporting by Vladimir Soldatkin. Writing by Andrew Osborn; Editing by Peter Graff"
    article = process_text("\n".join(["Putin meets Assad", *BODY, credit]))
    assert [(s.kind, s.text) for s in article.sentences][-1] == ("credit", credit)
    assert [s.kind for s in article.sentences].count("credit") == 1
    assert all(credit not in r.text for r in article.removed)


def test_a_sentence_reporting_what_an_agency_said_stays_a_fact():
    kinds = _kinds("\n".join(["Putin meets Assad", *BODY]))
    assert ("body", BODY[2]) in kinds
    assert "credit" not in [kind for kind, _ in kinds]


def test_a_dateline_stays_part_of_the_first_sentence():
    lead = "MOSCOW (Reuters) - Russian President Vladimir Putin met Syrian President Bashar Assad on Friday."
    kinds = _kinds("\n".join(["Putin meets Assad", lead, *BODY[1:]]))
    assert kinds[1] == ("body", lead)


def test_teasers_after_a_credit_line_still_go_and_the_credit_stays():
    credit = "Reuters and DPA contributed to this report."
    teasers = ["A Women's Rights Lawyer Felt She Didn't Belong in Israel", "Lake Kinneret as Never Before"]
    article = process_text("\n".join(["Putin meets Assad", *BODY, credit, *teasers]))
    assert article.paragraphs[-1] == credit
    assert {r.text: r.reason for r in article.removed} == dict.fromkeys(teasers, "teaser")


def test_a_credit_under_the_headline_is_neither_headline_nor_standfirst():
    credit = "With reporting by Jane Doe in Moscow"
    kinds = _kinds("\n".join(["Putin meets Assad", credit, *BODY]))
    assert kinds[0] == ("headline", "Putin meets Assad")
    assert kinds[1] == ("credit", credit)
    assert kinds[2][0] == "body"


def test_an_editor_can_still_mark_a_credit_line_as_furniture():
    credit = "Reuters contributed to this report."
    article = process_text("\n".join(["Putin meets Assad", *BODY, credit]), drop_texts=[credit])
    assert "credit" not in [s.kind for s in article.sentences]
    assert [(r.reason, r.text) for r in article.removed] == [("editor-marked", credit)]
