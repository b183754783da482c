import { runCli } from './main.js';

runCli(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
  now: Date.now,
})
  .then((code) => {
    process.exitCode = code;
  })
  .catch((error: unknown) => {
    process.stderr.write(`codex-discord-presence: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
