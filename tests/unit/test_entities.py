"""Cheap entity extraction: names, places, numbers and dates, from hand-written news copy."""

from __future__ import annotations

from datetime import date

from compare.nlp.stories.entities import (
    dateline,
    extract_entities,
    find_dates,
    is_dateline,
    looks_like_url,
    repair_spacing,
)


def test_it_repairs_detokenised_spacing():
    text = "U. S. Marshals paid $30, 000 at 9 a. m. on 05 / 02 / 2013 at 09: 29, magnitude 6. 1"
    assert repair_spacing(text) == "U.S. Marshals paid $30,000 at 9 am on 05/02/2013 at 09:29, magnitude 6.1"


def test_it_keeps_a_date_list_apart_from_a_thousands_separator():
    assert repair_spacing("May 2, 2013") == "May 2, 2013"


def test_it_extracts_names_and_places_but_not_sentence_openers():
    entities = extract_entities(
        "",
        [
            "Former football player Brian Nichols was sentenced in Atlanta on Saturday.",
            "The former player will serve his time in Florence, Colorado.",
        ],
    )
    assert {"brian", "nichols", "atlanta", "florence", "colorado"} <= entities
    assert "former" not in entities
    assert "the" not in entities
    assert "saturday" not in entities


def test_it_drops_adverbs_and_contractions_that_open_a_sentence():
    entities = extract_entities("", ["Obviously the team lost.", "We'll see, said Jackson."])
    assert entities == {"jackson"}


def test_it_normalises_possessives_and_initials():
    entities = extract_entities("", ["Reid's rep said the U.S. tour was over."])
    assert {"reid", "us"} <= entities


def test_it_extracts_numbers_without_single_digits():
    entities = extract_entities(
        "", ["The 6.1 quake killed 42 people and left $30, 000 of damage in 3 towns."]
    )
    assert {"6.1", "42", "30000"} <= entities
    assert "3" not in entities


def test_it_extracts_years_and_month_days_in_several_formats():
    entities = extract_entities(
        "", ["It happened on March 11, 2005.", "A hearing is set for 3 June.", "Filed 05/02/2013."]
    )
    assert {"2005", "march 11", "june 3", "2013", "may 2"} <= entities
    assert "11" not in entities  # the day belongs to the date, not to the numbers


def test_it_ignores_clock_times():
    assert extract_entities("", ["The blast came at 09:29 pm."]) == frozenset()


def test_a_title_case_headline_only_confirms_names_the_body_has():
    entities = extract_entities(
        "Lindsay Lohan Checks Into Betty Ford Center",
        ["Lindsay Lohan has checked into the Betty Ford Center, her lawyer said."],
    )
    assert {"lindsay", "lohan", "betty", "ford", "center"} <= entities
    assert "checks" not in entities


def test_a_bare_headline_still_yields_its_names():
    assert {"klitschko", "thompson"} <= extract_entities("Klitschko Stops Thompson In Sixth Round", [])


def test_link_lines_do_not_count_as_text():
    entities = extract_entities(
        "", ["http: / / www. example. com / 2013 / lohan - rehab - 374452. html", "Lohan left."]
    )
    assert entities == {"lohan"}


def test_it_finds_complete_dates_in_order():
    assert find_dates("From Nov. 30, 2009 to 2010-01-12, not May 3.") == [
        date(2009, 11, 30),
        date(2010, 1, 12),
    ]


def test_it_reads_day_first_numeric_dates_when_the_month_cannot_be_first():
    assert find_dates("Posted 23/04/2012") == [date(2012, 4, 23)]


def test_a_dateline_is_a_line_that_is_only_a_date():
    assert is_dateline("UPDATED 05 / 03 / 2013 at 11: 00 AM EDT")
    assert is_dateline("Fri., May. 3, 2013 11: 45 AM PDT")
    assert not is_dateline("On Oct. 10, 1972, Washington awoke to startling news.")
    assert not is_dateline("Lindsay Lohan checks into Betty Ford Center")


def test_it_takes_the_publication_date_from_the_first_dateline_near_the_top():
    lines = [
        "http: / / example. com / story",
        "Lohan checks in",
        "May 03, 2013 | 5: 03pm",
        "Body text of 2012.",
    ]
    assert dateline(lines) == date(2013, 5, 3)


def test_a_date_inside_a_sentence_is_not_a_dateline():
    assert dateline(["On Tuesday, Oct. 10, 1972, Washington awoke to this news:"]) is None


def test_it_recognises_scraped_link_lines():
    assert looks_like_url("http: / / articles. latimes. com / 2013 / may / 03")
    assert looks_like_url("www.example.org/news")
    assert not looks_like_url("The company said it would appeal.")
    assert not looks_like_url("Wired.com takes a look back at the 10 actors.")
