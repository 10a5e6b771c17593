-- vector_layer: one row per layer (its SRS, geometry type and the table holding its features)
-- and one row per attribute field, in display order. Feature tables themselves are created per
-- layer (vl_<resource id>) with one column per field named fld_<field id>, so renaming a field
-- never touches the feature table.
CREATE TABLE vector_layer (
  resource_id INTEGER PRIMARY KEY REFERENCES resource(id) ON DELETE CASCADE,
  srs INTEGER,
  geometry_type TEXT NOT NULL,
  table_name TEXT NOT NULL UNIQUE,
  -- The highest feature id ever handed out; ids are never reused, as with NGW's sequence.
  fid_seq INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE layer_field (
  id INTEGER PRIMARY KEY,
  resource_id INTEGER NOT NULL REFERENCES resource(id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  keyname TEXT NOT NULL,
  display_name TEXT NOT NULL,
  datatype TEXT NOT NULL,
  column_name TEXT NOT NULL,
  label_field INTEGER NOT NULL DEFAULT 0,
  grid_visibility INTEGER NOT NULL DEFAULT 1,
  text_search INTEGER NOT NULL DEFAULT 1,
  required INTEGER NOT NULL DEFAULT 0,
  lookup_table_id INTEGER
);
CREATE INDEX layer_field_resource_idx ON layer_field(resource_id, position);
