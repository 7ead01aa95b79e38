import { readFileSync } from 'node:fs';
import semver from 'semver';
import { describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url);
const manifest = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as { engines: { node: string } };
const lockfile = JSON.parse(readFileSync(new URL('package-lock.json', root), 'utf8')) as {
  packages: Record<string, { version?: string; engines?: { node?: string } | string[] }>;
};

/** The oldest Node the project promises to run on (package.json `engines`, the README's Node 20). */
const oldestNode = semver.minVersion(manifest.engines.node)!.version;

describe('the install', () => {
  it('runs on the oldest Node the project names: no locked package asks for a newer one (npm ci prints no EBADENGINE)', () => {
    expect(semver.major(oldestNode)).toBe(20);
    const refusing = Object.entries(lockfile.packages)
      .filter(([name]) => name !== '')
      .flatMap(([name, entry]) => {
        const range = !entry.engines || Array.isArray(entry.engines) ? undefined : entry.engines.node;
        return range && !semver.satisfies(oldestNode, range) ? [`${name}@${entry.version} wants node ${range}`] : [];
      });
    expect(refusing).toEqual([]);
  });
});
