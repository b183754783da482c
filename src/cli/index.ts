import { runCli } from './main.js';

runCli(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
  now: Date.now,
  isTTY: process.stdout.isTTY === true,
  onSignal: (handler) => {
    const on = (signal: NodeJS.Signals): void => handler(signal);
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
    return () => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
    };
  },
})
  .then((code) => {
    process.exitCode = code;
  })
  .catch((error: unknown) => {
    process.stderr.write(`codex-discord-presence: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
