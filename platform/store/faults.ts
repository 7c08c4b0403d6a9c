/**
 * Store faults that are the machine's trouble, not the request's: the disk is full
 * (SQLITE_FULL), the file or its directory became read-only (SQLITE_READONLY*), an I/O error
 * (SQLITE_IOERR*), the file is locked beyond the busy timeout (SQLITE_BUSY*, SQLITE_LOCKED*)
 * or cannot be opened (SQLITE_CANTOPEN). Callers answer 503 with `retry-after` (the sender
 * tries again later) or retry the write themselves; nothing is acknowledged that was not
 * committed.
 *
 * Fault injection for tests needs no seam in the code: SQLite itself reports SQLITE_FULL once
 * `PRAGMA max_page_count` is at the file's current size, and SQLITE_READONLY under
 * `PRAGMA query_only = ON`; both are lifted again by resetting the pragma ("space returns").
 */
const TRANSIENT = /^SQLITE_(FULL|READONLY|IOERR|BUSY|LOCKED|CANTOPEN|PROTOCOL)/;

export function isStoreFault(err: unknown): err is Error & { code: string } {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && TRANSIENT.test(code);
}

/** seconds a sender should wait before sending again after a store fault */
export const STORE_FAULT_RETRY_AFTER_S = 5;
