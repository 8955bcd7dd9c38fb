// @vitest-environment node
// The memory ledger keeps the same contract within one process (it cannot survive a restart).
import { memoryLedgerForTestsOnly } from '../src/server/ledger/memory'
import { ledgerContract } from './ledger-contract'

ledgerContract('memory', {
  // "Another connection" to memory is the same ledger: there is no other.
  freshStore() {
    const ledger = memoryLedgerForTestsOnly()
    return { connect: () => ledger }
  },
  durable: false,
})
