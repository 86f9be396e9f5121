#!/usr/bin/env node
/**
 * `npm run pack:client`: the gstack CLIs as an npm package a team installs in its own
 * repository (`npm install -D ./gstack-client-<version>.tgz`, or from a registry once
 * published). The package holds only compiled JavaScript: the CLIs with packages/core
 * (and the dashboard they can serve) compiled in, bins that load it directly (no tsx, no
 * TypeScript, nothing from apps/ at run time), and the npm packages that code imports as
 * dependencies, at the ranges the workspace declares. Prints the tarball's path.
 *
 *   node packages/client/scripts/pack.mjs [--out DIR]   (default DIR: packages/client/dist)
 *
 * Plain JavaScript, so it runs before anything else is built.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const here = path.dirname(fileURLToPath(import.meta.url));
const clientDir = path.resolve(here, '..');
const root = path.resolve(clientDir, '../..');
const { values } = parseArgs({ options: { out: { type: 'string' } } });
const outDir = path.resolve(values.out ?? path.join(clientDir, 'dist'));

execFileSync(process.execPath, [path.join(here, 'build.mjs')], { stdio: 'inherit' });

const readJson = (file) => JSON.parse(readFileSync(file, 'utf8'));
const client = readJson(path.join(clientDir, 'package.json'));
const { externals } = readJson(path.join(clientDir, 'dist', 'cli', 'inputs.json'));

// The range each imported package has in the workspace package that declares it.
const declared = {};
for (const pkg of ['packages/core', 'apps/dashboard', 'packages/client']) {
  Object.assign(declared, readJson(path.join(root, pkg, 'package.json')).dependencies ?? {});
}
const dependencies = {};
for (const name of externals) {
  const range = declared[name];
  if (!range || range.startsWith('file:') || name.startsWith('@gstack/')) {
    console.error(`error: the compiled CLI imports ${name}, which no workspace package.json lists as a dependency`);
    process.exit(1);
  }
  dependencies[name] = range;
}

const stage = path.join(clientDir, 'dist', 'pack');
rmSync(stage, { recursive: true, force: true });
mkdirSync(path.join(stage, 'bin'), { recursive: true });
// dist/cli sits two levels below the package root, as in the workspace: the compiled code finds
// package.json (its version) and bin/ (the background push) from there.
cpSync(path.join(clientDir, 'dist', 'cli'), path.join(stage, 'dist', 'cli'), {
  recursive: true,
  filter: (file) => !file.endsWith('.map') && !file.endsWith('inputs.json'),
});
for (const bin of Object.keys(client.bin)) {
  writeFileSync(path.join(stage, 'bin', `${bin}.js`), `#!/usr/bin/env node\nimport '../dist/cli/${bin}.js';\n`, { mode: 0o755 });
}
const manifest = {
  name: client.name,
  version: client.version,
  description: client.description,
  type: 'module',
  license: client.license ?? 'UNLICENSED',
  engines: { node: '>=20' },
  bin: Object.fromEntries(Object.keys(client.bin).map((bin) => [bin, `bin/${bin}.js`])),
  files: ['bin', 'dist'],
  dependencies,
};
writeFileSync(path.join(stage, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
writeFileSync(
  path.join(stage, 'README.md'),
  `# ${client.name}\n\nThe \`gstack\` and \`gstack-sync\` command-line tools of gstack team platform: run LLM eval suites on the model escalation ladder and share the results with your team's Supabase project.\n\n\`\`\`sh\nnpx gstack init\nnpx gstack eval run evals/starter.yaml\nnpx gstack-sync setup\n\`\`\`\n\nSee docs/quickstart.md in the gstack repository.\n`,
);

mkdirSync(outDir, { recursive: true });
const packed = JSON.parse(execFileSync('npm', ['pack', '--json', '--pack-destination', outDir], { cwd: stage, encoding: 'utf8' }));
console.log(path.join(outDir, packed[0].filename));
