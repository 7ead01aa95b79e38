import { PNG } from 'pngjs';

/** Pixels that differ from `background` by more than `tolerance` on any channel. */
export function countNonBackground(png: Buffer, background: [number, number, number], tolerance = 12): number {
  const { data, width, height } = PNG.sync.read(png);
  let count = 0;
  for (let i = 0; i < width * height * 4; i += 4) {
    if (Math.abs(data[i] - background[0]) > tolerance || Math.abs(data[i + 1] - background[1]) > tolerance || Math.abs(data[i + 2] - background[2]) > tolerance) count++;
  }
  return count;
}

/** Pixels whose colour is within `tolerance` of `colour`. */
export function countColour(png: Buffer, colour: [number, number, number], tolerance = 24): number {
  const { data, width, height } = PNG.sync.read(png);
  let count = 0;
  for (let i = 0; i < width * height * 4; i += 4) {
    if (Math.abs(data[i] - colour[0]) <= tolerance && Math.abs(data[i + 1] - colour[1]) <= tolerance && Math.abs(data[i + 2] - colour[2]) <= tolerance) count++;
  }
  return count;
}

/** Pixels that differ between two screenshots of the same size. */
export function countChanged(a: Buffer, b: Buffer, tolerance = 12): number {
  const pa = PNG.sync.read(a);
  const pb = PNG.sync.read(b);
  if (pa.width !== pb.width || pa.height !== pb.height) throw new Error('countChanged: screenshots differ in size');
  let count = 0;
  for (let i = 0; i < pa.data.length; i += 4) {
    if (Math.abs(pa.data[i] - pb.data[i]) > tolerance || Math.abs(pa.data[i + 1] - pb.data[i + 1]) > tolerance || Math.abs(pa.data[i + 2] - pb.data[i + 2]) > tolerance) count++;
  }
  return count;
}

/** How many distinct colours (quantised to 5 bits a channel) a screenshot has: a photo has hundreds. */
export function distinctColours(png: Buffer): number {
  const { data } = PNG.sync.read(png);
  const seen = new Set<number>();
  for (let i = 0; i < data.length; i += 4) seen.add(((data[i] >> 3) << 10) | ((data[i + 1] >> 3) << 5) | (data[i + 2] >> 3));
  return seen.size;
}

/** The centre of the pixels the test accepts (e.g. a choropleth class), or null when none does. */
export function centroidWhere(png: Buffer, accept: (r: number, g: number, b: number) => boolean): { x: number; y: number; count: number } | null {
  const { data, width, height } = PNG.sync.read(png);
  let sx = 0;
  let sy = 0;
  let count = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      if (accept(data[i], data[i + 1], data[i + 2])) {
        sx += x;
        sy += y;
        count++;
      }
    }
  }
  return count ? { x: sx / count, y: sy / count, count } : null;
}
