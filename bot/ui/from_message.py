"""Add to timeline: what a Discord message offers the update form.

Only the message the interaction hands over is read (Discord includes the target message in a
message command's interaction), so the bot needs no Message Content intent and never fetches.
"""

from __future__ import annotations

import re
import unicodedata

import discord

from bot.models import MessageRef
from bot.ui.update_form import Prefill

# A link as people paste it; what follows it in prose (punctuation, Markdown) is trimmed below.
_LINK = re.compile(r"https?://[^\s<>\"'`]+", re.IGNORECASE)
_TRAILING = ".,;:!?*_~|>'\"]}"


def prefill_from_message(message: discord.Message) -> Prefill:
    """The form's starting values: the message's text (or its embed's, for a bot's card with no
    text), its first link, its date (UTC, as every date here), and where it is."""
    text, headline, links = readable_text(message.clean_content), "", []
    if text:
        links = first_links(text)
    else:
        embed = next((e for e in message.embeds if e.title or e.description), None)
        if embed is not None:
            title = readable_text(embed.title or "")
            description = readable_text(embed.description or "")
            text = description or title
            headline = title if description else ""
            links = first_links(description)
    links += [e.url for e in message.embeds if e.url]
    return Prefill(
        text=text,
        headline=" ".join(headline.split()),
        date=message.created_at.date().isoformat(),
        sources=tuple(links),
        from_message=MessageRef(message.channel.id, message.id),
    )


def readable_text(text: str) -> str:
    """`text` without the control characters the form would refuse (newlines and tabs stay)."""
    kept = (ch for ch in text if ch in "\n\t" or unicodedata.category(ch) not in ("Cc", "Cs"))
    return "".join(kept).strip()


def first_links(text: str) -> list[str]:
    """The web links in `text`, in order, without the punctuation prose puts after them."""
    links = []
    for match in _LINK.finditer(text):
        url = match[0]
        while url and (
            url[-1] in _TRAILING or (url[-1] == ")" and url.count("(") < url.count(")"))
        ):
            url = url[:-1]
        links.append(url)
    return links
