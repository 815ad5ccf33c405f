-- The version of the data committed so far; read before the data a request answers with, never after.
SELECT version FROM data_version WHERE id = 1;
