// `npm run bench [name…]`: runs the compiled benchmarks (out/bench/*.bench.js),
// each printing its figures next to the anchor it is measured against.
'use strict';
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');

const compiled = path.join(__dirname, '..', 'out', 'bench');
const wanted = process.argv.slice(2);
const benches = (fs.existsSync(compiled) ? fs.readdirSync(compiled) : [])
  .filter((file) => file.endsWith('.bench.js'))
  .filter((file) => wanted.length === 0 || wanted.some((name) => file.startsWith(name)))
  .sort();
if (benches.length === 0) {
  console.error(`no benchmarks${wanted.length ? ' named ' + wanted.join(', ') : ''} in ${compiled}`);
  process.exit(1);
}
let failed = 0;
for (const bench of benches) {
  console.log(`\n=== ${bench.replace(/\.bench\.js$/, '')} ===`);
  const result = spawnSync(process.execPath, ['--expose-gc', path.join(compiled, bench)], { stdio: 'inherit' });
  if (result.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
