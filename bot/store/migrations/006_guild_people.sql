-- People a server adds to its own story (/addperson). A person's scope is 0 for the shipped
-- story, else the id of the guild that added them; slugs are unique within a scope, so two
-- servers can each add their own "helen-toner". SQLite cannot change a UNIQUE constraint in
-- place, so the table is rebuilt (bot.store.db.migrate runs this with foreign keys off and
-- checks them before committing). AUTOINCREMENT: a removed person's id is never handed out
-- again, so an old button or audit row never names someone else.
CREATE TABLE people_new (
    id      INTEGER PRIMARY KEY AUTOINCREMENT,
    scope   INTEGER NOT NULL DEFAULT 0,
    slug    TEXT NOT NULL,
    name    TEXT NOT NULL,
    role    TEXT NOT NULL DEFAULT '',
    aliases TEXT NOT NULL DEFAULT '[]',  -- JSON array of names
    kind    TEXT NOT NULL DEFAULT 'person' CHECK (kind IN ('person', 'outlet')),
    UNIQUE (scope, slug)
);
INSERT INTO people_new (id, scope, slug, name, role, aliases, kind)
    SELECT id, 0, slug, name, role, aliases, kind FROM people;
DROP TABLE people;
ALTER TABLE people_new RENAME TO people;
