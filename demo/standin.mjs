// A local stand-in for MoonClerk, following its documentation (docs/moonclerk.md): embed.js,
// the hosted checkout, the read-only REST API and webhooks. Its modules are in demo/standin/; this
// file keeps the import path that demo/serve.mjs and the tests use.
export { startStandIn } from './standin/server.mjs'
