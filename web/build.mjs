// Bundles the page into static files: index.html, assets/app-HASH.js and assets/app-HASH.css (everything the page
// needs, nothing fetched from elsewhere at run time). Usage: node build.mjs [--outdir DIR] (default: dist).
import { build } from 'esbuild';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const at = args.indexOf('--outdir');
const outdir = resolve(at >= 0 && args[at + 1] ? args[at + 1] : join(here, 'dist'));

await rm(outdir, { recursive: true, force: true });
await mkdir(join(outdir, 'assets'), { recursive: true });
const result = await build({
  entryPoints: { app: join(here, 'src/main.js') },
  bundle: true,
  format: 'esm',
  target: ['es2020'],
  minify: true,
  sourcemap: 'linked',
  legalComments: 'linked',
  entryNames: '[name]-[hash]',
  outdir: join(outdir, 'assets'),
  metafile: true,
  logLevel: 'warning',
});
const outputs = Object.keys(result.metafile.outputs).map((f) => basename(f));
const js = outputs.find((f) => /^app-.*\.js$/.test(f));
const css = outputs.find((f) => /^app-.*\.css$/.test(f));
if (!js || !css) {
  throw new Error(`the bundle lacks its script or style sheet: ${outputs.join(', ')}`);
}
const page = (await readFile(join(here, 'src/index.html'), 'utf8')).replace('{{js}}', js).replace('{{css}}', css);
await writeFile(join(outdir, 'index.html'), page);
const bytes = Object.values(result.metafile.outputs).reduce((n, o) => n + o.bytes, 0);
console.log(`web: bundled ${outputs.length} files into ${outdir} (${Math.round(bytes / 1024)} KiB with source maps)`);
