"""A server's own people: their names, roles, aliases and slugs, and names already taken."""

from __future__ import annotations

import pytest

from bot.errors import UserError
from bot.models import ALIAS_MAX, ALIASES_MAX, PERSON_NAME_MAX, PERSON_ROLE_MAX, Person
from bot.people import NameTaken, check_names, slug_for
from bot.validate import clean_aliases, clean_person_name, clean_role

ALTMAN = Person(1, "altman", "Sam Altman", "CEO", ("sama",))
TONER = Person(2, "helen-toner", "Helen Toner", "Board", ())


def refusal(check, *args, **kwargs) -> str:
    with pytest.raises(UserError) as refused:
        check(*args, **kwargs)
    return str(refused.value)


def test_a_name_is_one_tidy_line_with_letters_and_no_comma():
    assert clean_person_name("  Helen   Toner ") == "Helen Toner"
    assert clean_person_name("Conan O'Brien-Smith") == "Conan O'Brien-Smith"
    assert clean_person_name("x" * PERSON_NAME_MAX) == "x" * PERSON_NAME_MAX
    assert refusal(clean_person_name, "Toner, Helen") == (
        "`name` can't contain a comma: `people` lists are comma-separated. "
        "Put other spellings in `aliases`."
    )
    assert refusal(clean_person_name, "★★★", "who") == (
        "`who` needs letters or digits that people can type."
    )
    assert refusal(clean_person_name, "x" * (PERSON_NAME_MAX + 1)) == (
        f"`name` is {PERSON_NAME_MAX + 1:,} characters; the limit is {PERSON_NAME_MAX:,}."
    )
    assert refusal(clean_person_name, "Line\nbreak") == "`name` must be one line."


def test_a_role_is_one_tidy_line_or_nothing():
    for nothing in (None, "-", " - "):
        assert clean_role(nothing) == ""
    assert clean_role("  Board   member ") == "Board member"
    assert clean_role("y" * PERSON_ROLE_MAX) == "y" * PERSON_ROLE_MAX
    assert refusal(clean_role, "y" * (PERSON_ROLE_MAX + 1), "job") == (
        f"`job` is {PERSON_ROLE_MAX + 1:,} characters; the limit is {PERSON_ROLE_MAX:,}."
    )


def test_aliases_are_distinct_tidy_names_up_to_the_limit():
    for nothing in (None, "-", " - "):
        assert clean_aliases(nothing) == ()
    assert clean_aliases("Sam, sama, , SAM ") == ("Sam", "sama")  # the first spelling kept
    assert clean_aliases("Léïke, leike") == ("Léïke",)  # accents don't make another name
    assert clean_aliases("  big   name ") == ("big name",)
    most = ", ".join(f"name{n}" for n in range(ALIASES_MAX))
    assert len(clean_aliases(most)) == ALIASES_MAX
    assert refusal(clean_aliases, most + ", one more") == (
        f"`aliases` lists {ALIASES_MAX + 1} names; at most {ALIASES_MAX}."
    )
    assert refusal(clean_aliases, "fine, ★", "also") == (
        "`also`: one of the names has no letters or digits to type."
    )
    assert refusal(clean_aliases, "z" * (ALIAS_MAX + 1)) == (
        f"`aliases` is {ALIAS_MAX + 1:,} characters; the limit is {ALIAS_MAX:,}."
    )


def test_a_slug_is_the_name_without_case_accents_or_punctuation():
    assert slug_for("Helen Toner") == "helen-toner"
    assert slug_for("Conan O'Brien") == "conan-o-brien"
    assert slug_for("Léïke") == "leike"


def test_a_name_or_alias_that_already_finds_someone_is_refused_naming_them():
    check_names([ALTMAN], "Helen Toner", ["toner"])  # nothing taken: no error
    with pytest.raises(NameTaken) as taken:
        check_names([TONER, ALTMAN], "New Person", ["SAMA"])
    assert (taken.value.typed, taken.value.person, taken.value.alias) == ("SAMA", ALTMAN, True)
    assert str(taken.value) == "The alias “SAMA” already finds Sam Altman (`altman`)."
    with pytest.raises(NameTaken) as taken:
        check_names([ALTMAN, TONER], "helen toner", ["sama"])  # the name is checked first
    assert (taken.value.person, taken.value.alias) == (TONER, False)
    assert str(taken.value) == "The name “helen toner” already finds Helen Toner (`helen-toner`)."
    check_names([ALTMAN], "Sam Altman", ["sama"], exclude=ALTMAN.id)  # renaming oneself
