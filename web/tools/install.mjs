// Installs the page's npm packages exactly as package-lock.json pins them (npm ci), unless node_modules already
// holds that lockfile's install: the Maven build runs this before every bundle, and a repeated build stays fast.
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const web = join(dirname(fileURLToPath(import.meta.url)), '..');
const lock = readFileSync(join(web, 'package-lock.json'));
const want = createHash('sha256').update(lock).digest('hex');
const stamp = join(web, 'node_modules', '.campaigns-lock-sha256');
if (existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === want) {
  console.log('web: npm packages up to date');
} else {
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  execFileSync(npm, ['ci', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: web, stdio: 'inherit' });
  writeFileSync(stamp, `${want}\n`);
  console.log('web: npm packages installed');
}
