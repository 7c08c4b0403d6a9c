/**
 * Where batch files are written: a small storage interface, so the writer does not care
 * whether files land in a local directory or an object store.
 *
 * A batch is an *open* object while events are appended, then closed: made final under its
 * own name, with a manifest beside it. `LocalDirectoryStorage` keeps the open batch as
 * `{name}.open` in the directory (appended and fsynced per call, so an acknowledged event
 * survives a crash), renames it to `{name}` on close and writes `{name}.manifest.json`
 * after the data file is in place: a manifest always describes a complete file.
 *
 * An S3-compatible implementation would keep the open batch on local disk the same way and
 * upload it on close (one PUT below 5 GB), then the manifest; it is not included because the
 * well-kept client (@aws-sdk/client-s3) is large for what the local setup needs.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';

export interface BatchStorage {
  /** append text to the open object `name`, created on first use; durable when it resolves */
  append(name: string, text: string): Promise<void>;
  /** make `name` final and write its manifest (after the data) */
  close(name: string, manifest: Record<string, unknown>): Promise<void>;
  /** open objects left by an earlier run, oldest first */
  listOpen(): Promise<string[]>;
  /** the content of an open object */
  readOpen(name: string): Promise<string>;
  /** cut an open object back to `bytes` (drops a torn last line after a crash) */
  truncateOpen(name: string, bytes: number): Promise<void>;
}

export class LocalDirectoryStorage implements BatchStorage {
  private readonly handles = new Map<string, fs.FileHandle>();

  constructor(
    readonly dir: string,
    private readonly opts: { fsync?: boolean } = {},
  ) {}

  private openPath(name: string): string {
    return path.join(this.dir, `${name}.open`);
  }

  async append(name: string, text: string): Promise<void> {
    let h = this.handles.get(name);
    if (!h) {
      await fs.mkdir(this.dir, { recursive: true });
      h = await fs.open(this.openPath(name), 'a');
      this.handles.set(name, h);
    }
    await h.appendFile(text, 'utf8');
    if (this.opts.fsync !== false) await h.datasync();
  }

  async close(name: string, manifest: Record<string, unknown>): Promise<void> {
    const h = this.handles.get(name);
    if (h) {
      this.handles.delete(name);
      await h.close();
    }
    await fs.rename(this.openPath(name), path.join(this.dir, name));
    const tmp = path.join(this.dir, `${name}.manifest.json.tmp`);
    await fs.writeFile(tmp, `${JSON.stringify(manifest, null, 2)}\n`);
    await fs.rename(tmp, path.join(this.dir, `${name}.manifest.json`));
  }

  async listOpen(): Promise<string[]> {
    let names: string[];
    try {
      names = await fs.readdir(this.dir);
    } catch {
      return [];
    }
    return names
      .filter((n) => n.endsWith('.open'))
      .map((n) => n.slice(0, -'.open'.length))
      .sort();
  }

  async readOpen(name: string): Promise<string> {
    return fs.readFile(this.openPath(name), 'utf8');
  }

  async truncateOpen(name: string, bytes: number): Promise<void> {
    await fs.truncate(this.openPath(name), bytes);
  }

  /** close file handles (the open batch stays on disk, to be recovered) */
  async release(): Promise<void> {
    for (const h of this.handles.values()) await h.close();
    this.handles.clear();
  }
}
