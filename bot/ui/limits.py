"""Discord's message limits, in one place (https://discord.com/developers/docs/resources/message)."""

EMBED_TOTAL = 6000
EMBED_TITLE = 256
EMBED_DESCRIPTION = 4096
EMBED_FIELDS = 25
EMBED_FIELD_VALUE = 1024
EMBED_AUTHOR = 256
EMBEDS_PER_MESSAGE = 10
CUSTOM_ID = 100
AUTOCOMPLETE_CHOICES = 25
CHOICE_NAME = 100
MODAL_TEXT_INPUT = 4000
# Typed text may be longer than TEXT_MAX so that the reply can say by how much, as the form does.
TEXT_OPTION_MAX = MODAL_TEXT_INPUT
# The largest integer option value Discord accepts (2**53 − 1, exact in JavaScript); one more
# and Discord refuses the whole command sync.
INTEGER_OPTION_MAX = 2**53 - 1
