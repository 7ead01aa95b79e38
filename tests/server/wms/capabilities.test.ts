import { afterAll, beforeAll, expect, it } from 'vitest';
import { CapabilitiesError, parseCapabilities } from '../../../server/src/wms/capabilities.js';
import { startMapServer, type MapServerHarness } from '../../helpers/mapserver.js';
import { describeWhen, hasCommand } from '../../helpers/requirements.js';

const haveMapServer = hasCommand('mapserv') && hasCommand('gdal_translate');

describeWhen(haveMapServer, 'WMS GetCapabilities parsing', 'mapserv or gdal_translate is not installed (apt-get install cgi-mapserver gdal-bin)', () => {
  let mapserver: MapServerHarness;
  const capabilities = async (url: string, version: string) =>
    (await fetch(`${url}&SERVICE=WMS&REQUEST=GetCapabilities&VERSION=${version}`)).text();

  beforeAll(async () => {
    mapserver = await startMapServer();
  });
  afterAll(async () => {
    await mapserver?.close();
  });

  it('reads a MapServer 1.3.0 document: named layers, titles and which offer EPSG:3857', async () => {
    const parsed = parseCapabilities(await capabilities(mapserver.urls.ortho, '1.3.0'));
    expect(parsed.version).toBe('1.3.0');
    expect(parsed.title).toBe('Mārupe test orthophoto');
    expect(parsed.getMapFormats).toContain('image/png');
    const byName = Object.fromEntries(parsed.layers.map((l) => [l.name, l]));
    expect(Object.keys(byName).sort()).toEqual(['lks_only', 'marupe', 'ortho', 'topo', 'topo_a']);
    expect(byName.ortho).toMatchObject({ title: 'Ortofoto', offers3857: true });
    expect(byName.topo_a.offers3857).toBe(true);
    expect(byName.lks_only.offers3857).toBe(false);
    expect(byName.marupe.offers3857).toBe(false);
  });

  it('turns 1.3.0 EPSG:3059 bounding boxes (northing first) into easting-first extents', async () => {
    const ortho = parseCapabilities(await capabilities(mapserver.urls.ortho, '1.3.0')).layers.find((l) => l.name === 'ortho')!;
    // MapServer writes minx="295000" miny="490000": northing first, as 1.3.0 requires for EPSG:3059.
    expect(ortho.lksBounds).toEqual([490000, 295000, 520000, 325000]);
    const [west, south, east, north] = ortho.bounds!;
    expect(west).toBeCloseTo(23.835, 2);
    expect(south).toBeCloseTo(56.798, 2);
    expect(east).toBeCloseTo(24.33, 2);
    expect(north).toBeCloseTo(57.068, 2);
  });

  it('reads the same server as 1.1.1 (SRS, LatLonBoundingBox, easting-first boxes) with the same answers', async () => {
    const parsed = parseCapabilities(await capabilities(mapserver.urls.ortho, '1.1.1'));
    expect(parsed.version).toBe('1.1.1');
    const ortho = parsed.layers.find((l) => l.name === 'ortho')!;
    expect(ortho.offers3857).toBe(true);
    expect(ortho.lksBounds).toEqual([490000, 295000, 520000, 325000]);
    expect(ortho.bounds![0]).toBeCloseTo(23.835, 2);
    expect(parsed.layers.filter((l) => l.offers3857).map((l) => l.name).sort()).toEqual(['ortho', 'topo_a']);
  });

  it('finds no EPSG:3857 layer on a server that offers only LKS-92', async () => {
    const parsed = parseCapabilities(await capabilities(mapserver.urls.lksOnly, '1.3.0'));
    expect(parsed.layers.length).toBeGreaterThan(0);
    expect(parsed.layers.some((l) => l.offers3857)).toBe(false);
  });

  it('inherits CRS and bounding boxes from parent layers, as GeoServer writes them', () => {
    const parsed = parseCapabilities(`<?xml version="1.0" encoding="UTF-8"?>
      <WMS_Capabilities version="1.3.0" xmlns="http://www.opengis.net/wms" xmlns:xlink="http://www.w3.org/1999/xlink">
        <Service><Name>WMS</Name><Title>LVM GEO</Title></Service>
        <Capability>
          <Request><GetMap><Format>image/png</Format><Format>image/jpeg</Format></GetMap></Request>
          <Layer>
            <Title>GeoServer</Title>
            <CRS>EPSG:3059</CRS><CRS>EPSG:3857</CRS>
            <EX_GeographicBoundingBox><westBoundLongitude>20.9</westBoundLongitude><eastBoundLongitude>28.3</eastBoundLongitude>
              <southBoundLatitude>55.6</southBoundLatitude><northBoundLatitude>58.1</northBoundLatitude></EX_GeographicBoundingBox>
            <BoundingBox CRS="EPSG:4326" minx="55.6" miny="20.9" maxx="58.1" maxy="28.3"/>
            <Layer queryable="1"><Name>public:Orto_LKS</Name><Title>Ortofoto</Title></Layer>
            <Layer>
              <Title>Topogrāfiskās kartes</Title>
              <Layer><Name>public:Topo50</Name><Title>Topo 1:50 000</Title>
                <BoundingBox CRS="EPSG:3059" minx="160000" miny="300000" maxx="450000" maxy="770000"/></Layer>
            </Layer>
          </Layer>
          <Layer><Name>0</Name><Title>ArcGIS style numeric name</Title><CRS>EPSG:4326</CRS></Layer>
        </Capability>
      </WMS_Capabilities>`);
    expect(parsed.title).toBe('LVM GEO');
    expect(parsed.layers.map((l) => l.name)).toEqual(['public:Orto_LKS', 'public:Topo50', '0']);
    const [orto, topo, numeric] = parsed.layers;
    expect(orto.offers3857).toBe(true);
    expect(orto.bounds).toEqual([20.9, 55.6, 28.3, 58.1]);
    expect(topo.crs).toEqual(['EPSG:3059', 'EPSG:3857']);
    expect(topo.bounds).toEqual([20.9, 55.6, 28.3, 58.1]);
    expect(topo.lksBounds).toEqual([300000, 160000, 770000, 450000]);
    expect(numeric.offers3857).toBe(false);
  });

  it('names what came back instead of capabilities: HTML, other XML, a ServiceException, not XML', () => {
    expect(() => parseCapabilities('<!DOCTYPE html><html><body>Sveiki</body></html>')).toThrow(/HTML page/);
    expect(() => parseCapabilities('<?xml version="1.0"?><feed><title>x</title></feed>')).toThrow(/not WMS capabilities \(root element <feed>\)/);
    expect(() =>
      parseCapabilities('<ServiceExceptionReport><ServiceException code="x">Unknown layer</ServiceException></ServiceExceptionReport>'),
    ).toThrow(/WMS error: Unknown layer/);
    expect(() => parseCapabilities('{"not":"xml"}')).toThrow(CapabilitiesError);
  });
});
