// Child process: swaps the volume's ..data like the kubelet, as fast as it can, `count` times.
// Each generation N has labels gen="N" and annotations gen="N" (plus padding so reads take time).
import { mkdirSync, readlinkSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [dir, countText] = process.argv.slice(2);
const pad = 'p'.repeat(20_000);
for (let n = 1; n <= Number(countText); n++) {
  const old = readlinkSync(join(dir, '..data'));
  const ts = `..2026_11_27_10_00_00.${String(n).padStart(9, '0')}`;
  mkdirSync(join(dir, ts));
  writeFileSync(join(dir, ts, 'labels'), `gen="${n}"\npad="${pad}"`);
  writeFileSync(join(dir, ts, 'annotations'), `gen="${n}"\npad="${pad}"`);
  symlinkSync(ts, join(dir, '..data_tmp'));
  renameSync(join(dir, '..data_tmp'), join(dir, '..data'));
  rmSync(join(dir, old), { recursive: true, force: true });
}
