-- The key ring that protects sign-in cookies, shared by every instance of a fleet so that a session started on one is
-- honoured by the others. One row per key, as the XML element ASP.NET Core's data protection writes.
CREATE TABLE data_protection_keys (
    name TEXT PRIMARY KEY,
    xml TEXT NOT NULL
);
