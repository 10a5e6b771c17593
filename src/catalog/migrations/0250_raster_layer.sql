-- Raster layers: the description of the stored pyramid (JSON RasterInfo), the original file kept
-- for download, and the pyramid blocks (native SRS, 256×256, deflated native values).
CREATE TABLE raster_layer (
  resource_id INTEGER PRIMARY KEY REFERENCES resource(id) ON DELETE CASCADE,
  info TEXT NOT NULL,
  -- FileStore key of the original GeoTIFF; file_name is a label only, never a path.
  file_key TEXT NOT NULL,
  file_name TEXT,
  file_size INTEGER NOT NULL
);
CREATE TABLE raster_block (
  resource_id INTEGER NOT NULL REFERENCES resource(id) ON DELETE CASCADE,
  level INTEGER NOT NULL,
  col INTEGER NOT NULL,
  row INTEGER NOT NULL,
  data BLOB NOT NULL,
  PRIMARY KEY (resource_id, level, col, row)
) WITHOUT ROWID;
