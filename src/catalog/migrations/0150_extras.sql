-- Lookup tables, file buckets and feature extensions (attachments, descriptions).
CREATE TABLE lookup_table (
  resource_id INTEGER PRIMARY KEY REFERENCES resource(id) ON DELETE CASCADE,
  sort TEXT NOT NULL DEFAULT 'KEY_ASC'
);
CREATE TABLE lookup_table_item (
  resource_id INTEGER NOT NULL REFERENCES resource(id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (resource_id, key)
);

CREATE TABLE file_bucket (
  resource_id INTEGER PRIMARY KEY REFERENCES resource(id) ON DELETE CASCADE,
  tstamp TEXT
);
CREATE TABLE file_bucket_file (
  id INTEGER PRIMARY KEY,
  resource_id INTEGER NOT NULL REFERENCES resource(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  size INTEGER NOT NULL,
  mime_type TEXT NOT NULL,
  -- FileStore key of the bytes; names are labels only and never become paths.
  file_key TEXT NOT NULL
);
CREATE UNIQUE INDEX file_bucket_file_name_uq ON file_bucket_file(resource_id, name);

CREATE TABLE feature_attachment (
  id INTEGER PRIMARY KEY,
  resource_id INTEGER NOT NULL REFERENCES resource(id) ON DELETE CASCADE,
  feature_id INTEGER NOT NULL,
  keyname TEXT,
  name TEXT,
  mime_type TEXT NOT NULL,
  description TEXT,
  size INTEGER NOT NULL,
  file_key TEXT NOT NULL,
  file_meta TEXT
);
CREATE INDEX feature_attachment_feature_idx ON feature_attachment(resource_id, feature_id);

CREATE TABLE feature_description (
  resource_id INTEGER NOT NULL REFERENCES resource(id) ON DELETE CASCADE,
  feature_id INTEGER NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (resource_id, feature_id)
);

-- Rows of a deleted resource go with it even where no class module cleans up (a layer class
-- does not know about attachments); SQLite foreign keys are not enforced on every connection.
CREATE TRIGGER extras_resource_delete AFTER DELETE ON resource BEGIN
  DELETE FROM lookup_table WHERE resource_id = OLD.id;
  DELETE FROM lookup_table_item WHERE resource_id = OLD.id;
  DELETE FROM file_bucket WHERE resource_id = OLD.id;
  DELETE FROM file_bucket_file WHERE resource_id = OLD.id;
  DELETE FROM feature_attachment WHERE resource_id = OLD.id;
  DELETE FROM feature_description WHERE resource_id = OLD.id;
END;
