/**
 * A restore in its own process, for the test that kills one halfway. Says "progress" after each
 * batch and lingers a little there, so the kill surely lands mid-load; "done" if it ever finishes.
 */
import { restoreBackup } from '../../src/backup/restore.js';
import { createDb } from '../../src/db/database.js';

const [file, url, key] = process.argv.slice(2);
const target = createDb(url);
await restoreBackup(file, target, Buffer.from(key, 'base64'), {
  replace: true,
  onProgress: () => {
    process.stdout.write('progress\n');
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
  },
});
process.stdout.write('done\n');
await target.close();
