// Global setup: assembles extension/dist/ from the current SDK build (builds the SDK when missing).
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export default function buildExtension(): void {
  const script = fileURLToPath(new URL('../../extension/build.mjs', import.meta.url));
  execFileSync(process.execPath, [script], { stdio: 'inherit' });
}
