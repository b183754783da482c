import { diagnose, gatherDoctorInputs, type CheckStatus, type DoctorReport } from '../diagnostics/index.js';
import { quoted } from '../format/quoted.js';
import { instancePath } from '../instance/instanceFile.js';
import { presenceStateDir } from '../instance/stateDir.js';
import type { GlobalOptions } from './args.js';
import { accountAskSettings, cliContext, type CliIo } from './context.js';

/** `doctor`: every check a broken setup needs, each with a concrete fix. Exit 1 when something blocks. */
export async function doctorCommand(options: GlobalOptions, io: CliIo): Promise<number> {
  // Read only: what is wrong with the config is the `config` check's to say, not a warning on stderr.
  const { codexHome, config } = await cliContext(options, { ...io, stderr: () => undefined });
  const stateDir = presenceStateDir(io.env);
  const report = diagnose(
    await gatherDoctorInputs({
      codexHome,
      config,
      env: io.env,
      platform: process.platform,
      now: io.now(),
      account: accountAskSettings(config.config, io.env),
      stateDir,
    }),
  );
  if (options.verbose) {
    // What was read, for a report that surprises: which files, and which check said what.
    io.stderr(`doctor: Codex home ${quoted(codexHome)}\n`);
    io.stderr(`doctor: config ${quoted(config.path)}${config.exists ? '' : ' (not there: defaults)'}\n`);
    io.stderr(`doctor: publisher lock ${instancePath(stateDir)}\n`);
    for (const c of report.checks) io.stderr(`doctor: ${c.id} ${c.status}: ${c.detail}\n`);
  }
  if (options.json) io.stdout(`${JSON.stringify(report, null, 2)}\n`);
  else io.stdout(`${formatDoctor(report)}\n`);
  return report.ok ? 0 : 1;
}

const MARK: Record<CheckStatus, string> = { ok: '✓', warn: '!', fail: '✗' };

export function formatDoctor(report: DoctorReport): string {
  const lines: string[] = [];
  for (const c of report.checks) {
    lines.push(`${MARK[c.status]} ${c.title}: ${c.detail}`);
    if (c.fix !== undefined && c.status !== 'ok') lines.push(`    → ${c.fix}`);
  }
  lines.push('', ...report.notes.map((n) => `Note: ${n}`), '');
  lines.push(report.ok ? 'Nothing blocks presence.' : 'Fix the ✗ items above; presence cannot work until then.');
  return lines.join('\n');
}
