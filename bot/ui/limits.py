"""Discord's message limits, in one place (https://discord.com/developers/docs/resources/message)."""

EMBED_TOTAL = 6000
EMBED_TITLE = 256
EMBED_DESCRIPTION = 4096
EMBED_FIELDS = 25
EMBED_FIELD_NAME = 256
EMBED_FIELD_VALUE = 1024
EMBED_FOOTER = 2048
EMBED_AUTHOR = 256
EMBEDS_PER_MESSAGE = 10
MESSAGE_CONTENT = 2000
CUSTOM_ID = 100
BUTTON_LABEL = 80
AUTOCOMPLETE_CHOICES = 25
CHOICE_NAME = 100
MODAL_TEXT_INPUT = 4000
# The largest integer option value Discord accepts (2**53 − 1, exact in JavaScript); one more
# and Discord refuses the whole command sync.
INTEGER_OPTION_MAX = 2**53 - 1
