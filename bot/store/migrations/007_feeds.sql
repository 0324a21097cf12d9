-- Feeds (/feeds): the RSS and Atom feeds a server follows, what the poller learned about each,
-- the items it has seen, and the review queue: items posted as cards for moderators to add to
-- the timeline or dismiss. Times are ISO 8601 in UTC, always with microseconds, so they sort
-- as text.

CREATE TABLE feeds (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    guild_id          INTEGER NOT NULL,
    url               TEXT NOT NULL,
    keywords          TEXT NOT NULL DEFAULT '[]',  -- JSON array; none: every item goes to review
    review_channel_id INTEGER NOT NULL,
    paused            INTEGER NOT NULL DEFAULT 0,
    added_by          INTEGER,
    added_at          TEXT NOT NULL,
    -- The poll state (bot.feeds.schedule.PollState).
    last_checked      TEXT,
    next_check        TEXT,  -- NULL: due now
    failures          INTEGER NOT NULL DEFAULT 0,
    failing_since     TEXT,
    last_error        TEXT,
    new_items         INTEGER NOT NULL DEFAULT 0,
    sent_items        INTEGER NOT NULL DEFAULT 0,
    etag              TEXT,
    last_modified     TEXT,
    UNIQUE (guild_id, url)
);
-- What the poller asks every minute: the feeds that are due.
CREATE INDEX feeds_due ON feeds (next_check) WHERE paused = 0;

-- Item keys (ids and links) a feed has already handed on or passed over, across restarts.
CREATE TABLE feed_seen (
    feed_id INTEGER NOT NULL REFERENCES feeds (id) ON DELETE CASCADE,
    key     TEXT NOT NULL,
    seen_at TEXT NOT NULL,
    PRIMARY KEY (feed_id, key)
) WITHOUT ROWID;
CREATE INDEX feed_seen_by_age ON feed_seen (feed_id, seen_at);

-- Items posted for review. Kept when their feed is removed, so their cards keep working and
-- an item added or dismissed never comes back, from this feed or another of the guild's.
CREATE TABLE review_items (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    guild_id   INTEGER NOT NULL,
    feed_id    INTEGER REFERENCES feeds (id) ON DELETE SET NULL,
    item_key   TEXT NOT NULL,  -- the item's id in its feed
    link       TEXT,
    outlet     TEXT NOT NULL,
    title      TEXT NOT NULL,
    published  TEXT,
    summary    TEXT NOT NULL,
    channel_id INTEGER,  -- the card, once posted
    message_id INTEGER,
    status     TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'added', 'dismissed')),
    decided_by INTEGER,
    decided_at TEXT,
    entry_id   INTEGER REFERENCES entries (id),  -- the update it became
    created_at TEXT NOT NULL
);
CREATE INDEX review_items_by_key ON review_items (guild_id, item_key);
CREATE INDEX review_items_by_link ON review_items (guild_id, link) WHERE link IS NOT NULL;
