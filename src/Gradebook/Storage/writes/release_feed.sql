-- The owner of a feed lets it go (its lock is released right after).
UPDATE feeds SET owner = NULL WHERE source = @source AND owner = @owner;
