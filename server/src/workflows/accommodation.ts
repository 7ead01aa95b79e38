import type pg from 'pg';
import { isSmallCount } from '../access/suppression.js';
import { dashboards } from '../dashboards/catalog.js';
import { unitsHiddenToday } from '../dashboards/suppressionCells.js';

export const FACILITY_CATEGORIES = ['school', 'kindergarten', 'family_doctor', 'shop', 'bus_stop', 'aid_point'] as const;

/** The layer (key of server/src/layers/domainLayers.ts) of each facility category, whose access decides who sees it. */
export const FACILITY_LAYER_KEYS: Record<(typeof FACILITY_CATEGORIES)[number], string> = {
  school: 'schools',
  kindergarten: 'kindergartens',
  family_doctor: 'family-doctors',
  shop: 'shops',
  bus_stop: 'bus-stops',
  aid_point: 'aid-points',
};

export interface NearbyFacility {
  category: (typeof FACILITY_CATEGORIES)[number];
  /** null when the municipality has no facility of the category. */
  id: number | null;
  name: string | null;
  address: string | null;
  distance_m: number | null;
}

/** The nearest facility of each category to a site (null when the site does not exist here). */
export async function nearbyFacilities(db: pg.PoolClient, municipalityId: number, siteId: number): Promise<NearbyFacility[] | null> {
  const { rows } = await db.query<NearbyFacility>(
    `SELECT c.category, f.id, f.name, f.address_text AS address, round(f.distance::numeric, 0)::float8 AS distance_m
       FROM accommodation_site s
      CROSS JOIN unnest($3::text[]) WITH ORDINALITY AS c (category, ord)
       LEFT JOIN LATERAL (
         SELECT x.id, x.name, x.address_text, ST_Distance(x.geom, s.geom) AS distance
           FROM facility x
          WHERE x.municipality_id = $1 AND x.category = c.category
          ORDER BY x.geom <-> s.geom LIMIT 1
       ) f ON true
      WHERE s.id = $2 AND s.municipality_id = $1
      ORDER BY c.ord`,
    [municipalityId, siteId, FACILITY_CATEGORIES],
  );
  return rows.length ? rows : null;
}

export interface FreePlacesSite {
  id: number;
  name: string;
  site_type: string;
  address_text: string;
  capacity: number;
  occupied: number;
  free: number;
  accessible: boolean;
  distance_m: number;
  lon: number;
  lat: number;
}

/** Sites in use with free places within `radius` metres of a WGS-84 point, nearest first. */
export async function sitesWithFreePlaces(db: pg.PoolClient, municipalityId: number, p: { lon: number; lat: number; radius: number; minFree?: number }): Promise<FreePlacesSite[]> {
  const { rows } = await db.query<FreePlacesSite>(
    `WITH here AS (SELECT ST_Transform(ST_SetSRID(ST_MakePoint($2, $3), 4326), 3059) AS g)
     SELECT s.id, s.name, s.site_type, s.address_text, s.capacity, s.occupied, s.capacity - s.occupied AS free, s.accessible,
            round(ST_Distance(s.geom, here.g)::numeric, 0)::float8 AS distance_m,
            ST_X(ST_Transform(s.geom, 4326)) AS lon, ST_Y(ST_Transform(s.geom, 4326)) AS lat
       FROM accommodation_site s, here
      WHERE s.municipality_id = $1 AND s.status = 'active' AND s.capacity - s.occupied >= $5
        AND ST_DWithin(s.geom, here.g, $4)
      ORDER BY ST_Distance(s.geom, here.g), s.id
      LIMIT 200`,
    [municipalityId, p.lon, p.lat, p.radius, p.minFree ?? 1],
  );
  return rows;
}

/**
 * What the public refugee help map shows: aid points and bus stops, and free places per parish or
 * town counted over sites in use; units with 1–4 sites are suppressed, with complementary
 * suppression as the dashboards' table decides it (docs/accounts.md), so no single site can be told apart.
 */
export async function refugeeHelp(db: pg.PoolClient, municipalityId: number) {
  const facilities = await db.query<{ category: string; id: number; name: string; address_text: string | null; opening_hours: string | null; geometry: unknown }>(
    `SELECT category, id, name, address_text, opening_hours, ST_AsGeoJSON(ST_Transform(geom, 4326), 6)::json AS geometry
       FROM facility WHERE municipality_id = $1 AND category IN ('aid_point', 'bus_stop') ORDER BY category, name, id`,
    [municipalityId],
  );
  const units = await db.query<{ id: number; name: string; kind: string; sites: number; free: number; geometry: unknown }>(
    `SELECT u.id, u.name, u.kind, count(s.id)::int AS sites, coalesce(sum(greatest(s.capacity - s.occupied, 0)), 0)::int AS free,
            ST_AsGeoJSON(ST_Transform(ST_SimplifyPreserveTopology(u.geom, 20), 4326), 5)::json AS geometry
       FROM territorial_unit u
       LEFT JOIN accommodation_site s
         ON s.municipality_id = $1 AND s.status = 'active' AND ST_Intersects(u.geom, s.geom)
      WHERE u.municipality_id = $1 AND u.kind IN ('parish', 'town')
      GROUP BY u.id ORDER BY u.name, u.id`,
    [municipalityId],
  );
  // The same cells as the accommodation dashboard's table today (sites in use per parish and type), so
  // a parish hidden there (by primary or complementary suppression) is hidden here too.
  const hiddenUnit = await unitsHiddenToday(db, dashboards.accommodation, municipalityId);
  const cells = units.rows.map((u) =>
    hiddenUnit(u.id) || isSmallCount(u.sites) ? { count: null, values: null, suppressed: true } : { count: u.sites, values: { free: u.free }, suppressed: false },
  );
  const collection = (category: string) => ({
    type: 'FeatureCollection' as const,
    features: facilities.rows
      .filter((f) => f.category === category)
      .map((f) => ({ type: 'Feature' as const, id: f.id, geometry: f.geometry, properties: { name: f.name, address: f.address_text, opening_hours: f.opening_hours } })),
  });
  return {
    aidPoints: collection('aid_point'),
    busStops: collection('bus_stop'),
    freePlaces: {
      type: 'FeatureCollection' as const,
      features: units.rows.map((u, i) => ({
        type: 'Feature' as const,
        id: u.id,
        geometry: u.geometry,
        properties: { name: u.name, kind: u.kind, sites: cells[i].count, freePlaces: cells[i].values?.free ?? null, suppressed: cells[i].suppressed },
      })),
    },
  };
}
