/**
 * @module The five styles a fresh GeoServer ships (clients count them: node-client expects 5),
 * as small SLD 1.0 documents. Layers created from uploads get point, line, polygon, raster or
 * generic as their default style.
 */

function sld(name: string, title: string, symbolizer: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<StyledLayerDescriptor version="1.0.0" xmlns="http://www.opengis.net/sld" xmlns:ogc="http://www.opengis.net/ogc" xmlns:xlink="http://www.w3.org/1999/xlink" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://www.opengis.net/sld StyledLayerDescriptor.xsd">
  <NamedLayer>
    <Name>${name}</Name>
    <UserStyle>
      <Title>${title}</Title>
      <FeatureTypeStyle>
        <Rule>
          ${symbolizer}
        </Rule>
      </FeatureTypeStyle>
    </UserStyle>
  </NamedLayer>
</StyledLayerDescriptor>
`;
}

const POINT = `<PointSymbolizer><Graphic><Mark><WellKnownName>square</WellKnownName><Fill><CssParameter name="fill">#FF0000</CssParameter></Fill></Mark><Size>6</Size></Graphic></PointSymbolizer>`;
const LINE = `<LineSymbolizer><Stroke><CssParameter name="stroke">#0000FF</CssParameter></Stroke></LineSymbolizer>`;
const POLYGON = `<PolygonSymbolizer><Fill><CssParameter name="fill">#AAAAAA</CssParameter></Fill><Stroke><CssParameter name="stroke">#000000</CssParameter><CssParameter name="stroke-width">1</CssParameter></Stroke></PolygonSymbolizer>`;
const RASTER = `<RasterSymbolizer><Opacity>1.0</Opacity></RasterSymbolizer>`;

export const BUILTIN_STYLES: Record<string, string> = {
  generic: sld("generic", "Generic", `${POLYGON}${LINE}${POINT}${RASTER}`),
  line: sld("line", "Blue Line", LINE),
  point: sld("point", "Red Square Point", POINT),
  polygon: sld("polygon", "Grey Polygon", POLYGON),
  raster: sld("raster", "Raster", RASTER),
};

/** The built-in default style for a layer of this NGW geometry type (or a raster). */
export function defaultStyleFor(geometryType: string | null): string {
  if (geometryType === null) return "raster";
  if (/POINT/.test(geometryType)) return "point";
  if (/LINE/.test(geometryType)) return "line";
  if (/POLYGON/.test(geometryType)) return "polygon";
  return "generic";
}
