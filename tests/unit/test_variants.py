"""Name variants: the shipped list, the file format and how a query is expanded."""

from __future__ import annotations

import pytest

from ann.variants import VariantsError, load, merged, parse
from search_api.variants import expand

GROUPS = [("Myanmar", "Burma"), ("Ho Chi Minh City", "Saigon"),
          ("Yoon Suk Yeol", "Yoon Suk-yeol")]


def test_the_shipped_list_parses_and_names_each_spelling_once() -> None:
    groups = load()
    assert len(groups) >= 40
    spellings = [s.casefold() for group in groups for s in group]
    assert len(spellings) == len(set(spellings))
    assert ("Myanmar", "Burma") in groups and ("Bengaluru", "Bangalore") in groups


def test_a_file_is_groups_of_comma_separated_spellings() -> None:
    text = "# comment\nMyanmar,  Burma # the country\n\nYangon , Rangoon\n"
    assert parse(text) == [("Myanmar", "Burma"), ("Yangon", "Rangoon")]


@pytest.mark.parametrize("line", ["Myanmar", "Myanmar, ", 'Myanmar, "Burma"', "Burm*, Myanmar"])
def test_a_line_that_is_not_a_group_is_refused_with_its_number(line: str) -> None:
    with pytest.raises(VariantsError, match=r"ours\.txt:2"):
        parse(f"# first\n{line}\n", "ours.txt")


def test_groups_sharing_a_spelling_are_one() -> None:
    assert merged([("Myanmar", "Burma"), ("burma", "Union of Burma"), ("Yangon", "Rangoon")]) == [
        ("Myanmar", "Burma", "Union of Burma"), ("Yangon", "Rangoon")]


@pytest.mark.parametrize(("q", "expanded"), [
    ("burma", '("Myanmar" | "Burma")'),
    ("Burma election", '("Myanmar" | "Burma") election'),
    ("-Burma floods", '-("Myanmar" | "Burma") floods'),
    ("saigon | hanoi", '("Ho Chi Minh City" | "Saigon") | hanoi'),
    ("ho chi minh city port", '("Ho Chi Minh City" | "Saigon") port'),
    ("yoon suk-yeol visit", '("Yoon Suk Yeol" | "Yoon Suk-yeol") visit'),
    ('"Burma Railway" Burma', '"Burma Railway" ("Myanmar" | "Burma")'),  # phrases as typed
    ("Burm* Burma~1", "Burm* Burma~1"),  # prefix and fuzzy as typed
    ("Burmese", "Burmese"),  # whole words only
    ("ho chi minh", "ho chi minh"),  # the whole spelling only
    ('say "Burma', 'say "Burma'),  # an unclosed quote: its tail is a phrase
])
def test_a_query_is_expanded_outside_quotes_on_whole_spellings(q: str, expanded: str) -> None:
    assert expand(q, GROUPS) == expanded


def test_without_variants_the_query_is_unchanged() -> None:
    assert expand("Burma", []) == "Burma"
