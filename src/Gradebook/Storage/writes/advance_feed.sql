-- Moves a feed's resume point and counts forward, in the same transaction as the batch it describes. @received is
-- the batch's size, counted apart from the outcomes, so that received = accepted + rejected + ignored is a check.
INSERT INTO feeds (source, last_event_id, received, accepted, rejected, ignored)
VALUES (@source, @last_event_id, @received, @accepted, @rejected, @ignored)
ON CONFLICT (source) DO UPDATE
SET last_event_id = COALESCE(excluded.last_event_id, feeds.last_event_id),
    received = feeds.received + excluded.received,
    accepted = feeds.accepted + excluded.accepted,
    rejected = feeds.rejected + excluded.rejected,
    ignored = feeds.ignored + excluded.ignored;
