-- Each feed with a record and the instance it names as owner.
SELECT source, owner FROM feeds ORDER BY source;
