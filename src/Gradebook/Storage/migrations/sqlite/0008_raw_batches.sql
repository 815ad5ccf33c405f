-- The raw record, one row per batch (see migrations/postgres/0008_raw_batches.sql for PostgreSQL).
-- A feed batch is written as rows of up to 128 events (Storage/RawBatch.cs writes and reads them): a row's events as
-- one JSON array of [event_id, event_type, data, received_at] arrays in arrival order, and what became of each event
-- as one letter per event, the first of its outcome's name. One row per event cost a third of a catch-up batch's time
-- in index and page writes; a row per 128 events costs a sequential write of their bytes.

CREATE TABLE raw_batches (
    id          INTEGER PRIMARY KEY,
    source      TEXT NOT NULL,
    event_count INTEGER NOT NULL CHECK (event_count > 0),
    events      TEXT NOT NULL,
    outcomes    TEXT NOT NULL CHECK (length(outcomes) = event_count)
);

-- The rejections list: each rejected event again, with its reason, so that listing rejections never reads the
-- batches. Derived like the results: a rebuild writes a batch's rows again when its outcomes change.
CREATE TABLE rejected_events (
    id          INTEGER PRIMARY KEY,
    batch_id    INTEGER NOT NULL REFERENCES raw_batches (id),
    position    INTEGER NOT NULL,
    source      TEXT NOT NULL,
    event_id    TEXT,
    event_type  TEXT NOT NULL,
    data        TEXT NOT NULL,
    received_at TEXT NOT NULL,
    reason      TEXT NOT NULL,
    UNIQUE (batch_id, position)
);

-- The events recorded one row each until now become rows of up to 128 events of one feed, in id order; each
-- rejection keeps its id, so a client's place in the rejections list stays where it was.
INSERT INTO raw_batches (id, source, event_count, events, outcomes)
SELECT MIN(id), source, COUNT(*),
       json_group_array(json_array(event_id, event_type, data, received_at) ORDER BY id),
       group_concat(substr(outcome, 1, 1), '' ORDER BY id)
FROM raw_events
GROUP BY source, id / 128;

INSERT INTO rejected_events (id, batch_id, position, source, event_id, event_type, data, received_at, reason)
SELECT id, batch_id, position, source, event_id, event_type, data, received_at, reason
FROM (SELECT raw_events.*,
             MIN(id) OVER batch AS batch_id,
             ROW_NUMBER() OVER (batch ORDER BY id) - 1 AS position
      FROM raw_events
      WINDOW batch AS (PARTITION BY source, id / 128))
WHERE outcome = 'rejected';

DROP TABLE raw_events;

-- The raw record one row per event, for people and ad hoc queries; Gradebook itself reads the batches.
CREATE VIEW raw_events AS
SELECT b.id AS batch_id,
       e.key AS position,
       b.source,
       e.value ->> 0 AS event_id,
       e.value ->> 1 AS event_type,
       e.value ->> 2 AS data,
       e.value ->> 3 AS received_at,
       CASE substr(b.outcomes, e.key + 1, 1) WHEN 'a' THEN 'accepted' WHEN 'r' THEN 'rejected' ELSE 'ignored' END AS outcome,
       r.reason
FROM raw_batches AS b
JOIN json_each(b.events) AS e
LEFT JOIN rejected_events AS r ON r.batch_id = b.id AND r.position = e.key;
