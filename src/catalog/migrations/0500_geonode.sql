-- GeoNode API v2 vocabularies and bookkeeping. Resource metadata itself (title, abstract,
-- keywords, category, regions, flags) lives on the resource row and in resmeta under
-- `geonode.*` keys, so NextGIS Web reads and writes the same values.

-- ISO 19115 MD_TopicCategoryCode, ids as in the code list, labels and icons as GeoNode ships them.
CREATE TABLE gn_category (
  id INTEGER PRIMARY KEY,
  identifier TEXT NOT NULL UNIQUE,
  description TEXT NOT NULL,
  gn_description TEXT NOT NULL,
  is_choice INTEGER NOT NULL DEFAULT 1,
  fa_class TEXT NOT NULL
);
INSERT INTO gn_category (id, identifier, description, gn_description, fa_class) VALUES
 (1, 'farming', 'Rearing of animals and/or cultivation of plants. Examples: agriculture, irrigation, aquaculture, plantations, herding, pests and diseases affecting crops and livestock', 'Farming', 'fa-lemon-o'),
 (2, 'biota', 'Flora and/or fauna in natural environment. Examples: wildlife, vegetation, biological sciences, ecology, wilderness, sealife, wetlands, habitat', 'Biota', 'fa-leaf'),
 (3, 'boundaries', 'Legal land descriptions. Examples: political and administrative boundaries', 'Boundaries', 'fa-ellipsis-h'),
 (4, 'climatologyMeteorologyAtmosphere', 'Processes and phenomena of the atmosphere. Examples: cloud cover, weather, climate, atmospheric conditions, climate change, precipitation', 'Climatology Meteorology Atmosphere', 'fa-cloud'),
 (5, 'economy', 'Economic activities, conditions and employment. Examples: production, labour, revenue, commerce, industry, tourism and ecotourism, forestry, fisheries, commercial or subsistence hunting, exploration and exploitation of resources such as minerals, oil and gas', 'Economy', 'fa-briefcase'),
 (6, 'elevation', 'Height above or below sea level. Examples: altitude, bathymetry, digital elevation models, slope, derived products', 'Elevation', 'fa-flag-checkered'),
 (7, 'environment', 'Environmental resources, protection and conservation. Examples: environmental pollution, waste storage and treatment, environmental impact assessment, monitoring environmental risk, nature reserves, landscape', 'Environment', 'fa-tree'),
 (8, 'geoscientificInformation', 'Information pertaining to earth sciences. Examples: geophysical features and processes, geology, minerals, sciences dealing with the composition, structure and origin of the earth''s rocks, risks of earthquakes, volcanic activity, landslides, gravity information, soils, permafrost, hydrogeology, erosion', 'Geoscientific Information', 'fa-bullseye'),
 (9, 'health', 'Health, health services, human ecology, and safety. Examples: disease and illness, factors affecting health, hygiene, substance abuse, mental and physical health, health services', 'Health', 'fa-stethoscope'),
 (10, 'imageryBaseMapsEarthCover', 'Base maps. Examples: land cover, topographic maps, imagery, unclassified images, annotations', 'Imagery Base Maps Earth Cover', 'fa-globe'),
 (11, 'intelligenceMilitary', 'Military bases, structures, activities. Examples: barracks, training grounds, military transportation, information collection', 'Intelligence Military', 'fa-fighter-jet'),
 (12, 'inlandWaters', 'Inland water features, drainage systems and their characteristics. Examples: rivers and glaciers, salt lakes, water utilization plans, dams, currents, floods, water quality, hydrographic charts', 'Inland Waters', 'fa-tint'),
 (13, 'location', 'Positional information and services. Examples: addresses, geodetic networks, control points, postal zones and services, place names', 'Location', 'fa-map-marker'),
 (14, 'oceans', 'Features and characteristics of salt water bodies (excluding inland waters). Examples: tides, tidal waves, coastal information, reefs', 'Oceans', 'fa-anchor'),
 (15, 'planningCadastre', 'Information used for appropriate actions for future use of the land. Examples: land use maps, zoning maps, cadastral surveys, land ownership', 'Planning Cadastre', 'fa-home'),
 (16, 'society', 'Characteristics of society and cultures. Examples: settlements, anthropology, archaeology, education, traditional beliefs, manners and customs, demographic data, recreational areas and activities, social impact assessments, crime and justice, census information', 'Society', 'fa-comments'),
 (17, 'structure', 'Man-made construction. Examples: buildings, museums, churches, factories, housing, monuments, shops, towers', 'Structure', 'fa-building'),
 (18, 'transportation', 'Means and aids for conveying persons and/or goods. Examples: roads, airports/airstrips, shipping routes, tunnels, nautical charts, vehicle or vessel location, aeronautical charts, railways', 'Transportation', 'fa-truck'),
 (19, 'utilitiesCommunication', 'Energy, water and waste systems and communications infrastructure and services. Examples: hydroelectricity, geothermal, solar and nuclear sources of energy, water purification and distribution, sewage collection and disposal, electricity and gas distribution, data communication, telecommunication, radio, communication networks', 'Utilities Communication', 'fa-phone');

-- Seeded on first start from data/regions.json (Natural Earth countries under "Global").
CREATE TABLE gn_region (
  id INTEGER PRIMARY KEY,
  code TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  parent_id INTEGER REFERENCES gn_region(id),
  bbox_x0 REAL, bbox_y0 REAL, bbox_x1 REAL, bbox_y1 REAL
);

-- Free keywords get a stable id and slug the first time any resource uses them.
CREATE TABLE gn_keyword (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  slug TEXT NOT NULL UNIQUE
);

-- Thesauri and their keywords (tkeywords), managed by administrators.
CREATE TABLE gn_thesaurus (
  id INTEGER PRIMARY KEY,
  identifier TEXT NOT NULL UNIQUE,
  title TEXT NOT NULL,
  uri TEXT NOT NULL DEFAULT ''
);
CREATE TABLE gn_tkeyword (
  id INTEGER PRIMARY KEY,
  thesaurus_id INTEGER NOT NULL REFERENCES gn_thesaurus(id) ON DELETE CASCADE,
  about TEXT NOT NULL,
  alt_label TEXT NOT NULL
);

CREATE TABLE gn_favorite (
  user_id INTEGER NOT NULL,
  resource_id INTEGER NOT NULL REFERENCES resource(id) ON DELETE CASCADE,
  created TEXT NOT NULL,
  PRIMARY KEY (user_id, resource_id)
);

CREATE TABLE gn_rating (
  user_id INTEGER NOT NULL,
  resource_id INTEGER NOT NULL REFERENCES resource(id) ON DELETE CASCADE,
  rating INTEGER NOT NULL,
  PRIMARY KEY (user_id, resource_id)
);

CREATE TABLE gn_extra_metadata (
  id INTEGER PRIMARY KEY,
  resource_id INTEGER NOT NULL REFERENCES resource(id) ON DELETE CASCADE,
  data TEXT NOT NULL
);
CREATE INDEX gn_extra_metadata_resource ON gn_extra_metadata(resource_id);

-- GeoNode's ExecutionRequest: the ticket of an asynchronous operation; it outlives restarts.
CREATE TABLE gn_execution (
  exec_id TEXT PRIMARY KEY,
  user_id INTEGER NOT NULL,
  status TEXT NOT NULL DEFAULT 'ready',
  func_name TEXT NOT NULL,
  action TEXT,
  name TEXT,
  created TEXT NOT NULL,
  finished TEXT,
  last_updated TEXT NOT NULL,
  input_params TEXT NOT NULL DEFAULT '{}',
  output_params TEXT NOT NULL DEFAULT '{}',
  resource_id INTEGER,
  step TEXT,
  log TEXT
);
CREATE INDEX gn_execution_user ON gn_execution(user_id);

-- Jobs of /api/v2/management: a whitelisted command run in the background.
CREATE TABLE gn_mgmt_job (
  id INTEGER PRIMARY KEY,
  command TEXT NOT NULL,
  app_name TEXT NOT NULL,
  user_id INTEGER NOT NULL,
  status TEXT NOT NULL DEFAULT 'CREATED',
  created_at TEXT NOT NULL,
  start_time TEXT,
  end_time TEXT,
  args TEXT NOT NULL DEFAULT '[]',
  kwargs TEXT NOT NULL DEFAULT '{}',
  output_message TEXT
);
