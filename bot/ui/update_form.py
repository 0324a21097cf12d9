"""The /addupdate form: only its opener, still a moderator, may send it, and only while it is open.

Discord hands the bot a form's submit by the form's custom_id alone, so the form checks again
who sends it. A form closes FORM_TIMEOUT_S after it opens, and when the bot restarts; discord.py
drops the submit of a form it no longer holds without a word, so those are answered here.
"""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import discord

from bot.checks import NOT_A_MODERATOR, is_moderator
from bot.errors import UserError
from bot.models import HEADLINE_MAX, SOURCE_URL_MAX, TEXT_MAX, MessageRef
from bot.people import PersonRefused
from bot.ui.respond import report_error, send_ephemeral
from bot.ui.text import fit_plain

FORM_TIMEOUT_S = 30 * 60
# discord.py keeps a form this much longer than it is open, so a submit sent just before the
# form closed (network delay, clock skew) still reaches it.
FORM_GRACE_S = 60
FORM_ID_PREFIX = "addupdate-form:"
NOT_YOUR_FORM = (
    "This form belongs to the moderator who opened it; run `/addupdate` to open your own."
)
FORM_CLOSED = (
    f"This form has closed (forms stay open {FORM_TIMEOUT_S // 60} minutes, and close when the "
    "bot restarts), so nothing was saved. Run `/addupdate` again."
)

# What a prefilled text ends in when it was longer than the form allows; the title says so too.
CUT_MARKER = " [cut to fit]"
TEXT_CUT_TITLE = "Post an update (text cut to fit: see its end)"

PostUpdate = Callable[..., Awaitable[object]]


def with_text_back(message: str, text: str) -> str:
    """Nothing the moderator typed is lost: hand the text back to copy."""
    if not text:
        return message
    # A form holds at most TEXT_MAX characters; a forged submit could send more.
    text = text[:TEXT_MAX].replace("`", "ˋ")
    return f"{message}\nYour text, to copy:\n```\n{text}\n```"


def submitted_text(data: object) -> str:
    """The `text` field of a raw form submit, wherever its rows or labels put it."""
    found = [data]
    while found:
        item = found.pop()
        if isinstance(item, list):
            found.extend(item)
        elif isinstance(item, dict):
            if item.get("custom_id") == "text" and isinstance(item.get("value"), str):
                return item["value"]
            found.extend((item.get("components"), item.get("component")))
    return ""


class OpenForms:
    """The forms this bot process opened, and when each closes.

    Whether a form is open is judged at the moment Discord created the submit
    (interaction.created_at), so the form and answer_closed_form always agree on it.
    """

    def __init__(self) -> None:
        self._closes: dict[str, datetime] = {}

    def open(self, opener: discord.Interaction) -> str:
        # Forget closed forms here, so the record holds only the forms of the last half hour.
        now = opener.created_at
        self._closes = {form: closes for form, closes in self._closes.items() if closes > now}
        custom_id = FORM_ID_PREFIX + secrets.token_hex(8)
        self._closes[custom_id] = now + timedelta(seconds=FORM_TIMEOUT_S)
        return custom_id

    def is_open(self, custom_id: str, submit: discord.Interaction) -> bool:
        closes = self._closes.get(custom_id)
        return closes is not None and submit.created_at < closes


async def answer_closed_form(interaction: discord.Interaction, forms: OpenForms) -> None:
    """Answer the submit of a form that has closed (the form itself stays silent about it)."""
    if interaction.type is not discord.InteractionType.modal_submit:
        return
    custom_id = (interaction.data or {}).get("custom_id", "")
    if custom_id.startswith(FORM_ID_PREFIX) and not forms.is_open(custom_id, interaction):
        text = submitted_text((interaction.data or {}).get("components"))
        await send_ephemeral(interaction, with_text_back(FORM_CLOSED, text))


class UpdateModal(discord.ui.Modal, title="Post an update"):
    """The paragraph editor /addupdate opens when it is run without `text`."""

    text = discord.ui.TextInput(
        label="What happened",
        style=discord.TextStyle.paragraph,
        max_length=TEXT_MAX,
        custom_id="text",
    )
    headline = discord.ui.TextInput(
        label="Headline (optional)", required=False, max_length=HEADLINE_MAX, custom_id="headline"
    )

    def __init__(
        self, post: PostUpdate, options: dict, opener: discord.Interaction, forms: OpenForms
    ) -> None:
        super().__init__(timeout=FORM_TIMEOUT_S + FORM_GRACE_S, custom_id=forms.open(opener))
        self.post, self.options, self.forms = post, options, forms
        self.opener_id, self.guild_id = opener.user.id, opener.guild_id

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        interaction.client.in_flight.add_current()  # a stop waits for this answer
        if not self.forms.is_open(self.custom_id, interaction):
            return False  # closed: answer_closed_form answers it
        if interaction.user.id != self.opener_id or interaction.guild_id != self.guild_id:
            await send_ephemeral(interaction, NOT_YOUR_FORM)
            return False
        if not await is_moderator(interaction):
            self.stop()
            await send_ephemeral(interaction, with_text_back(NOT_A_MODERATOR, self.text.value))
            return False
        return True

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await self.post(
            interaction, text=self.text.value, headline=self.headline.value, **self.options
        )

    async def on_error(self, interaction: discord.Interaction, error: Exception) -> None:
        if isinstance(error, UserError | PersonRefused):
            error = UserError(with_text_back(str(error), self.text.value))
        await report_error(interaction, error, "The /addupdate form")


@dataclass(frozen=True)
class Prefill:
    """Starting values for the form, of any length: the form fits them to its fields."""

    text: str = ""
    headline: str = ""
    date: str = ""
    sources: tuple[str, ...] = ()  # candidate links, best first: the first that fits is shown
    from_message: MessageRef | None = None  # the entry will link back to this message


class PrefilledUpdateModal(UpdateModal):
    """The /addupdate form with every field shown and filled in, e.g. from a message."""

    date = discord.ui.TextInput(
        label="Date (e.g. 2024-05-17; empty: today)",
        required=False,
        max_length=40,
        custom_id="date",
    )
    source = discord.ui.TextInput(
        label="Source link (optional)",
        required=False,
        max_length=SOURCE_URL_MAX,
        custom_id="source",
    )
    people = discord.ui.TextInput(
        label="People (optional, e.g. leike, altman)",
        required=False,
        max_length=200,
        custom_id="people",
    )

    def __init__(
        self, post: PostUpdate, prefill: Prefill, opener: discord.Interaction, forms: OpenForms
    ) -> None:
        super().__init__(post, {"announce": True}, opener, forms)
        self.from_message = prefill.from_message
        # Discord refuses a form whose starting value is longer than its field allows.
        if len(prefill.text) > TEXT_MAX:
            self.text.default = fit_plain(prefill.text, TEXT_MAX, CUT_MARKER)
            self.title = TEXT_CUT_TITLE
        else:
            self.text.default = prefill.text or None
        self.headline.default = fit_plain(" ".join(prefill.headline.split()), HEADLINE_MAX) or None
        self.date.default = prefill.date[:40] or None
        fitting = [url for url in prefill.sources if len(url) <= SOURCE_URL_MAX]
        self.source.default = fitting[0] if fitting else None

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await self.post(
            interaction,
            text=self.text.value,
            headline=self.headline.value,
            date=self.date.value,
            source=self.source.value,
            people=self.people.value,
            announce=True,
            from_message=self.from_message,
        )
