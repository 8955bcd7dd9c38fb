// The demo merchant's own server side, as docs/server.md tells a merchant to build it: MoonClerk's
// webhooks arrive at /demo/api/moonclerk (createWebhookHandler, SQLite ledger), the success page
// asks the same URL whether its cid's payment landed (GET ?cid=, sealed cids only), and a
// catch-up run (reconcile) can be started from /demo/api/reconcile. What it granted shows at
// /demo/api/grants, for the demo page and the e2e tests. It uses the BUILT server entries.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { pathToFileURL } from 'node:url'

// The demo's own secret and key: a real site keeps both in its environment, never in code.
export const DEMO_CID_SECRET = 'demo-cid-secret-not-for-production-0123456789'
export const DEMO_USER = 'demo-user-234'

async function importBuilt(root, file) {
  return import(pathToFileURL(path.join(root, 'dist', file)).href)
}

/**
 * Starts the merchant's side against the stand-in at `standInOrigin` (whose REST API key is
 * `apiKey`). Returns `handle(req, res, pathname)`, which answers the merchant routes and returns
 * true, or returns false for any other path; and close().
 */
export async function startMerchant({ root, standInOrigin, apiKey }) {
  const [server, sqlite] = await Promise.all([importBuilt(root, 'server.mjs'), importBuilt(root, 'server-sqlite.mjs')])
  // A fresh ledger per run: the demo starts clean, as the stand-in does.
  const dir = mkdtempSync(path.join(tmpdir(), 'moonclerk-demo-'))
  const ledger = sqlite.sqliteLedger(path.join(dir, 'ledger.db'))
  const grants = []
  const options = {
    apiKey,
    apiBase: standInOrigin + '/',
    ledger,
    cidSecret: DEMO_CID_SECRET,
    // What a shop does here: unlock the account the cid names, record the order.
    onPayment: async (payment, context) => {
      grants.push({
        kind: 'payment',
        id: payment.id,
        customId: payment.custom_id,
        source: context.source,
        at: Date.now(),
      })
    },
    onPlan: async (customer, context) => {
      grants.push({
        kind: 'plan',
        id: customer.id,
        customId: customer.custom_id,
        state: context.state,
        source: context.source,
        at: Date.now(),
      })
    },
    logger: (line) => process.env.DEMO_LOG_WEBHOOKS && console.error('[webhook]', JSON.stringify(line)),
  }
  const listener = server.toNodeListener(server.createWebhookHandler(options))

  const json = (res, status, body) => {
    res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' })
    res.end(JSON.stringify(body))
  }

  async function handle(req, res, pathname) {
    if (pathname === '/demo/api/moonclerk') return listener(req, res).then(() => true)
    if (pathname === '/demo/api/grants' && req.method === 'GET') return (json(res, 200, { grants }), true)
    if (pathname === '/demo/api/sealed-cid' && req.method === 'GET') {
      return (json(res, 200, { cid: await server.sealCid(DEMO_USER, DEMO_CID_SECRET) }), true)
    }
    if (pathname === '/demo/api/reconcile' && req.method === 'POST') {
      const since = new Date().toISOString().slice(0, 10)
      const summary = await server.reconcile({ ...options, since }).catch((error) => ({ error: error.message }))
      return (json(res, summary.error ? 502 : 200, summary), true)
    }
    return false
  }

  const close = async () => {
    await ledger.close()
    rmSync(dir, { recursive: true, force: true })
  }
  // What a merchant's page template renders into data-moonclerk-cid: the signed-in user's id, sealed.
  const sealedCid = () => server.sealCid(DEMO_USER, DEMO_CID_SECRET)
  return { handle, close, sealedCid, webhookUrl: '/demo/api/moonclerk' }
}
