-- An instance that stops says so: it is no longer counted, and the feeds it still names as owner have none.
UPDATE feeds SET owner = NULL WHERE owner = @id;
DELETE FROM instances WHERE id = @id;
