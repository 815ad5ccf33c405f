-- A partition of one of the raw record's tables (migration 0016). {partition}, {table}, {from} and {to} are filled in
-- by Storage/RawRecordStore.cs with names it made and timestamps it wrote. Made as a table, then attached: attaching
-- takes a lock on the partitioned table that its readers and writers do not wait for, where CREATE TABLE ... PARTITION
-- OF takes one that they all queue behind, and so behind any long read before it.
CREATE TABLE {partition} (LIKE {table} INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING STORAGE);
ALTER TABLE {table} ATTACH PARTITION {partition} FOR VALUES FROM ({from}) TO ({to});
