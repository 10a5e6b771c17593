-- postgis_connection: where a PostGIS database is (the password AES-GCM encrypted, see
-- catalog/secrets.ts) and postgis_layer: one table of it served in place. The layer keeps the
-- inspected table description (id/geometry columns, type, SRID, fields as JSON) so a layer opens
-- without asking the database about its structure; "fields": "update" inspects again.
CREATE TABLE postgis_connection (
  resource_id INTEGER PRIMARY KEY REFERENCES resource(id) ON DELETE CASCADE,
  hostname TEXT NOT NULL,
  port INTEGER,
  dbname TEXT NOT NULL,
  username TEXT NOT NULL,
  password_enc TEXT NOT NULL
);

CREATE TABLE postgis_layer (
  resource_id INTEGER PRIMARY KEY REFERENCES resource(id) ON DELETE CASCADE,
  connection_id INTEGER NOT NULL REFERENCES resource(id),
  schema_name TEXT NOT NULL,
  table_name TEXT NOT NULL,
  column_id TEXT NOT NULL,
  column_geom TEXT NOT NULL,
  geometry_type TEXT NOT NULL,
  geometry_srid INTEGER NOT NULL,
  -- [{id, keyname, display_name, datatype, column, label_field, grid_visibility, text_search}]
  fields TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX postgis_layer_connection_idx ON postgis_layer(connection_id);
