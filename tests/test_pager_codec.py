"""What page buttons carry in their custom_id, written and read back with exact expectations.
(tests/test_pager.py clicks such buttons in SimCord: the longest ids, crafted and stale ones.)"""

from __future__ import annotations

from datetime import date

import pytest

from bot.models import Cursor, TimelineFilters
from bot.pagers import (
    PERSON_ID_MAX,
    HistoryState,
    QuoteState,
    SearchState,
    TimelineState,
    check_person,
    check_text,
)
from bot.search_terms import search_terms
from bot.ui.pager import (
    ID_MAX,
    OWNER_MAX,
    PAGE_MAX,
    PageId,
    Pager,
    Pagers,
    b36,
    decode_cursor,
    decode_day,
    encode_cursor,
    encode_day,
    parse_b36,
    parse_decimal,
)

MAY_17 = date(2024, 5, 17)  # ordinal 739023, "fu8f" in base 36
OWNER = 123456789012345678


@pytest.mark.parametrize(
    ("number", "text"),
    [(0, "0"), (9, "9"), (10, "a"), (35, "z"), (36, "10"), (1295, "zz"), (1296, "100")],
)
def test_b36_writes_base_36(number, text):
    assert b36(number) == text
    assert parse_b36(text, 1296) == number


def test_b36_of_the_largest_owner_is_13_digits_and_reads_back():
    assert b36(OWNER_MAX) == "3w5e11264sgsf"
    assert parse_b36("3w5e11264sgsf", OWNER_MAX) == OWNER_MAX == 2**64 - 1
    assert parse_b36(b36(OWNER), OWNER_MAX) == OWNER


@pytest.mark.parametrize("text", ["", "-1", "+1", " 1", "1 ", "1_0", "A", "z.", "0" * 14, "é"])
def test_parse_b36_refuses_anything_b36_does_not_write(text):
    with pytest.raises(ValueError):
        parse_b36(text, OWNER_MAX)


def test_parse_b36_refuses_past_its_maximum_saying_so():
    assert parse_b36("zz", 1295) == 1295
    assert parse_b36("0" * 13, 0) == 0  # leading zeros, up to 13 digits
    with pytest.raises(ValueError) as refused:
        parse_b36("100", 1295)
    assert str(refused.value) == "not a base-36 number up to 1295: '100'"
    with pytest.raises(ValueError) as refused:
        parse_b36("-" * 30, 5)
    assert str(refused.value) == f"not a base-36 number up to 5: {'-' * 20!r}"


def test_parse_decimal_reads_up_to_17_digits_and_its_maximum():
    assert parse_decimal("0", 10) == 0
    assert parse_decimal("10", 10) == 10
    assert parse_decimal("9" * 17, 10**17) == 10**17 - 1
    for bad in ("11", "9" * 18, "", "-1", "+1", " 1", "1a", "1_0", "٣"):
        with pytest.raises(ValueError):
            parse_decimal(bad, 10**18 if bad == "9" * 18 else 10)
    with pytest.raises(ValueError) as refused:
        parse_decimal("x" * 30, 7)
    assert str(refused.value) == f"not a number up to 7: {'x' * 20!r}"


def test_days_are_their_ordinal_in_base_36():
    assert encode_day(MAY_17) == "fu8f"
    assert decode_day("fu8f") == MAY_17
    assert encode_day(None) == ""
    assert decode_day("") is None
    assert decode_day(encode_day(date.max)) == date.max
    assert decode_day("1") == date.min
    with pytest.raises(ValueError):
        decode_day(b36(date.max.toordinal() + 1))
    with pytest.raises(ValueError):
        decode_day("0")  # ordinal 0 is no day


@pytest.mark.parametrize(
    ("cursor", "text"),
    [
        (Cursor(), ""),
        (Cursor(from_end=True), "z"),
        (Cursor(after=(MAY_17, 42)), "afu8f.16"),
        (Cursor(before=(MAY_17, 0)), "bfu8f.0"),
        (Cursor(after=(date.max, ID_MAX)), f"a{encode_day(date.max)}.{b36(ID_MAX)}"),
    ],
)
def test_cursors_are_written_short_and_read_back(cursor, text):
    assert encode_cursor(cursor) == text
    assert decode_cursor(text) == cursor


@pytest.mark.parametrize(
    "text",
    ["a", "afu8f", "afu8f.", "a.16", "cfu8f.16", "afu8f.16.1", "Afu8f.16", "y", "zz", " "],
)
def test_anything_else_is_not_a_cursor(text):
    with pytest.raises(ValueError):
        decode_cursor(text)


def test_a_cursor_names_what_is_wrong_with_it():
    with pytest.raises(ValueError) as refused:
        decode_cursor("q" * 30)
    assert str(refused.value) == f"not a cursor: {'q' * 20!r}"
    with pytest.raises(ValueError):  # an id past the largest the commands accept
        decode_cursor(f"afu8f.{b36(ID_MAX + 1)}")


def test_a_page_id_is_written_field_by_field():
    where = PageId("t", "n", 3, OWNER, Cursor(after=(MAY_17, 42)), "1|||")
    assert where.custom_id() == f"pg:t:n:3:{b36(OWNER)}:afu8f.16:1|||"
    assert PageId.parse(where.custom_id()) == where


def test_a_page_id_counts_pages_up_to_page_max():
    assert PAGE_MAX == 99_999
    far = PageId("s", "l", PAGE_MAX + 5, 1, Cursor(), "q")
    assert far.custom_id() == "pg:s:l:99999:1::q"
    assert PageId.parse("pg:s:l:99999:1::q").page == PAGE_MAX
    with pytest.raises(ValueError):
        PageId.parse("pg:s:l:100000:1::q")


def test_a_page_id_over_100_characters_is_refused_not_sent():
    fits = PageId("s", "n", 1, 1, Cursor(), "w" * 88)
    assert len(fits.custom_id()) == 100
    with pytest.raises(ValueError, match="custom_id over 100 characters"):
        PageId("s", "n", 1, 1, Cursor(), "w" * 89).custom_id()


def test_the_state_may_contain_colons():
    assert PageId.parse("pg:s:n:1:1::a:b:c").state == "a:b:c"


@pytest.mark.parametrize(
    "custom_id",
    [
        "pg:t:n:1:1:",  # a field missing
        "xx:t:n:1:1::s",
        "pg:t::1:1::s",  # no button
        "pg:t:nn:1:1::s",
        "pg:t:q:1:1::s",  # no such button
        "pg:t:n:x:1::s",
        "pg:t:n:1:-1::s",
        "pg:t:n:1:1:q:s",
    ],
)
def test_a_malformed_page_id_is_refused(custom_id):
    with pytest.raises(ValueError):
        PageId.parse(custom_id)


@pytest.mark.parametrize("tag", list("fpxnlr"))
def test_every_button_tag_reads(tag):
    assert PageId.parse(f"pg:h:{tag}:2:a::").tag == tag


def test_an_unknown_button_is_named_briefly():
    with pytest.raises(ValueError) as refused:
        PageId.parse("pg:t:q:1:1::s")
    assert str(refused.value) == "unknown button 'q'"
    with pytest.raises(ValueError) as refused:
        PageId.parse("pg:t:abcdefgh:1:1::s")
    assert str(refused.value) == "unknown button 'abcde'"
    with pytest.raises(ValueError) as refused:
        PageId.parse("nope")
    assert str(refused.value) == "not a page button's custom_id"


# The pagers' states


def test_timeline_state_writes_each_filter_in_its_place():
    state = TimelineState(PERSON_ID_MAX, MAY_17, date(2024, 5, 31), "safety | culture")
    assert state.encode() == "zzz|fu8f|fu8t|safety | culture"
    assert TimelineState.decode(state.encode()) == state
    assert TimelineState().encode() == "|||"
    assert TimelineState.decode("|||") == TimelineState()
    assert TimelineState(person_id=1).encode() == "1|||"
    assert state.filters == TimelineFilters(
        PERSON_ID_MAX, MAY_17, date(2024, 5, 31), search_terms("safety | culture")
    )


@pytest.mark.parametrize("text", ["", "||", "1|2", "-1|||", "zzzz|||", "|x!||"])
def test_a_timeline_state_that_is_not_one_is_refused(text):
    with pytest.raises(ValueError):
        TimelineState.decode(text)


def test_a_state_that_is_not_one_says_which():
    with pytest.raises(ValueError) as refused:
        TimelineState.decode("1|2")
    assert str(refused.value) == "not a timeline state"
    with pytest.raises(ValueError) as refused:
        QuoteState.decode("7")
    assert str(refused.value) == "not a quote state"


def test_quote_state():
    assert QuoteState(7, "fear").encode() == "7|fear"
    assert QuoteState(7).encode() == "7|"
    assert QuoteState.decode("7|fear|x") == QuoteState(7, "fear|x")
    assert QuoteState.decode("7|") == QuoteState(7)
    for bad in ("7", "|x", "x|", f"{PERSON_ID_MAX + 1}|"):
        with pytest.raises(ValueError):
            QuoteState.decode(bad)


def test_search_and_history_states():
    assert SearchState("safety culture").encode() == "safety culture"
    assert SearchState.decode("alpha|beta:gamma") == SearchState("alpha|beta:gamma")
    with pytest.raises(ValueError):
        SearchState(None)  # a search always has its query
    assert HistoryState(12).encode() == "12"
    assert HistoryState().encode() == ""
    assert HistoryState.decode("12") == HistoryState(12)
    assert HistoryState.decode("") == HistoryState()
    for bad in ("0", "-1", "x", str(ID_MAX + 1)):
        with pytest.raises(ValueError):
            HistoryState.decode(bad)
    assert HistoryState(ID_MAX).target_id == ID_MAX
    assert HistoryState(1).target_id == 1


def test_people_ids_fit_three_base_36_digits():
    assert PERSON_ID_MAX == 36**3 - 1
    check_person(None)
    check_person(1)
    check_person(PERSON_ID_MAX)
    for bad in (0, -1, PERSON_ID_MAX + 1):
        with pytest.raises(ValueError) as refused:
            check_person(bad)
        assert str(refused.value) == f"person id out of range: {bad}"


def test_text_in_a_state_is_1_to_cap_characters():
    check_text(None, 3)
    check_text("a", 3)
    check_text("abc", 3)
    for bad in ("", "abcd"):
        with pytest.raises(ValueError) as refused:
            check_text(bad, 3)
        assert str(refused.value) == "text outside 1..3 characters"
    with pytest.raises(ValueError):
        check_text(None, 3, optional=False)
    check_text("abc", 3, optional=False)


@pytest.mark.parametrize(
    ("build", "longest"),
    [
        (lambda n: TimelineState(search="w" * n), TimelineState.SEARCH_MAX),
        (lambda n: QuoteState(1, "w" * n), QuoteState.SEARCH_MAX),
        (lambda n: SearchState("w" * n), SearchState.QUERY_MAX),
    ],
)
def test_each_state_takes_text_up_to_its_cap(build, longest):
    assert build(longest).encode().endswith("w" * longest)
    with pytest.raises(ValueError):
        build(longest + 1)
    assert (TimelineState.SEARCH_MAX, QuoteState.SEARCH_MAX, SearchState.QUERY_MAX) == (38, 40, 60)


def test_history_ids_are_1_to_id_max():
    for bad in (0, -1, ID_MAX + 1):
        with pytest.raises(ValueError) as refused:
            HistoryState(bad)
        assert str(refused.value) == f"id out of range: {bad}"


# The registry (tests/test_pager.py checks what it refuses)


class Numbers(Pager):
    kind = "k"
    State = HistoryState
    navigation = staticmethod(lambda page: [])

    async def render(self, interaction, state, page, cursor):
        raise NotImplementedError


def test_the_registry_finds_each_pager_by_its_kind():
    pagers = Pagers()
    numbers = Numbers()
    pagers.add(numbers)
    assert pagers.get("k") is numbers
    assert pagers.get("m") is None
    assert list(pagers) == [numbers]
    pagers.remove("m")  # removing what isn't there is fine
    pagers.remove("k")
    assert list(pagers) == []
