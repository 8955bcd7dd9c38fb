// `moonclerk-checkout/server/postgres`: the ledger in PostgreSQL, for several server instances or
// serverless functions. An entry of its own, so that the main server entry never loads pg; and pg
// itself is imported only when you give a connection string, so a pg-compatible client you pass
// (Neon's serverless Pool, for one) needs no pg installed.
import type { RecordKind } from '../records.js'
import { ledgerKey, newClaim, type ClaimResult, type Ledger, type LedgerEntry } from './ledger.js'

export type { ClaimResult, Ledger, LedgerEntry } from './ledger.js'

/** What the ledger needs of a client: pg's Pool, or anything with the same `query()`. */
export interface PostgresQueryable {
  query(text: string, values?: unknown[]): Promise<{ rows: any[] }>
}

export type PostgresLedgerOptions = (
  | { /** The ledger creates a pg.Pool, and ends it on close(). */ connectionString: string; pool?: never }
  | { /** Your pool or client: the ledger never ends it. */ pool: PostgresQueryable; connectionString?: never }
) & {
  /** A schema for the ledger's tables (created if missing), instead of the connection's search_path. */
  schema?: string
}

// Milliseconds since the epoch by the database's clock: every instance judges leases by one clock.
const NOW_MS = `(extract(epoch from clock_timestamp()) * 1000)::bigint`

/** A schema name, checked, as the prefix of the table names ('' for the search_path's). */
function qualifier(schema: string | undefined) {
  if (schema === undefined) return ''
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(schema))
    throw new TypeError('postgresLedger: schema must be a plain SQL identifier (letters, digits, _)')
  return `"${schema}".`
}

/**
 * The tables, in one simple-protocol query: that is one implicit transaction, so the advisory lock
 * holds until its end and two instances starting at once do not race on CREATE (which can fail on
 * a unique index of the catalog).
 */
function schemaSql(schema: string | undefined) {
  const prefix = qualifier(schema)
  return `
    SELECT pg_advisory_xact_lock(hashtext('moonclerk_ledger_schema:${schema ?? ''}'));
    ${schema === undefined ? '' : `CREATE SCHEMA IF NOT EXISTS "${schema}";`}
    CREATE TABLE IF NOT EXISTS ${prefix}moonclerk_ledger (
      key TEXT PRIMARY KEY,
      kind TEXT NOT NULL,
      record_id TEXT NOT NULL,
      custom_id TEXT,
      state TEXT,
      paid BOOLEAN NOT NULL DEFAULT false,
      pending_state TEXT,
      claim TEXT,
      lease_until BIGINT NOT NULL DEFAULT 0,
      changed_at BIGINT NOT NULL DEFAULT 0
    );
    CREATE INDEX IF NOT EXISTS moonclerk_ledger_custom_id ON ${prefix}moonclerk_ledger (custom_id);
    CREATE TABLE IF NOT EXISTS ${prefix}moonclerk_cursors (name TEXT PRIMARY KEY, value TEXT NOT NULL);`
}

/** The statements, with the table names qualified by `schema` when one is given. */
function statements(schema: string | undefined) {
  const ledger = `${qualifier(schema)}moonclerk_ledger`
  const cursors = `${qualifier(schema)}moonclerk_cursors`
  return {
    // The claim in one statement (see sqlite.ts): concurrent ones on a key are serialized by the
    // row lock, and the loser re-checks the WHERE against the winner's row, so it takes nothing.
    claim: `
      INSERT INTO ${ledger} AS l (key, kind, record_id, custom_id, pending_state, claim, lease_until)
      VALUES ($1, $2, $3, $4, $5, $6, ${NOW_MS} + $7::bigint)
      ON CONFLICT (key) DO UPDATE SET
        pending_state = EXCLUDED.pending_state, claim = EXCLUDED.claim, lease_until = EXCLUDED.lease_until
      WHERE (l.claim IS NULL OR l.lease_until <= ${NOW_MS}) AND l.state IS DISTINCT FROM EXCLUDED.pending_state
      RETURNING l.state`,
    afterRefusal: `SELECT state, (claim IS NOT NULL AND lease_until > ${NOW_MS}) AS live FROM ${ledger} WHERE key = $1`,
    // changed_at: always after the cid's last change, so commits within one millisecond keep their order.
    commit: `
      UPDATE ${ledger} SET
        state = $3, paid = $4, custom_id = $5, pending_state = NULL, claim = NULL, lease_until = 0,
        changed_at = GREATEST(${NOW_MS}, 1 + COALESCE((SELECT MAX(changed_at) FROM ${ledger} WHERE custom_id = $5), 0))
      WHERE key = $1 AND claim = $2`,
    release: `UPDATE ${ledger} SET pending_state = NULL, claim = NULL, lease_until = 0 WHERE key = $1 AND claim = $2`,
    paidFor: `SELECT kind FROM ${ledger} WHERE custom_id = $1 AND paid ORDER BY changed_at DESC LIMIT 1`,
    getCursor: `SELECT value FROM ${cursors} WHERE name = $1`,
    setCursor: `
      INSERT INTO ${cursors} (name, value) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value`,
  }
}

interface Connection {
  client: PostgresQueryable
  /** Ends the pool the ledger opened; absent for yours. */
  end?: () => Promise<void>
}

/** The client: yours, or a pg.Pool of our own (pg loaded only then). */
async function connect(options: PostgresLedgerOptions): Promise<Connection> {
  if (options.pool) return { client: options.pool }
  // By a name in a variable: a bundler (Wrangler's esbuild) would otherwise follow a literal
  // import('pg') into pg's Node-only modules, even for a Worker that passes its own pool.
  const driver = 'pg'
  const { default: pg } = (await import(/* @vite-ignore */ driver)) as typeof import('pg')
  const pool = new pg.Pool({ connectionString: options.connectionString })
  return { client: pool, end: () => pool.end() }
}

/** The client and the tables on first use; a failure is not kept, so the next call tries again. */
function lazyConnection(options: PostgresLedgerOptions) {
  let ready: Promise<Connection> | undefined
  const createTables = schemaSql(options.schema)
  const connection = () =>
    (ready ??= connect(options).then(async (connected) => {
      await connected.client.query(createTables)
      return connected
    })).catch((error) => {
      ready = undefined
      throw error
    })
  const query = async (text: string, values: unknown[]) => (await (await connection()).client.query(text, values)).rows
  async function end() {
    const opened = ready && (await ready.catch(() => undefined))
    ready = undefined
    await opened?.end?.()
  }
  return { query, end }
}

/**
 * The ledger in PostgreSQL: `{ connectionString }` (it opens a pool and ends it on close()) or
 * `{ pool }` (yours, left open). Its tables are created on first use.
 */
export function postgresLedger(options: PostgresLedgerOptions): Ledger {
  const sql = statements(options.schema)
  const { query, end } = lazyConnection(options)

  async function claim(entry: LedgerEntry, leaseMs: number): Promise<ClaimResult> {
    const key = ledgerKey(entry)
    const claimId = newClaim()
    const values = [key, entry.kind, entry.id, entry.customId, entry.state, claimId, Math.round(leaseMs)]
    const [taken] = await query(sql.claim, values)
    if (taken) return { outcome: 'claimed', claim: claimId, previousState: taken.state }
    const [row] = await query(sql.afterRefusal, [key])
    // A claim released between the two statements: busy too, the next delivery claims it.
    return !row?.live && row?.state === entry.state ? { outcome: 'done' } : { outcome: 'busy' }
  }

  return {
    claim,
    async commit(entry, claimId) {
      await query(sql.commit, [ledgerKey(entry), claimId, entry.state, entry.paid, entry.customId])
    },
    async release(entry, claimId) {
      await query(sql.release, [ledgerKey(entry), claimId])
    },
    async paidFor(customId) {
      const [row] = await query(sql.paidFor, [customId])
      return row ? { kind: row.kind as RecordKind } : null
    },
    getCursor: async (name) => ((await query(sql.getCursor, [name]))[0]?.value as string | undefined) ?? null,
    setCursor: async (name, value) => void (await query(sql.setCursor, [name, value])),
    close: end,
  }
}
