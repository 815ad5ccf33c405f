INSERT INTO data_protection_keys (name, xml) VALUES (@name, @xml)
ON CONFLICT (name) DO UPDATE SET xml = excluded.xml
