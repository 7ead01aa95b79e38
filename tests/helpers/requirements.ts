import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe } from 'vitest';

/** True when `command` is on the PATH. */
export function hasCommand(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

export const chromiumPath = '/usr/bin/chromium';
export const hasChromium = () => existsSync(chromiumPath);

/**
 * `describe` when the external tool a suite needs is present; otherwise prints one clear line
 * saying what was skipped and why, and skips the suite.
 */
export function describeWhen(available: boolean, what: string, missing: string, suite: () => void) {
  if (!available) {
    console.log(`${what} skipped: ${missing}`);
    describe.skip(what, suite);
    return;
  }
  describe(what, suite);
}
