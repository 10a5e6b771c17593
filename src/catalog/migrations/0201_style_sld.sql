-- NGW's "sld" style format: the JSON of a simple style made in the web UI, kept as sent.
ALTER TABLE style ADD COLUMN sld TEXT;
