SELECT name, xml FROM data_protection_keys ORDER BY name
