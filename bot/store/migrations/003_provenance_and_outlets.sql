-- Where each entry and quote comes from, kept apart from the text readers see, and outlets
-- (publications quoted as reporting) told apart from people.

-- A short note such as "from the article" or "public record: OpenAI blog"; '' for none.
ALTER TABLE entries ADD COLUMN provenance TEXT NOT NULL DEFAULT '';
ALTER TABLE quotes ADD COLUMN provenance TEXT NOT NULL DEFAULT '';

-- 'person', or 'outlet' for a publication: listed apart in /people, quoted as reporting.
ALTER TABLE people ADD COLUMN kind TEXT NOT NULL DEFAULT 'person'
    CHECK (kind IN ('person', 'outlet'));
