// @vitest-environment node
// The PostgreSQL ledger on a real server (`npm run db:start` starts one here; CI's .ci/run too).
// Every test gets a schema of its own, dropped at the end. No server: outside CI the suite is
// skipped and says why; in CI (CI set) it fails.
import pg from 'pg'
import { afterAll, describe, expect, test } from 'vitest'
import { postgresLedger } from '../src/server/ledger/postgres'
import { HOUR, claimOf, grant, ledgerContract, paymentEntry, planEntry } from './ledger-contract'

const URL = process.env.MOONCLERK_TEST_POSTGRES_URL || 'postgres://postgres:postgres@127.0.0.1:5432/postgres'
const SHOWN = URL.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@')
const inCI = !!process.env.CI && process.env.CI !== 'false'

/** null when the server answers, else why not. */
async function unreachable() {
  const client = new pg.Client({ connectionString: URL, connectionTimeoutMillis: 3_000 })
  try {
    await client.connect()
    await client.query('SELECT 1')
    return null
  } catch (error) {
    return (error as Error).message || String(error)
  } finally {
    await client.end().catch(() => {})
  }
}

const why = await unreachable()
const REASON = `no PostgreSQL at ${SHOWN} (${why}): run \`npm run db:start\`, or set MOONCLERK_TEST_POSTGRES_URL`

if (why && inCI) {
  test('PostgreSQL is reachable (required in CI)', () => {
    throw new Error(REASON)
  })
} else if (why) {
  test.skip(`PostgreSQL ledger tests skipped: ${REASON}`, () => {})
  console.warn(`ledger-postgres: skipped, ${REASON}`)
} else {
  postgresTests()
}

function postgresTests() {
  const admin = new pg.Pool({ connectionString: URL, max: 2 })
  const run = `mc_test_${process.pid}_${Date.now().toString(36)}`
  let schemas = 0
  const freshSchema = () => `${run}_${++schemas}`
  afterAll(async () => {
    const { rows } = await admin.query('SELECT nspname FROM pg_namespace WHERE nspname LIKE $1', [`${run}\\_%`])
    for (const { nspname } of rows) await admin.query(`DROP SCHEMA "${nspname}" CASCADE`)
    await admin.end()
  })

  ledgerContract('postgres', {
    freshStore() {
      const schema = freshSchema()
      // Each connect() is a new pool: another instance of the server, with its own connections.
      return { connect: () => postgresLedger({ connectionString: URL, schema }) }
    },
    durable: true,
  })

  describe('postgres: clients and schemas', () => {
    test('{ pool }: any client with query(text, values) → { rows }, left open by close()', async () => {
      const pool = new pg.Pool({ connectionString: URL, max: 2 })
      const schema = freshSchema()
      // What a Neon-style serverless client offers: query() and nothing else.
      const ledger = postgresLedger({ pool: { query: (text, values) => pool.query(text, values) }, schema })
      await grant(ledger, paymentEntry('1001'))
      await ledger.close()
      const { rows } = await pool.query(`SELECT key, state, paid, custom_id FROM "${schema}".moonclerk_ledger`)
      expect(rows).toStrictEqual([{ key: 'payment:1001', state: 'paid', paid: true, custom_id: 'user-1' }])
      const again = postgresLedger({ pool, schema })
      expect(await again.claim(paymentEntry('1001'), HOUR)).toStrictEqual({ outcome: 'done' })
      await pool.end()
    })

    test('tables are created on first use, prefixed, with BIGINT times and an index on custom_id', async () => {
      const schema = freshSchema()
      const ledger = postgresLedger({ connectionString: URL, schema })
      expect(await ledger.getCursor('any')).toBeNull()
      await ledger.close()
      const { rows } = await admin.query(
        `SELECT table_name, column_name, data_type FROM information_schema.columns
         WHERE table_schema = $1 AND data_type = 'bigint' ORDER BY column_name`,
        [schema],
      )
      expect(rows.map((row) => `${row.table_name}.${row.column_name}`)).toStrictEqual([
        'moonclerk_ledger.changed_at',
        'moonclerk_ledger.lease_until',
      ])
      const indexes = await admin.query('SELECT indexname FROM pg_indexes WHERE schemaname = $1 ORDER BY 1', [schema])
      expect(indexes.rows.map((row) => row.indexname)).toStrictEqual([
        'moonclerk_cursors_pkey',
        'moonclerk_ledger_custom_id',
        'moonclerk_ledger_pkey',
      ])
    })

    test('ten instances starting at once on an empty database all create and use the tables', async () => {
      const schema = freshSchema()
      const ledgers = Array.from({ length: 10 }, () => postgresLedger({ connectionString: URL, schema }))
      const outcomes = await Promise.all(ledgers.map((ledger) => ledger.claim(paymentEntry('1001'), HOUR)))
      expect(outcomes.filter((result) => result.outcome === 'claimed')).toHaveLength(1)
      await Promise.all(ledgers.map((ledger) => ledger.close()))
    })

    test('an unreachable server rejects the call, and the next call tries again', async () => {
      const ledger = postgresLedger({ connectionString: 'postgres://nobody:wrong@127.0.0.1:1/none' })
      await expect(ledger.getCursor('any')).rejects.toThrow()
      await expect(ledger.getCursor('any')).rejects.toThrow()
      await ledger.close()
    })

    test('paidFor keeps the order of commits made within one millisecond of the database clock', async () => {
      // The contract's frozen Date.now() does not reach PostgreSQL's clock: this client freezes it.
      const pool = new pg.Pool({ connectionString: URL, max: 2 })
      const frozen = `'2026-01-01T00:00:00Z'::timestamptz`
      let frozenCalls = 0
      const query = (text: string, values?: unknown[]) => {
        if (text.includes('clock_timestamp()')) frozenCalls++
        return pool.query(text.split('clock_timestamp()').join(frozen), values)
      }
      const ledger = postgresLedger({ pool: { query }, schema: freshSchema() })
      const plan = (id: string) => planEntry(id, 'active')
      const entries = [paymentEntry('1001'), plan('500001'), paymentEntry('1002'), plan('500002')]
      const held = await Promise.all(entries.map(async (entry) => claimOf(await ledger.claim(entry, HOUR))))
      for (const [index, entry] of entries.entries()) {
        await ledger.commit(entry, held[index]!)
        expect(await ledger.paidFor('user-1')).toStrictEqual({ kind: entry.kind })
      }
      expect(frozenCalls).toBeGreaterThan(0) // else the adapter's clock is elsewhere, and this test tests nothing
      await pool.end()
    })

    test('a schema name that is not a plain identifier is refused', () => {
      expect(() => postgresLedger({ connectionString: URL, schema: 'a"; DROP TABLE x; --' })).toThrow(TypeError)
    })
  })
}
