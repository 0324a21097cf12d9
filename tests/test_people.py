"""Finding a person from what a member typed, with exact expectations."""

from __future__ import annotations

import pytest

from bot.models import Person
from bot.people import (
    AUTOCOMPLETE_MAX,
    autocomplete,
    describe_unknown,
    find_person,
    names_of,
    normalize,
    suggest,
)

LEIKE = Person(1, "leike", "Jan Leike", "r", ("janleike",))
SUTSKEVER = Person(2, "sutskever", "Ilya Sutskever", "r", ("ilyasut",))
OBRIEN = Person(3, "obrien", "Conan O'Brien-Smith", "r")
ALAN = Person(4, "alan", "Alan Turing", "r")
RONALD = Person(5, "ronald", "Ronald Fisher", "r")
MARY = Person(6, "evans", "Mary Ann Evans", "r")
JOANNA = Person(7, "joanna", "Joanna Smith", "r")
PEOPLE = [LEIKE, SUTSKEVER, OBRIEN, ALAN, RONALD, MARY, JOANNA]


@pytest.mark.parametrize(
    ("typed", "normal"),
    [
        ("Jan Leike", "jan leike"),
        ("  JAN   LEIKE  ", "jan leike"),
        ("Léïke", "leike"),  # accents go
        ("Conan O'Brien-Smith", "conan o brien smith"),  # punctuation separates words
        ("o’brien_smith", "o brien smith"),
        ("ﬁsher", "fisher"),  # compatibility forms fold
        ("Straße", "strasse"),  # casefold, not lower
        ("ilya2", "ilya2"),  # digits stay
        ("\u0301\u0301", ""),  # only combining marks
        ("'-_", ""),
    ],
)
def test_normalize(typed, normal):
    assert normalize(typed) == normal


def test_a_person_is_known_by_slug_full_first_and_last_name_and_aliases():
    assert names_of(LEIKE) == {"leike", "jan leike", "jan", "janleike"}
    assert names_of(OBRIEN) == {"obrien", "conan o brien smith", "conan", "o brien smith"}
    assert names_of(Person(9, "gwern", "Gwern", "r", ("", "?"))) == {"gwern"}


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("leike", LEIKE),
        ("Jan", LEIKE),
        ("JAN LEIKE", LEIKE),
        (" jan  leike ", LEIKE),
        ("Léike", LEIKE),
        ("janleike", LEIKE),
        ("ilyasut", SUTSKEVER),
        ("Conan O'Brien-Smith", OBRIEN),
        ("O'Brien Smith", OBRIEN),  # the last word of the name, punctuation and all
        ("o-brien-smith", OBRIEN),
        ("obrien", OBRIEN),
        ("leik", None),  # a prefix is not a name
        ("jan leike sutskever", None),
        ("", None),
        ("!!", None),
    ],
)
def test_find_person(typed, found):
    assert find_person(PEOPLE, typed) == found


def test_autocomplete_lists_names_that_start_with_it_then_names_that_contain_it():
    # "Mary Ann Evans" has a word starting with "ann"; "Joanna" only contains it, and comes
    # first by name, so the order is not the list's.
    assert autocomplete(PEOPLE, "ann") == [MARY, JOANNA]
    assert autocomplete(PEOPLE, "AL") == [ALAN, RONALD]
    assert autocomplete(PEOPLE, "smith") == [OBRIEN, JOANNA]  # both start a word: by name
    assert autocomplete(PEOPLE, "O'Brien") == [OBRIEN]
    assert autocomplete(PEOPLE, "zz") == []


def test_autocomplete_of_an_empty_box_is_everyone_by_name_up_to_discords_limit():
    assert autocomplete(PEOPLE, " ") == sorted(PEOPLE, key=lambda p: p.name)
    many = [Person(i, f"p{i}", f"Person {i:02}", "r") for i in range(1, 31)]
    assert AUTOCOMPLETE_MAX == 25
    assert autocomplete(many, "") == many[:25]
    assert autocomplete(many, "person") == many[:25]
    # "Person 10" to "19" have a word starting with "1"; "01" and "21" only contain one.
    assert autocomplete(many, "1") == [*many[9:19], many[0], many[20]]


def test_suggest_offers_the_closest_names_best_first():
    assert suggest(PEOPLE, "lieke") == [LEIKE]
    assert suggest(PEOPLE, "sutskevr") == [SUTSKEVER]
    assert suggest(PEOPLE, "smiht") == [JOANNA]
    assert suggest(PEOPLE, "qqqq") == []


def test_suggest_includes_names_containing_what_was_typed():
    assert suggest(PEOPLE, "ur") == [ALAN]  # "turing": too far for difflib, but contains it
    assert suggest(PEOPLE, "") == []


def test_suggest_stops_at_the_limit_each_person_once():
    # Close names first ("jan", "alan", "evans"), then names that contain "an".
    assert suggest(PEOPLE, "an") == [LEIKE, ALAN, MARY]
    assert suggest(PEOPLE, "an", limit=2) == [LEIKE, ALAN]
    assert suggest(PEOPLE, "an", limit=5) == [LEIKE, ALAN, MARY, OBRIEN, JOANNA]


def test_a_person_with_several_close_names_leaves_room_for_others():
    ilya = Person(10, "ilya", "Ilya", "r", ("ilyas", "ilyan", "ilyam"))
    ilia = Person(11, "ilia", "Ilia", "r")
    assert suggest([ilya, ilia], "ilyx", limit=2) == [ilya, ilia]


def test_suggest_cuts_off_at_half_similar():
    abcd = Person(9, "abcd", "Abcd", "r")
    assert suggest([abcd], "abxy") == [abcd]  # 2 of 4 letters in common: a ratio of 0.5
    assert suggest([abcd], "abxyz") == []  # 2 of 4 and 5: 0.44


def test_describe_unknown_suggests_or_points_to_people():
    assert describe_unknown(PEOPLE, "lieke") == (
        "No one called “lieke”. Did you mean Jan Leike (`leike`)?"
    )
    assert describe_unknown(PEOPLE, "an") == (
        "No one called “an”. Did you mean Jan Leike (`leike`), Alan Turing (`alan`), "
        "Mary Ann Evans (`evans`)?"
    )
    assert describe_unknown(PEOPLE, " qqqq\n  zz ") == (
        "No one called “qqqq zz”. See `/people` for everyone in the story."
    )
    assert describe_unknown(PEOPLE, " \n ") == (
        "Type a name: full, first or last. See `/people` for everyone in the story."
    )


def test_describe_unknown_echoes_at_most_50_characters():
    typed = "q" * 49 + "rs"
    assert describe_unknown(PEOPLE, typed) == (
        f"No one called “{'q' * 49}r”. See `/people` for everyone in the story."
    )
