import { describe, expect, it } from 'vitest';
import { sqliteFaultOf } from '../src/sqlite-database.js';

/** better-sqlite3's errors carry SQLite's (extended) result code by name. */
const sqliteError = (code: string) => Object.assign(new Error(code), { code });

describe('SQLite storage faults', () => {
  it('names the result codes that are about the storage, and no others', () => {
    expect(sqliteFaultOf(sqliteError('SQLITE_FULL'))).toBe('full');
    expect(sqliteFaultOf(sqliteError('SQLITE_READONLY'))).toBe('read_only');
    expect(sqliteFaultOf(sqliteError('SQLITE_READONLY_DBMOVED'))).toBe('read_only');
    expect(sqliteFaultOf(sqliteError('SQLITE_BUSY'))).toBe('locked');
    expect(sqliteFaultOf(sqliteError('SQLITE_BUSY_SNAPSHOT'))).toBe('locked');
    expect(sqliteFaultOf(sqliteError('SQLITE_LOCKED'))).toBe('locked');
    expect(sqliteFaultOf(sqliteError('SQLITE_IOERR_WRITE'))).toBe('io');
    expect(sqliteFaultOf(sqliteError('SQLITE_CANTOPEN'))).toBe('io');
    // A bug or a bad value is not the storage's fault: it stays as it is (a 500, logged).
    expect(sqliteFaultOf(sqliteError('SQLITE_CONSTRAINT_UNIQUE'))).toBeUndefined();
    expect(sqliteFaultOf(sqliteError('SQLITE_ERROR'))).toBeUndefined();
    expect(sqliteFaultOf(new Error('no code'))).toBeUndefined();
    expect(sqliteFaultOf(undefined)).toBeUndefined();
  });
});
