// The `moonclerk-checkout` command: process values in, an exit code out (the commands are in cli.ts).
import { readFileSync } from 'node:fs'
import { run } from './cli.js'

// Built, this file is dist/cli.mjs: the package's own package.json is one folder up.
const version = (() => {
  try {
    return String(JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version)
  } catch {
    return undefined
  }
})()

run(process.argv.slice(2), process.env, {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
  isTTY: !!process.stderr.isTTY,
  version,
}).then(
  (code) => void (process.exitCode = code),
  (error) => {
    console.error(error instanceof Error ? error.message : String(error))
    process.exitCode = 3
  },
)
