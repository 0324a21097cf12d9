"""The seed story: the shipped file is valid and true to the article; broken files say where."""

from __future__ import annotations

import copy
import json
import re
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from bot.config import DEFAULT_STORY_PATH
from bot.models import HEADLINE_MAX, PROVENANCE_MAX, TEXT_MAX
from bot.story import StoryError, load_story

# What the story was built from, kept beside it in data/ for these tests (not installed).
DATA = Path(__file__).resolve().parent.parent / "data"
ARTICLE_PATH = DATA / "article.txt"
PUBLIC_RECORD_PATH = DATA / "public_record.txt"
# The story happens in May 2024, under daylight saving time in San Francisco.
SAN_FRANCISCO = timezone(timedelta(hours=-7), "PDT")
TWITTER_EPOCH_MS = 1288834974657
SUPERALIGNMENT_POST = "https://openai.com/index/introducing-superalignment/"
# Provenance belongs in its own field; headlines, bodies and contexts are for readers.
PROVENANCE_WORDING = re.compile(r"\barticle\b|public record|according to", re.IGNORECASE)


@pytest.fixture(scope="module")
def raw() -> dict:
    return json.loads(DEFAULT_STORY_PATH.read_text(encoding="utf-8"))


def broken(tmp_path: Path, raw: dict, change) -> str:
    """Write a changed copy of the shipped story and return the one-line error loading it gives."""
    data = copy.deepcopy(raw)
    change(data)
    path = tmp_path / "story.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(StoryError) as raised:
        load_story(path)
    message = str(raised.value)
    assert message.startswith(f"{path}: ")
    assert "\n" not in message
    return message


# The shipped file.


def test_shipped_story_loads_with_every_section_filled(story, raw):
    for section in ("people", "sources", "entries", "quotes"):
        assert len(getattr(story, section)) == len(raw[section]) > 0


def public_record_passages() -> dict[str, str]:
    """data/public_record.txt as {URL: the passage read there}."""
    passages: dict[str, str] = {}
    url = None
    for line in PUBLIC_RECORD_PATH.read_text(encoding="utf-8").splitlines():
        if re.fullmatch(r"https?://\S+", line):
            url = line
            passages[url] = ""
        elif url and not line.startswith("#"):
            passages[url] += line + "\n"
    return passages


def test_every_quote_appears_verbatim_in_the_article(story):
    article = ARTICLE_PATH.read_text(encoding="utf-8")
    missing = [q.key for q in story.quotes if q.basis == "article" and q.text not in article]
    assert missing == []


def test_every_public_record_quote_appears_verbatim_where_its_source_was_read(story):
    urls = {s.key: s.url for s in story.sources}
    passages = public_record_passages()
    checked = [q for q in story.quotes if q.basis == "public record"]
    assert checked
    assert [q.key for q in checked if q.text not in passages.get(urls[q.source], "")] == []


def posted_at(url: str | None) -> datetime | None:
    """When a post on X went up, read from its status id (a snowflake: milliseconds << 22)."""
    match = re.fullmatch(r"https://x\.com/\w+/status/(\d+)", url or "")
    if match is None:
        return None
    return datetime.fromtimestamp(((int(match[1]) >> 22) + TWITTER_EPOCH_MS) / 1000, UTC)


def test_items_citing_a_post_on_x_carry_its_utc_date_and_note_a_local_one(story):
    posts = {s.key: posted_at(s.url) for s in story.sources if posted_at(s.url)}
    items = [(e.key, e.date, e.sources, e.provenance) for e in story.entries]
    items += [(q.key, q.date, (q.source,), q.provenance) for q in story.quotes]
    checked = 0
    for key, day, sources, provenance in items:
        for at in (posts[s] for s in sources if s in posts):
            assert day == at.date(), key
            local = at.astimezone(SAN_FRANCISCO).date()
            if local != day:  # e.g. Leike's "I resigned": May 15 in UTC, May 14 in San Francisco
                assert f"{local:%B} {local.day}" in provenance and "San Francisco" in provenance
            checked += 1
    assert checked


def test_an_outlets_report_its_quote_and_entry_share_the_date_in_its_url(story):
    outlets = {p.slug for p in story.people if p.kind == "outlet"}
    urls = {s.key: s.url for s in story.sources}
    checked = 0
    for quote in (q for q in story.quotes if q.person in outlets):
        published = date(
            *map(int, re.search(r"/(\d{4})/(\d\d?)/(\d\d?)/", urls[quote.source]).groups())
        )
        assert quote.date == published, quote.key
        for entry in (e for e in story.entries if quote.source in e.sources):
            assert entry.date == published, entry.key
            checked += 1
    assert checked


def test_a_quote_with_bracketed_insertions_says_whose_they_are(story):
    bracketed = [q for q in story.quotes if re.search(r"\[[^]]+\]", q.text)]
    assert bracketed
    for quote in bracketed:
        assert "bracket" in quote.context.lower(), quote.key


def test_the_superalignment_compute_pledge_is_given_with_its_source(story):
    pledge = next(s for s in story.sources if s.url == SUPERALIGNMENT_POST)
    assert "20%" in next(q for q in story.quotes if q.person == "techcrunch").context
    mentions = [e for e in story.entries if "20%" in e.body]
    assert mentions
    assert [e.key for e in mentions if pledge.key not in e.sources] == []


def test_reader_facing_text_reads_as_news_and_provenance_is_kept_apart(story):
    for entry in story.entries:
        assert not PROVENANCE_WORDING.search(f"{entry.headline} {entry.body}"), entry.key
        assert entry.provenance, entry.key
    for quote in story.quotes:
        assert not PROVENANCE_WORDING.search(quote.context), quote.key
        assert quote.provenance, quote.key


def test_john_schulman_is_described_as_an_openai_co_founder(story):
    # Public record: Schulman was one of OpenAI's founding team.
    assert "co-founder" in next(p.role for p in story.people if p.slug == "schulman")


def test_the_public_record_of_may_17_the_article_missed_is_in_the_story(story):
    # OpenAI's confirmation that the team was disbanded (Wired, Bloomberg, Axios), Altman's first
    # reply to Leike (quoted by Axios) and OpenAI's statement to Vox on vested equity.
    may_17 = [e for e in story.entries if e.date == date(2024, 5, 17)]
    for key in ("wired-disbanded", "bloomberg-disbanded", "axios-disbands", "vox-piper"):
        assert any(key in e.sources for e in may_17), key
    assert any("altman" in e.people and "axios-disbands" in e.sources for e in may_17)
    assert any(q.person == "altman" and q.date == date(2024, 5, 17) for q in story.quotes)


def test_every_entry_has_a_date_and_a_known_source(story):
    sources = {s.key for s in story.sources}
    for entry in story.entries:
        assert isinstance(entry.date, date), entry.key
        assert entry.sources, entry.key
        assert set(entry.sources) <= sources, entry.key
        assert len(entry.headline) <= HEADLINE_MAX and len(entry.body) <= TEXT_MAX


def test_outlets_are_sources_not_people_in_entries(story):
    outlets = {p.slug for p in story.people if p.kind == "outlet"}
    assert "techcrunch" in outlets
    assert [e.key for e in story.entries if outlets & set(e.people)] == []


def test_every_reference_names_someone_in_the_story(story):
    slugs = {p.slug for p in story.people}
    assert {slug for e in story.entries for slug in e.people} <= slugs
    assert {q.person for q in story.quotes} <= slugs


def test_keys_are_unique(story):
    for keys in (
        [p.slug for p in story.people],
        [s.key for s in story.sources],
        [e.key for e in story.entries],
        [q.key for q in story.quotes],
    ):
        assert len(keys) == len(set(keys))


# Broken variants: each error names the file, the item and the field.


def test_missing_field_names_item_and_field(tmp_path, raw):
    key = raw["entries"][2]["key"]
    message = broken(tmp_path, raw, lambda d: d["entries"][2].pop("headline"))
    assert f"entries[{key}]" in message
    assert "'headline'" in message and "missing" in message


def test_missing_key_names_the_item_by_position(tmp_path, raw):
    message = broken(tmp_path, raw, lambda d: d["quotes"][1].pop("key"))
    assert "quotes[1]" in message and "'key'" in message


def test_unknown_person_in_an_entry(tmp_path, raw):
    key = raw["entries"][0]["key"]
    message = broken(tmp_path, raw, lambda d: d["entries"][0]["people"].append("nobody-here"))
    assert f"entries[{key}]" in message
    assert "'people'" in message and "'nobody-here'" in message


def test_unknown_person_in_a_quote(tmp_path, raw):
    key = raw["quotes"][-1]["key"]
    message = broken(tmp_path, raw, lambda d: d["quotes"][-1].update(person="nobody-here"))
    assert f"quotes[{key}]" in message
    assert "'person'" in message and "'nobody-here'" in message


def test_unknown_source_in_an_entry(tmp_path, raw):
    key = raw["entries"][1]["key"]
    message = broken(tmp_path, raw, lambda d: d["entries"][1].update(sources=["no-such-source"]))
    assert f"entries[{key}]" in message and "'sources'" in message
    assert "'no-such-source'" in message


def test_an_outlet_among_an_entrys_people(tmp_path, raw):
    key = raw["entries"][0]["key"]
    message = broken(tmp_path, raw, lambda d: d["entries"][0]["people"].append("techcrunch"))
    assert f"entries[{key}]" in message and "'people'" in message
    assert "outlet 'techcrunch'" in message and "'sources'" in message


def test_unknown_kind_lists_the_choices(tmp_path, raw):
    message = broken(tmp_path, raw, lambda d: d["people"][0].update(kind="company"))
    assert f"people[{raw['people'][0]['slug']}]" in message
    assert "'kind'" in message and "person" in message and "outlet" in message


@pytest.mark.parametrize("section", ["entries", "quotes"])
def test_missing_provenance(tmp_path, raw, section):
    message = broken(tmp_path, raw, lambda d: d[section][0].pop("provenance"))
    assert f"{section}[{raw[section][0]['key']}]" in message
    assert "'provenance'" in message and "missing" in message


def test_too_long_provenance(tmp_path, raw):
    message = broken(tmp_path, raw, lambda d: d["quotes"][0].update(provenance="x" * 500))
    assert "'provenance'" in message and str(PROVENANCE_MAX) in message


def test_entry_without_sources(tmp_path, raw):
    key = raw["entries"][1]["key"]
    message = broken(tmp_path, raw, lambda d: d["entries"][1].update(sources=[]))
    assert f"entries[{key}]" in message and "'sources'" in message


@pytest.mark.parametrize(
    "bad", ["2024-13-01", "2024-02-30", "May 17 2024", "2024-5-17", "17/05/2024"]
)
def test_bad_date(tmp_path, raw, bad):
    key = raw["quotes"][0]["key"]
    message = broken(tmp_path, raw, lambda d: d["quotes"][0].update(date=bad))
    assert f"quotes[{key}]" in message and "'date'" in message
    assert repr(bad) in message


def test_date_of_the_wrong_type(tmp_path, raw):
    key = raw["entries"][0]["key"]
    message = broken(tmp_path, raw, lambda d: d["entries"][0].update(date=20240517))
    assert f"entries[{key}]" in message and "'date'" in message


@pytest.mark.parametrize(
    ("section", "field"), [("entries", "key"), ("quotes", "key"), ("people", "slug")]
)
def test_duplicate_key(tmp_path, raw, section, field):
    def duplicate(data):
        data[section].append(copy.deepcopy(data[section][0]))

    message = broken(tmp_path, raw, duplicate)
    assert f"{section}[{raw[section][0][field]}]" in message
    assert f"'{field}'" in message and "twice" in message


def test_unknown_precision_lists_the_choices(tmp_path, raw):
    message = broken(tmp_path, raw, lambda d: d["entries"][0].update(precision="week"))
    assert "'precision'" in message and "day" in message and "month" in message


def test_too_long_headline(tmp_path, raw):
    message = broken(tmp_path, raw, lambda d: d["entries"][0].update(headline="x" * 500))
    assert "'headline'" in message and str(HEADLINE_MAX) in message


def test_invalid_json_names_the_file_and_position(tmp_path):
    path = tmp_path / "story.json"
    path.write_text('{"format": 1,', encoding="utf-8")
    with pytest.raises(StoryError) as raised:
        load_story(path)
    assert str(raised.value).startswith(f"{path}: ")
    assert re.search(r"line \d+ column \d+", str(raised.value))


def test_missing_file_names_the_file(tmp_path):
    path = tmp_path / "nope.json"
    with pytest.raises(StoryError) as raised:
        load_story(path)
    assert str(raised.value).startswith(f"{path}: ")
