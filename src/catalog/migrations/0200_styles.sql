-- Style resources (qgis_vector_style, qgis_raster_style, raster_style, vector_style,
-- mapserver_style): one row per style. The uploaded QML/SLD stays byte-exact in the FileStore
-- under file_key; the model is parsed from it on demand (and cached per resource version).
CREATE TABLE style (
  resource_id INTEGER PRIMARY KEY REFERENCES resource(id) ON DELETE CASCADE,
  -- 'default' | 'qml_file' | 'sld_file' (NGW's QgisStyleFormat); 'xml' for mapserver_style.
  format TEXT NOT NULL DEFAULT 'default',
  file_key TEXT,
  file_size INTEGER,
  -- mapserver_style's XML, kept verbatim (it is only read back, never rendered from).
  xml TEXT,
  -- JSON list of import warnings (parts of the style the model lacks).
  warnings TEXT NOT NULL DEFAULT '[]'
);

CREATE TRIGGER style_resource_delete AFTER DELETE ON resource BEGIN
  DELETE FROM style WHERE resource_id = OLD.id;
END;
