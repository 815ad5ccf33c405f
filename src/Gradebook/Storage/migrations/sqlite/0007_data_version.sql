-- One number that every write transaction moves forward, in the same transaction as its writes: a read that saw
-- version N saw exactly the data committed up to N, so N (with the URL) is the read's entity tag and cache key.
CREATE TABLE data_version (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version INTEGER NOT NULL
);

INSERT INTO data_version (id, version) VALUES (1, 0);
