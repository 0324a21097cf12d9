-- The story: people, sources, timeline entries, quotes; per-guild settings; the audit trail.
-- scope 0 is the story that ships with the bot; any other scope is the id of the guild that added it.

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE people (
    id      INTEGER PRIMARY KEY,
    slug    TEXT NOT NULL UNIQUE,
    name    TEXT NOT NULL,
    role    TEXT NOT NULL DEFAULT '',
    aliases TEXT NOT NULL DEFAULT '[]'  -- JSON array of lowercase names
);

CREATE TABLE sources (
    id       INTEGER PRIMARY KEY,
    seed_key TEXT UNIQUE,
    name     TEXT NOT NULL,
    url      TEXT
);
CREATE INDEX sources_by_url ON sources (url);

-- AUTOINCREMENT: an id is never handed out twice, even after the operator deletes a row.
CREATE TABLE entries (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    seed_key   TEXT UNIQUE,
    scope      INTEGER NOT NULL,
    date       TEXT NOT NULL,
    precision  TEXT NOT NULL CHECK (precision IN ('day', 'month')),
    headline   TEXT NOT NULL,
    body       TEXT NOT NULL,
    author_id  INTEGER,
    created_at TEXT NOT NULL,
    edited_at  TEXT,
    removed_at TEXT
);
CREATE INDEX entries_timeline ON entries (scope, date, id) WHERE removed_at IS NULL;

CREATE TABLE entry_people (
    entry_id  INTEGER NOT NULL REFERENCES entries (id) ON DELETE CASCADE,
    person_id INTEGER NOT NULL REFERENCES people (id),
    position  INTEGER NOT NULL,
    PRIMARY KEY (entry_id, person_id)
) WITHOUT ROWID;
CREATE INDEX entry_people_by_person ON entry_people (person_id, entry_id);

CREATE TABLE entry_sources (
    entry_id  INTEGER NOT NULL REFERENCES entries (id) ON DELETE CASCADE,
    source_id INTEGER NOT NULL REFERENCES sources (id),
    position  INTEGER NOT NULL,
    PRIMARY KEY (entry_id, source_id)
) WITHOUT ROWID;

CREATE TABLE quotes (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    seed_key   TEXT UNIQUE,
    scope      INTEGER NOT NULL,
    person_id  INTEGER NOT NULL REFERENCES people (id),
    text       TEXT NOT NULL,
    date       TEXT NOT NULL,
    context    TEXT NOT NULL DEFAULT '',
    source_id  INTEGER REFERENCES sources (id),
    author_id  INTEGER,
    created_at TEXT NOT NULL,
    removed_at TEXT
);
CREATE INDEX quotes_by_person ON quotes (person_id, scope, date, id) WHERE removed_at IS NULL;
CREATE INDEX quotes_by_scope ON quotes (scope, id) WHERE removed_at IS NULL;

-- Full-text search over entry and quote text, kept in sync by triggers.
CREATE VIRTUAL TABLE entries_fts USING fts5 (
    headline, body, content = 'entries', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER entries_fts_insert AFTER INSERT ON entries BEGIN
    INSERT INTO entries_fts (rowid, headline, body) VALUES (new.id, new.headline, new.body);
END;
CREATE TRIGGER entries_fts_delete AFTER DELETE ON entries BEGIN
    INSERT INTO entries_fts (entries_fts, rowid, headline, body)
    VALUES ('delete', old.id, old.headline, old.body);
END;
CREATE TRIGGER entries_fts_update AFTER UPDATE OF headline, body ON entries BEGIN
    INSERT INTO entries_fts (entries_fts, rowid, headline, body)
    VALUES ('delete', old.id, old.headline, old.body);
    INSERT INTO entries_fts (rowid, headline, body) VALUES (new.id, new.headline, new.body);
END;

CREATE VIRTUAL TABLE quotes_fts USING fts5 (
    text, content = 'quotes', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER quotes_fts_insert AFTER INSERT ON quotes BEGIN
    INSERT INTO quotes_fts (rowid, text) VALUES (new.id, new.text);
END;
CREATE TRIGGER quotes_fts_delete AFTER DELETE ON quotes BEGIN
    INSERT INTO quotes_fts (quotes_fts, rowid, text) VALUES ('delete', old.id, old.text);
END;
CREATE TRIGGER quotes_fts_update AFTER UPDATE OF text ON quotes BEGIN
    INSERT INTO quotes_fts (quotes_fts, rowid, text) VALUES ('delete', old.id, old.text);
    INSERT INTO quotes_fts (rowid, text) VALUES (new.id, new.text);
END;

CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    scope       INTEGER NOT NULL,
    actor_id    INTEGER,
    action      TEXT NOT NULL,
    target_kind TEXT NOT NULL,
    target_id   INTEGER NOT NULL,
    before      TEXT,  -- JSON
    after       TEXT,  -- JSON
    at          TEXT NOT NULL
);
CREATE INDEX audit_by_scope ON audit_log (scope, id);
CREATE INDEX audit_by_target ON audit_log (scope, target_kind, target_id, id);

CREATE TABLE guild_settings (
    guild_id           INTEGER PRIMARY KEY,
    updates_channel_id INTEGER,
    updates_role_id    INTEGER,
    moderator_role_id  INTEGER
);
