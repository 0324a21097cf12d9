"""Places that show text as typed (footers, author names, choice names) get it unescaped;
places that render Markdown get it escaped."""

from __future__ import annotations

import json
from datetime import date

import discord
import pytest

from bot.config import Settings


@pytest.fixture
def mod_alice(simcord_env, guild):
    mods = guild.create_role("Mods", permissions=discord.Permissions(manage_messages=True))
    return guild.add_member(simcord_env.create_user("mod_alice"), roles=[mods])


async def test_an_announcement_footer_shows_the_moderators_name_as_typed(
    simcord_env, channel, mod_alice
):
    await mod_alice.slash(channel, "addupdate", text="Leike joins *Anthropic*")

    announced = channel.last_message.embeds[0]
    assert "posted by mod_alice ·" in announced.footer.text
    assert announced.description == "Leike joins \\*Anthropic\\*"


async def test_people_choices_show_what_was_typed(simcord_env, channel, moderator):
    choices = await moderator.autocomplete(channel, "addupdate", "people", "ex_ceo, altm")

    assert choices[0]["value"] == "ex_ceo, altman"
    assert choices[0]["name"].startswith("ex_ceo, Sam Altman · ")


class TestMarkdownInARole:
    """A story whose person's role holds Markdown characters (test data, not the story)."""

    ROLE = "Head of AI_Safety *interim*"

    @pytest.fixture
    def settings(self, tmp_path):
        raw = json.loads(Settings().story_path.read_text(encoding="utf-8"))
        raw["people"].append({"slug": "tester", "name": "Tess_T", "role": self.ROLE, "aliases": []})
        path = tmp_path / "story.json"
        path.write_text(json.dumps(raw), encoding="utf-8")
        return Settings(database_path=tmp_path / "bot.db", story_path=path)

    async def test_the_quote_author_line_is_plain_and_the_signature_escaped(
        self, simcord_env, guild, channel, member
    ):
        store = simcord_env.bot.store
        tester = next(p for p in store.people if p.slug == "tester")
        await store.add_quote(
            guild.id, member.id, person_id=tester.id, text="Words.", day=date(2024, 5, 20),
            context="", source_url=None,
        )  # fmt: skip

        shown = await member.slash(channel, "quote", person="tester")

        embed = shown.response.embeds[0]
        assert embed.author.name == f"Tess_T · {self.ROLE}"
        assert embed.description.endswith("— **Tess\\_T**")

    async def test_person_choices_are_plain(self, channel, member):
        [choice] = await member.autocomplete(channel, "quote", "person", "tess")
        assert choice["name"] == f"Tess_T · {self.ROLE}"
