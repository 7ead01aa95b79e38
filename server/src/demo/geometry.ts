/** Easting/northing in EPSG:3059 metres. */
export type XY = [number, number];

/** Centimetre precision: enough for any map, and it keeps the output identical across machines. */
export const roundXY = ([x, y]: XY): XY => [Math.round(x * 100) / 100, Math.round(y * 100) / 100];

/** Straight-line distance in metres. */
export const distance = (a: XY, b: XY) => Math.hypot(a[0] - b[0], a[1] - b[1]);

const coords = (points: XY[]) => points.map(([x, y]) => `${x} ${y}`).join(', ');

/** WKT of a line through the points, for `ST_GeomFromText(…, 3059)`. */
export const lineWkt = (points: XY[]) => `LINESTRING(${coords(points)})`;

/** A closed ring as a one-ring POLYGON. */
export const polygonWkt = (ring: XY[]) => `POLYGON((${coords(ring)}))`;

/**
 * A closed ring around `centre` whose radius wanders smoothly between `minRadius` and
 * `minRadius + wobble`, so a village outline looks drawn rather than compass-made.
 * @param phases three numbers in [0, 2π) that shape the wobble
 */
export function wobblyRing(centre: XY, minRadius: number, wobble: number, phases: [number, number, number], vertices = 40): XY[] {
  const ring: XY[] = [];
  for (let i = 0; i < vertices; i++) {
    const a = (2 * Math.PI * i) / vertices;
    const shape = (Math.sin(2 * a + phases[0]) + Math.sin(3 * a + phases[1]) * 0.6 + Math.sin(5 * a + phases[2]) * 0.3 + 1.9) / 3.8;
    const r = minRadius + wobble * Math.min(1, Math.max(0, shape));
    ring.push(roundXY([centre[0] + r * Math.cos(a), centre[1] + r * Math.sin(a)]));
  }
  ring.push(ring[0]);
  return ring;
}

/**
 * The rectangle `width` wide centred on the segment a→b (a street parcel), as a closed ring.
 */
export function segmentRectangle(a: XY, b: XY, width: number): XY[] {
  const len = distance(a, b);
  const nx = (-(b[1] - a[1]) / len) * (width / 2);
  const ny = ((b[0] - a[0]) / len) * (width / 2);
  const ring: XY[] = [
    [a[0] + nx, a[1] + ny],
    [b[0] + nx, b[1] + ny],
    [b[0] - nx, b[1] - ny],
    [a[0] - nx, a[1] - ny],
  ].map((p) => roundXY(p as XY));
  ring.push(ring[0]);
  return ring;
}
