import { clientIdCheck, configCheck } from './config.js';
import { handshakeCheck, ipcCheck } from './discord.js';
import { codexHomeCheck, fileAccessCheck, recentFilesChecks, sessionsCheck, specialFilesCheck } from './home.js';
import type { DoctorInputs } from './inputs.js';
import { accountCheck, limitsCheck } from './limits.js';
import { NOTES, type Check, type DoctorReport } from './report.js';
import { loginCheck, publisherCheck } from './system.js';

export { gatherDoctorInputs, type DoctorEdge } from './gather.js';
export type { DoctorInputs } from './inputs.js';
export type { Check, CheckStatus, DoctorReport } from './report.js';

/**
 * `doctor`: every check a broken setup needs, each with a concrete fix, in
 * the order a person would fix them. Pure: the same inputs give the same
 * report. `ok` is false when something blocks presence.
 */
export function diagnose(inputs: DoctorInputs): DoctorReport {
  const engine = inputs.engine;
  const checks: Check[] = [
    codexHomeCheck(inputs),
    sessionsCheck(inputs),
    ...recentFilesChecks(inputs),
    ...present(fileAccessCheck(inputs)),
    configCheck(inputs.config),
    clientIdCheck(inputs.config, inputs.builtInClientId),
    ipcCheck(inputs.discord),
    ...present(handshakeCheck(inputs.discord)),
    ...(engine === null
      ? []
      : [...present(specialFilesCheck(engine)), limitsCheck(engine, inputs.now), accountCheck(engine.account)]),
    loginCheck(inputs),
    publisherCheck(inputs),
  ];
  return { ok: checks.every((c) => c.status !== 'fail'), checks, notes: NOTES };
}

function present(check: Check | null): Check[] {
  return check === null ? [] : [check];
}
