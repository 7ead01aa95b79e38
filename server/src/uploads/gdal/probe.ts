import { spawnSync } from 'node:child_process';

/** True when a native GDAL (`ogr2ogr` and `ogrinfo`) is on the PATH. */
export function hasNativeGdal(): boolean {
  return ['ogr2ogr', 'ogrinfo'].every((c) => spawnSync(c, ['--version'], { stdio: 'ignore' }).status === 0);
}
