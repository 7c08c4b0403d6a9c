/**
 * The data dir holds event bodies, tokens and generated secrets: it is the user's alone.
 * The directory is 0700 and the files the platform creates in it are 0600, whatever the
 * umask (a mode given at creation is only ever narrowed by the umask; files and directories
 * that already exist, e.g. from an older version, are narrowed with chmod).
 *
 * SQLite creates a database 0644 but gives its `-wal` and `-shm` files the database file's
 * mode, so creating the database file 0600 first covers all three.
 */
import fs from 'node:fs';

export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/** Create `dir` (and its parents) if needed, and make it 0700. */
export function privateDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  if ((fs.statSync(dir).mode & 0o777) !== PRIVATE_DIR_MODE) fs.chmodSync(dir, PRIVATE_DIR_MODE);
}

/** Create `file` empty if it does not exist, and make it 0600. */
export function privateFile(file: string): void {
  fs.closeSync(fs.openSync(file, 'a', PRIVATE_FILE_MODE));
  if ((fs.statSync(file).mode & 0o777) !== PRIVATE_FILE_MODE) fs.chmodSync(file, PRIVATE_FILE_MODE);
}

/** Make the files that exist of `files` 0600 (those SQLite created beside the database). */
export function narrowExisting(files: readonly string[]): void {
  for (const f of files) {
    try {
      if (fs.statSync(f).mode & 0o777 & ~PRIVATE_FILE_MODE) fs.chmodSync(f, PRIVATE_FILE_MODE);
    } catch {
      /* absent */
    }
  }
}
