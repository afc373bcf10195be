// Copied into a project of the package-picking test and run there: imports every `exports`
// subpath of every installed @agentport package, as that project's code would, and prints one
// JSON line per subpath: whether it loaded, and if not, the package it could not find.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const scope = join(import.meta.dirname, 'node_modules', '@agentport');
const results = [];
for (const dir of readdirSync(scope)) {
  const manifest = JSON.parse(readFileSync(join(scope, dir, 'package.json'), 'utf8'));
  for (const subpath of Object.keys(manifest.exports ?? {})) {
    const specifier = subpath === '.' ? manifest.name : `${manifest.name}/${subpath.slice(2)}`;
    try {
      const namespace = await import(specifier);
      results.push({ specifier, loaded: true, exportCount: Object.keys(namespace).length });
    } catch (error) {
      const missing = /Cannot find (?:package|module) '([^']+)'/.exec(String(error?.message))?.[1];
      results.push({ specifier, loaded: false, code: error?.code, missing, message: String(error?.message) });
    }
  }
}
console.log(JSON.stringify(results));
