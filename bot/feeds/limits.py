"""Every number that bounds what feeds cost the bot, in one place."""

from __future__ import annotations

from datetime import timedelta

MAX_FEEDS_PER_GUILD = 10
MAX_URL_LENGTH = 2000
MAX_KEYWORDS = 10
MAX_KEYWORD_LENGTH = 60

# The bot looks for due feeds every ROUND_SECONDS (each feed is due at most every MIN_INTERVAL).
ROUND_SECONDS = 60
# Polling: never more often than MIN_INTERVAL; after failures the wait doubles up to MAX_BACKOFF.
MIN_INTERVAL = timedelta(minutes=10)
MAX_BACKOFF = timedelta(hours=6)
JITTER = 0.2  # up to this fraction of the interval is added, so feeds do not poll in step

# One fetch: everything (redirects and body included) within TIMEOUT_SECONDS, at most MAX_BYTES.
TIMEOUT_SECONDS = 20.0
MAX_BYTES = 2 * 1024 * 1024
MAX_REDIRECTS = 5

# Items: cards sent per feed per check (the rest are marked seen, so a new feed cannot flood
# the review channel), and the length of what a card shows.
MAX_NEW_ITEMS_PER_POLL = 10
MAX_TITLE = 200
MAX_SUMMARY = 300
MAX_ITEM_ID = 500  # longer ids are replaced by their hash so the store keeps a bounded key
# How long the store remembers an item key it was told is seen. Items sent for review are
# remembered for good (the review queue), so only passed-over ones could ever come back.
SEEN_KEPT = timedelta(days=180)
# Feeds checked in one round at most (the most overdue first); the rest wait for the next.
MAX_FEEDS_PER_ROUND = 40
