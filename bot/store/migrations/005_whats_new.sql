-- "What's new": how far each member has caught up in each guild, and which entries had their
-- text changed since. Every mark is a number that only grows, so "since you last looked" needs
-- no clock: ids for additions (AUTOINCREMENT: never handed out twice), a counter for edits.

-- Additions newest first, per scope (quotes have quotes_by_scope already).
CREATE INDEX entries_by_scope ON entries (scope, id) WHERE removed_at IS NULL;

-- Edits that changed a headline or body, numbered in the order they commit (writes are one at
-- a time). edited_at changes with any edit; these change only when the text does.
CREATE TABLE text_edits (n INTEGER NOT NULL);  -- one row: the latest number handed out
INSERT INTO text_edits (n) VALUES (0);
ALTER TABLE entries ADD COLUMN text_edit INTEGER;  -- NULL: the text was never changed
ALTER TABLE entries ADD COLUMN text_edited_at TEXT;
CREATE INDEX entries_text_edits ON entries (scope, text_edit)
    WHERE text_edit IS NOT NULL AND removed_at IS NULL;
CREATE TRIGGER entries_text_edit AFTER UPDATE OF headline, body ON entries
WHEN new.headline IS NOT old.headline OR new.body IS NOT old.body BEGIN
    UPDATE text_edits SET n = n + 1;
    UPDATE entries SET text_edit = (SELECT n FROM text_edits),
        text_edited_at = strftime('%Y-%m-%dT%H:%M:%f+00:00', 'now')
    WHERE id = new.id;
END;

-- One small row per member per guild, written by /whatsnew: the newest entry id, quote id and
-- text edit there were when they last looked, and when that was (operators prune by it).
CREATE TABLE seen_marks (
    guild_id  INTEGER NOT NULL,
    user_id   INTEGER NOT NULL,
    entry_id  INTEGER NOT NULL,
    quote_id  INTEGER NOT NULL,
    text_edit INTEGER NOT NULL,
    seen_at   TEXT NOT NULL,
    PRIMARY KEY (guild_id, user_id)
) WITHOUT ROWID;
