import { hasNativeGdal } from './probe.js';
import { nativeBackend } from './native.js';
import type { VectorBackend } from './types.js';
import { wasmBackend } from './wasm.js';

export type { VectorBackend } from './types.js';
export { GdalError, pgConnection, type PgConnection } from './types.js';

export type BackendChoice = 'auto' | 'native' | 'gdal3.js';

const started = new Map<BackendChoice, Promise<VectorBackend>>();

/**
 * The GDAL the uploads use, decided once per process: a native `ogr2ogr`/`ogrinfo` on the PATH
 * when present (faster), else the WebAssembly build that ships with npm. `GDAL_BACKEND=native`
 * or `gdal3.js` forces one (tests run both).
 */
export function vectorBackend(choice: BackendChoice = (process.env.GDAL_BACKEND as BackendChoice) || 'auto'): Promise<VectorBackend> {
  let backend = started.get(choice);
  if (!backend) {
    const useNative = choice === 'native' || (choice === 'auto' && hasNativeGdal());
    backend = useNative ? nativeBackend() : wasmBackend();
    started.set(choice, backend);
  }
  return backend;
}
