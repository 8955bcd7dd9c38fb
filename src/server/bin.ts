// The `moonclerk-checkout` command: process values in, an exit code out (the commands are in cli.ts).
import { run } from './cli.js'

run(process.argv.slice(2), process.env, {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
  isTTY: !!process.stderr.isTTY,
}).then(
  (code) => void (process.exitCode = code),
  (error) => {
    console.error(error instanceof Error ? error.message : String(error))
    process.exitCode = 3
  },
)
