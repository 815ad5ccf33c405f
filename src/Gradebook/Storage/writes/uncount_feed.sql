-- A feed's counts without the events an erasure removed from its raw record, as a rebuild would count them.
UPDATE feeds
SET received = received - @received, accepted = accepted - @accepted, rejected = rejected - @rejected, ignored = ignored - @ignored
WHERE source = @source;
