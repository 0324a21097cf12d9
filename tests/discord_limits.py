"""Discord's documented embed limits, checked on what the bot actually sent.

The numbers are written out here, not taken from bot.ui.limits, so a wrong number there
cannot hide a wrong embed (https://discord.com/developers/docs/resources/message#embed-object-embed-limits).
"""

from __future__ import annotations

TITLE = 256
DESCRIPTION = 4096
FIELDS = 25
FIELD_NAME = 256
FIELD_VALUE = 1024
FOOTER_TEXT = 2048
AUTHOR_NAME = 256
TOTAL = 6000  # title, description, field names and values, footer text, author name
EMBEDS_PER_MESSAGE = 10


def embed_problems(embed: dict) -> list[str]:
    """Every way `embed` (as sent, a dict) breaks Discord's limits; [] when it is valid."""
    problems = []

    def check(what: str, text: object, limit: int, *, required: bool = False) -> int:
        if text is None and not required:
            return 0
        if not isinstance(text, str) or (required and not text.strip()):
            problems.append(f"{what} is empty")
            return 0
        if len(text) > limit:
            problems.append(f"{what} has {len(text)} characters; the limit is {limit}")
        return len(text)

    total = check("title", embed.get("title"), TITLE)
    total += check("description", embed.get("description"), DESCRIPTION)
    fields = embed.get("fields") or []
    if len(fields) > FIELDS:
        problems.append(f"{len(fields)} fields; the limit is {FIELDS}")
    for n, field in enumerate(fields):
        total += check(f"field {n} name", field.get("name"), FIELD_NAME, required=True)
        total += check(f"field {n} value", field.get("value"), FIELD_VALUE, required=True)
    if "footer" in embed:
        total += check("footer text", embed["footer"].get("text"), FOOTER_TEXT, required=True)
    if "author" in embed:
        total += check("author name", embed["author"].get("name"), AUTHOR_NAME, required=True)
    if total > TOTAL:
        problems.append(f"{total} characters in all; the limit is {TOTAL}")
    return problems


def sent_embeds(env) -> list[list[dict]]:
    """The embeds of every message the bot sent or edited, one list per request."""
    sent = []
    for request in env.http_requests:
        body = request.json if isinstance(request.json, dict) else {}
        data = body.get("data") if isinstance(body.get("data"), dict) else body
        if data.get("embeds"):
            sent.append(data["embeds"])
    return sent


def message_problems(embeds: list[dict]) -> list[str]:
    """Each embed's problems, and those of the message as a whole."""
    problems = [f"embed {n}: {p}" for n, embed in enumerate(embeds) for p in embed_problems(embed)]
    if len(embeds) > EMBEDS_PER_MESSAGE:
        problems.append(f"{len(embeds)} embeds; the limit is {EMBEDS_PER_MESSAGE}")
    total = sum(
        len(e.get("title") or "")
        + len(e.get("description") or "")
        + sum(len(f.get("name") or "") + len(f.get("value") or "") for f in e.get("fields") or [])
        + len((e.get("footer") or {}).get("text") or "")
        + len((e.get("author") or {}).get("name") or "")
        for e in embeds
    )
    if total > TOTAL:
        problems.append(f"{total} characters across the message's embeds; the limit is {TOTAL}")
    return problems


def assert_all_sent_embeds_valid(env) -> int:
    """Assert every embed the bot sent so far is within Discord's limits; returns how many messages."""
    sent = sent_embeds(env)
    problems = {n: message_problems(embeds) for n, embeds in enumerate(sent)}
    assert {n: p for n, p in problems.items() if p} == {}
    return len(sent)


# Forms (https://discord.com/developers/docs/components/reference#text-input).
MODAL_TITLE = 45
MODAL_ROWS = 5
CUSTOM_ID = 100
TEXT_INPUT_LABEL = 45
TEXT_INPUT_VALUE = 4000


def modal_problems(modal: dict) -> list[str]:
    """Every way a form (as sent, a dict) breaks Discord's limits; [] when it is valid."""
    problems = []
    if not 1 <= len(modal.get("title") or "") <= MODAL_TITLE:
        problems.append(f"title must be 1-{MODAL_TITLE} characters")
    if not 1 <= len(modal.get("custom_id") or "") <= CUSTOM_ID:
        problems.append(f"custom_id must be 1-{CUSTOM_ID} characters")
    rows = modal.get("components") or []
    if not 1 <= len(rows) <= MODAL_ROWS:
        problems.append(f"{len(rows)} rows; 1-{MODAL_ROWS} allowed")
    for row in rows:
        for field in row.get("components") or []:
            name = field.get("custom_id") or "?"
            if not 1 <= len(field.get("label") or "") <= TEXT_INPUT_LABEL:
                problems.append(f"{name}: label must be 1-{TEXT_INPUT_LABEL} characters")
            if not 1 <= len(name) <= CUSTOM_ID:
                problems.append(f"{name}: custom_id must be 1-{CUSTOM_ID} characters")
            most = min(field.get("max_length", TEXT_INPUT_VALUE), TEXT_INPUT_VALUE)
            if len(field.get("value") or "") > most:
                problems.append(f"{name}: starting value over {most} characters")
    return problems
