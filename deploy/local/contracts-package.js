#!/usr/bin/env node
// Builds libs/contracts as the installable package @scim-platform/contracts into
// dist/packages/contracts (JavaScript, type declarations, the JSON Schemas as files) and, with
// --pack, packs it into dist/packages/<name>-<version>.tgz. Prints the path of what it made.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..', '..');
const source = path.join(root, 'libs', 'contracts');
const out = path.join(root, 'dist', 'packages', 'contracts');

function run(cmd, args) {
  const result = spawnSync(cmd, args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  if (result.status !== 0) {
    process.stderr.write(result.stdout ?? '');
    throw new Error(`${cmd} ${args.join(' ')} failed (exit ${result.status})`);
  }
  return result.stdout;
}

fs.rmSync(out, { recursive: true, force: true });
run(process.execPath, [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', path.join(source, 'tsconfig.package.json')]);
for (const file of ['package.json', 'README.md']) fs.copyFileSync(path.join(source, file), path.join(out, file));

// Every exported JSON Schema with an $id becomes schemas/<last segment of its $id>.
const contracts = require(out);
const schemas = path.join(out, 'schemas');
fs.mkdirSync(schemas, { recursive: true });
const written = new Map();
for (const [name, value] of Object.entries(contracts)) {
  if (!name.endsWith('_JSON_SCHEMA') || typeof value !== 'object' || value === null || typeof value.$id !== 'string') continue;
  const file = value.$id.slice(value.$id.lastIndexOf('/') + 1);
  if (written.has(file)) throw new Error(`${name} and ${written.get(file)} share the $id ${value.$id}`);
  written.set(file, name);
  fs.writeFileSync(path.join(schemas, file), JSON.stringify(value, null, 2) + '\n');
}

if (process.argv.includes('--pack')) {
  const packed = JSON.parse(run('npm', ['pack', out, '--pack-destination', path.dirname(out), '--json', '--silent']));
  console.log(path.join(path.dirname(out), packed[0].filename));
} else {
  console.log(out);
}
