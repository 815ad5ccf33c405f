-- Moves a feed's resume point and counts forward, in the same transaction as the batch it describes.
INSERT INTO feeds (source, last_event_id, accepted, rejected, ignored)
VALUES (@source, @last_event_id, @accepted, @rejected, @ignored)
ON CONFLICT (source) DO UPDATE
SET last_event_id = COALESCE(excluded.last_event_id, feeds.last_event_id),
    accepted = feeds.accepted + excluded.accepted,
    rejected = feeds.rejected + excluded.rejected,
    ignored = feeds.ignored + excluded.ignored;
