-- The owner of a feed records itself, once it holds the feed's lock.
INSERT INTO feeds (source, owner) VALUES (@source, @owner)
ON CONFLICT (source) DO UPDATE SET owner = excluded.owner;
