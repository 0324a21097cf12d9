-- Search that reads only the asking guild's rows and the shipped story (issue 12).
--
-- entries_fts and quotes_fts indexed every guild's words together, so a query read every
-- guild's matches before the scope filter. search_fts indexes each visible entry's and quote's
-- searchable words (bot.search_terms: no stop words, no one-letter words) as terms prefixed
-- by kind and scope: "e0xleike" is "leike" in a shipped entry, "q{guild id}xleike" in a
-- guild's quote. A query names its own scope's terms, so FTS5 reads only their doclists.
--
-- The terms come from search_words(kind, scope, text), a function the store registers on
-- every connection that writes (bot.store.searching): writing entries or quotes without it
-- fails loudly instead of leaving the index behind. Contentless: deletes give the words
-- again, which the same function returns while the rules are unchanged. The index is filled
-- right after the migrations, in the same open, and refilled whenever the rules change
-- (bot.store.searching.refresh_index keeps the rules it was filled with in meta).
--
-- rowid: id * 2 for an entry, id * 2 + 1 for a quote; the most recent rows have the highest.

DROP TRIGGER entries_fts_insert;
DROP TRIGGER entries_fts_delete;
DROP TRIGGER entries_fts_update;
DROP TRIGGER quotes_fts_insert;
DROP TRIGGER quotes_fts_delete;
DROP TRIGGER quotes_fts_update;
DROP TABLE entries_fts;
DROP TABLE quotes_fts;

CREATE VIRTUAL TABLE search_fts USING fts5 (
    words, content = '', tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TRIGGER search_entries_insert AFTER INSERT ON entries WHEN new.removed_at IS NULL BEGIN
    INSERT INTO search_fts (rowid, words)
    VALUES (new.id * 2, search_words('e', new.scope, new.headline || ' ' || new.body));
END;
CREATE TRIGGER search_entries_delete AFTER DELETE ON entries WHEN old.removed_at IS NULL BEGIN
    INSERT INTO search_fts (search_fts, rowid, words)
    VALUES ('delete', old.id * 2, search_words('e', old.scope, old.headline || ' ' || old.body));
END;
CREATE TRIGGER search_entries_update AFTER UPDATE OF scope, headline, body, removed_at ON entries
BEGIN
    INSERT INTO search_fts (search_fts, rowid, words)
    SELECT 'delete', old.id * 2, search_words('e', old.scope, old.headline || ' ' || old.body)
    WHERE old.removed_at IS NULL;
    INSERT INTO search_fts (rowid, words)
    SELECT new.id * 2, search_words('e', new.scope, new.headline || ' ' || new.body)
    WHERE new.removed_at IS NULL;
END;

CREATE TRIGGER search_quotes_insert AFTER INSERT ON quotes WHEN new.removed_at IS NULL BEGIN
    INSERT INTO search_fts (rowid, words)
    VALUES (new.id * 2 + 1, search_words('q', new.scope, new.text));
END;
CREATE TRIGGER search_quotes_delete AFTER DELETE ON quotes WHEN old.removed_at IS NULL BEGIN
    INSERT INTO search_fts (search_fts, rowid, words)
    VALUES ('delete', old.id * 2 + 1, search_words('q', old.scope, old.text));
END;
CREATE TRIGGER search_quotes_update AFTER UPDATE OF scope, text, removed_at ON quotes BEGIN
    INSERT INTO search_fts (search_fts, rowid, words)
    SELECT 'delete', old.id * 2 + 1, search_words('q', old.scope, old.text)
    WHERE old.removed_at IS NULL;
    INSERT INTO search_fts (rowid, words)
    SELECT new.id * 2 + 1, search_words('q', new.scope, new.text)
    WHERE new.removed_at IS NULL;
END;
