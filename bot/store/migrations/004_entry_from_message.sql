-- The Discord message an entry was added from ("Add to timeline"), so it can link back to it.
-- Its guild is the entry's scope; NULL for entries typed with /addupdate and the shipped story.
ALTER TABLE entries ADD COLUMN from_channel_id INTEGER;
ALTER TABLE entries ADD COLUMN from_message_id INTEGER;
