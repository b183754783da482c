import picocolors from 'picocolors';

/** What a piece of text means; the painter decides how (or whether) that shows. */
export type Tone = 'plain' | 'warning' | 'critical' | 'dim' | 'strong' | 'ok' | 'accent';

export type Painter = (tone: Tone, text: string) => string;

/**
 * Colour or not: `NO_COLOR` (any non-empty value, no-color.org) wins; then
 * `FORCE_COLOR` (`0` or `false` turns it off, anything else on, also when
 * piped); otherwise colour only on a terminal.
 */
export function colorEnabled(env: NodeJS.ProcessEnv, isTTY: boolean): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  const force = env.FORCE_COLOR;
  if (force !== undefined) return !(force === '0' || force.toLowerCase() === 'false');
  return isTTY && env.TERM !== 'dumb';
}

/** Text as it is: for pipes, logs and NO_COLOR. */
export const plain: Painter = (_tone, text) => text;

/** Amber and red as the tray's warning and critical, dim for old figures. */
export function painter(color: boolean): Painter {
  if (!color) return plain;
  const c = picocolors.createColors(true);
  const paints: Record<Tone, (t: string) => string> = {
    plain: (t) => t,
    warning: c.yellow,
    critical: c.red,
    dim: c.dim,
    strong: c.bold,
    ok: c.green,
    accent: c.cyan,
  };
  return (tone, text) => (text === '' ? text : paints[tone](text));
}
