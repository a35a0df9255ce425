// The user's own files (their bytes, by item id) in IndexedDB, so they can be shown and re-embedded
// after a reload. Every operation settles: a transaction that aborts (a failed request, quota, a
// closing connection, the caller's AbortSignal) rejects with its error instead of hanging, and the
// connection gives way when another tab or deleteDatabase() asks for it.

const STORE = 'files';

export function openFileStore(name) {
  /** @type {Promise<IDBDatabase> | null} */
  let connection = null;

  function open() {
    connection ??= new Promise((resolve, reject) => {
      const req = indexedDB.open(name, 1);
      req.onupgradeneeded = () => req.result.createObjectStore(STORE);
      req.onsuccess = () => {
        const db = req.result;
        // Give way to a newer version or a deletion; the next operation opens a fresh connection.
        db.onversionchange = () => {
          db.close();
          connection = null;
        };
        // The browser closed it (storage cleared, disk error).
        db.onclose = () => (connection = null);
        resolve(db);
      };
      req.onerror = () => {
        connection = null;
        reject(req.error);
      };
    });
    return connection;
  }

  /**
   * Runs `fn(store)` in one transaction and resolves when it commits, with `fn`'s request's result
   * (or what its returned function computes then). Rejects if the transaction aborts for any reason.
   */
  async function transact(mode, fn, { signal } = {}) {
    signal?.throwIfAborted();
    const db = await open();
    signal?.throwIfAborted(); // aborted while the connection was opening: no 'abort' event will come
    return new Promise((resolve, reject) => {
      let tx;
      try {
        tx = db.transaction(STORE, mode);
      } catch (err) {
        connection = null; // the connection is closing: the next call reopens
        return reject(err);
      }
      let out;
      const abort = () => {
        try {
          tx.abort();
        } catch { /* already finished */ }
      };
      const onSignal = () => abort();
      signal?.addEventListener('abort', onSignal, { once: true });
      tx.oncomplete = () => {
        signal?.removeEventListener('abort', onSignal);
        resolve(typeof out === 'function' ? out() : out?.result);
      };
      // A failed request aborts its transaction (unless handled); so do quota errors and tx.abort().
      tx.onabort = () => {
        signal?.removeEventListener('abort', onSignal);
        reject(signal?.aborted ? signal.reason : tx.error ?? new DOMException(`${name}: the transaction was aborted`, 'AbortError'));
      };
      try {
        out = fn(tx.objectStore(STORE));
      } catch (err) {
        // e.g. DataCloneError: nothing was queued, so abort and report the cause itself.
        tx.onabort = () => reject(err);
        abort();
      }
    });
  }

  return {
    put: (id, blob, opts) => transact('readwrite', (s) => s.put(blob, id), opts),
    delete: (id, opts) => transact('readwrite', (s) => s.delete(id), opts),
    clear: (opts) => transact('readwrite', (s) => s.clear(), opts),
    /** Every stored file, as a Map id → Blob. */
    all: (opts) => transact('readonly', (s) => {
      const keys = s.getAllKeys();
      const values = s.getAll();
      return () => new Map(keys.result.map((k, i) => [k, values.result[i]]));
    }, opts),
    transact,
    async close() {
      const db = await connection?.catch(() => null);
      db?.close();
      connection = null;
    },
  };
}
