-- Web maps (NGW webmap, reference/ngw.md §3.7), their layer tree, basemap layers and the
-- basemaps a web map offers. Column names follow NextGIS Web's tables so the JSON maps 1:1.
CREATE TABLE webmap (
  resource_id INTEGER PRIMARY KEY REFERENCES resource(id) ON DELETE CASCADE,
  -- Initial extent, EPSG:4326 degrees; NULL parts mean "no initial extent".
  extent_left REAL, extent_right REAL, extent_bottom REAL, extent_top REAL,
  -- Constraining extent (the map cannot be panned outside it); NULL when unset.
  extent_const_left REAL, extent_const_right REAL, extent_const_bottom REAL, extent_const_top REAL,
  title TEXT,
  draw_order_enabled INTEGER,
  editable INTEGER NOT NULL DEFAULT 1,
  annotation_enabled INTEGER NOT NULL DEFAULT 0,
  annotation_default TEXT NOT NULL DEFAULT 'no',
  legend_symbols TEXT,
  measure_srs_id INTEGER,
  bookmark_resource_id INTEGER,
  -- JSON object of option name -> bool (webmap.hmux, …).
  options TEXT NOT NULL DEFAULT '{}',
  -- basemap_webmap's background_color (rrggbb) and disable flag (NGW's basemap_webmap_config).
  basemap_background_color TEXT,
  basemap_disable INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX webmap_bookmark ON webmap(bookmark_resource_id);

-- The layer tree: the root is implicit (parent_id NULL means a child of the root).
CREATE TABLE webmap_item (
  id INTEGER PRIMARY KEY,
  webmap_id INTEGER NOT NULL,
  parent_id INTEGER,
  position INTEGER NOT NULL,
  item_type TEXT NOT NULL CHECK (item_type IN ('group', 'layer')),
  display_name TEXT NOT NULL,
  group_expanded INTEGER,
  group_enabled INTEGER,
  group_exclusive INTEGER,
  layer_style_id INTEGER,
  layer_enabled INTEGER,
  layer_identifiable INTEGER,
  -- 0..100 as NGW stores it; layer_opacity = (100 - transparency) / 100.
  layer_transparency REAL,
  layer_min_scale_denom REAL,
  layer_max_scale_denom REAL,
  layer_adapter TEXT,
  draw_order_position INTEGER,
  legend_symbols TEXT
);
CREATE INDEX webmap_item_tree ON webmap_item(webmap_id, parent_id, position);
CREATE INDEX webmap_item_style ON webmap_item(layer_style_id);

CREATE TABLE basemap_layer (
  resource_id INTEGER PRIMARY KEY REFERENCES resource(id) ON DELETE CASCADE,
  url TEXT NOT NULL,
  qms TEXT,
  copyright_text TEXT,
  copyright_url TEXT,
  z_min INTEGER,
  z_max INTEGER
);

CREATE TABLE basemap_webmap (
  webmap_id INTEGER NOT NULL,
  resource_id INTEGER NOT NULL,
  position INTEGER NOT NULL,
  display_name TEXT NOT NULL,
  enabled INTEGER,
  opacity REAL,
  PRIMARY KEY (webmap_id, resource_id)
);
CREATE INDEX basemap_webmap_resource ON basemap_webmap(resource_id);

-- What NGW's ORM cascades do when a referenced resource goes (webmap/model.py: a style's
-- "webmap_items" backref cascades delete; basemap/model.py: a basemap's webmap rows cascade;
-- a bookmark layer's reference is nulled): the web maps lose those items and change version.
CREATE TRIGGER webmap_resource_delete AFTER DELETE ON resource BEGIN
  UPDATE resource SET version = version + 1 WHERE id IN (
    SELECT webmap_id FROM webmap_item WHERE layer_style_id = OLD.id
    UNION SELECT webmap_id FROM basemap_webmap WHERE resource_id = OLD.id
    UNION SELECT resource_id FROM webmap WHERE bookmark_resource_id = OLD.id);
  DELETE FROM webmap_item WHERE layer_style_id = OLD.id OR webmap_id = OLD.id;
  DELETE FROM basemap_webmap WHERE resource_id = OLD.id OR webmap_id = OLD.id;
  UPDATE webmap SET bookmark_resource_id = NULL WHERE bookmark_resource_id = OLD.id;
  DELETE FROM webmap WHERE resource_id = OLD.id;
  DELETE FROM basemap_layer WHERE resource_id = OLD.id;
END;
