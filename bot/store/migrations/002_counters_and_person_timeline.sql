-- Constant-cost reads at any size: totals come from counters kept by triggers, and a person's
-- timeline reads in date order from one index on entry_people.

-- entry_people carries its entry's scope, date and visibility (kept in step by triggers).
ALTER TABLE entry_people ADD COLUMN scope INTEGER NOT NULL DEFAULT 0;
ALTER TABLE entry_people ADD COLUMN date TEXT NOT NULL DEFAULT '';
ALTER TABLE entry_people ADD COLUMN visible INTEGER NOT NULL DEFAULT 1;
UPDATE entry_people SET
    scope = (SELECT scope FROM entries WHERE id = entry_id),
    date = (SELECT date FROM entries WHERE id = entry_id),
    visible = (SELECT removed_at IS NULL FROM entries WHERE id = entry_id);
DROP INDEX entry_people_by_person;
CREATE INDEX entry_people_timeline ON entry_people (person_id, scope, date, entry_id) WHERE visible;

CREATE TRIGGER entry_people_copy_entry AFTER INSERT ON entry_people BEGIN
    UPDATE entry_people SET scope = e.scope, date = e.date, visible = e.removed_at IS NULL
    FROM (SELECT scope, date, removed_at FROM entries WHERE id = new.entry_id) AS e
    WHERE entry_id = new.entry_id AND person_id = new.person_id;
END;
CREATE TRIGGER entries_copy_to_people AFTER UPDATE OF scope, date, removed_at ON entries BEGIN
    UPDATE entry_people SET scope = new.scope, date = new.date, visible = new.removed_at IS NULL
    WHERE entry_id = new.id;
END;

-- Visible entries per scope.
CREATE TABLE entry_counts (scope INTEGER PRIMARY KEY, n INTEGER NOT NULL);
INSERT INTO entry_counts (scope, n)
    SELECT scope, count(*) FROM entries WHERE removed_at IS NULL GROUP BY scope;
CREATE TRIGGER entry_counts_insert AFTER INSERT ON entries WHEN new.removed_at IS NULL BEGIN
    INSERT INTO entry_counts (scope, n) VALUES (new.scope, 1)
    ON CONFLICT (scope) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER entry_counts_delete AFTER DELETE ON entries WHEN old.removed_at IS NULL BEGIN
    UPDATE entry_counts SET n = n - 1 WHERE scope = old.scope;
END;
CREATE TRIGGER entry_counts_update AFTER UPDATE OF scope, removed_at ON entries BEGIN
    UPDATE entry_counts SET n = n - 1 WHERE scope = old.scope AND old.removed_at IS NULL;
    INSERT INTO entry_counts (scope, n) SELECT new.scope, 1 WHERE new.removed_at IS NULL
    ON CONFLICT (scope) DO UPDATE SET n = n + 1;
END;

-- Visible entries per scope and person.
CREATE TABLE person_entry_counts (
    scope     INTEGER NOT NULL,
    person_id INTEGER NOT NULL,
    n         INTEGER NOT NULL,
    PRIMARY KEY (scope, person_id)
) WITHOUT ROWID;
INSERT INTO person_entry_counts (scope, person_id, n)
    SELECT scope, person_id, count(*) FROM entry_people WHERE visible GROUP BY scope, person_id;
CREATE TRIGGER person_entry_counts_insert AFTER INSERT ON entry_people BEGIN
    INSERT INTO person_entry_counts (scope, person_id, n)
    SELECT scope, new.person_id, 1 FROM entries WHERE id = new.entry_id AND removed_at IS NULL
    ON CONFLICT (scope, person_id) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER person_entry_counts_delete AFTER DELETE ON entry_people WHEN old.visible BEGIN
    UPDATE person_entry_counts SET n = n - 1 WHERE scope = old.scope AND person_id = old.person_id;
END;
CREATE TRIGGER person_entry_counts_update AFTER UPDATE OF scope, removed_at ON entries BEGIN
    UPDATE person_entry_counts SET n = n - 1
    WHERE scope = old.scope AND old.removed_at IS NULL
      AND person_id IN (SELECT person_id FROM entry_people WHERE entry_id = new.id);
    INSERT INTO person_entry_counts (scope, person_id, n)
    SELECT new.scope, person_id, 1 FROM entry_people
    WHERE entry_id = new.id AND new.removed_at IS NULL
    ON CONFLICT (scope, person_id) DO UPDATE SET n = n + 1;
END;

-- Visible quotes per scope and person.
CREATE TABLE person_quote_counts (
    scope     INTEGER NOT NULL,
    person_id INTEGER NOT NULL,
    n         INTEGER NOT NULL,
    PRIMARY KEY (scope, person_id)
) WITHOUT ROWID;
INSERT INTO person_quote_counts (scope, person_id, n)
    SELECT scope, person_id, count(*) FROM quotes WHERE removed_at IS NULL GROUP BY scope, person_id;
CREATE TRIGGER person_quote_counts_insert AFTER INSERT ON quotes WHEN new.removed_at IS NULL BEGIN
    INSERT INTO person_quote_counts (scope, person_id, n) VALUES (new.scope, new.person_id, 1)
    ON CONFLICT (scope, person_id) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER person_quote_counts_delete AFTER DELETE ON quotes WHEN old.removed_at IS NULL BEGIN
    UPDATE person_quote_counts SET n = n - 1 WHERE scope = old.scope AND person_id = old.person_id;
END;
CREATE TRIGGER person_quote_counts_update AFTER UPDATE OF scope, person_id, removed_at ON quotes BEGIN
    UPDATE person_quote_counts SET n = n - 1
    WHERE scope = old.scope AND person_id = old.person_id AND old.removed_at IS NULL;
    INSERT INTO person_quote_counts (scope, person_id, n) SELECT new.scope, new.person_id, 1
    WHERE new.removed_at IS NULL ON CONFLICT (scope, person_id) DO UPDATE SET n = n + 1;
END;
