// The built-in Discord application id (issue 23 §1): read from the environment
// at build time (`CDP_DISCORD_CLIENT_ID`, a repository variable in
// .github/workflows/release.yml) by scripts/build-cli.mjs and
// electron.vite.config.ts, and checked by the very rule a user's id is
// (src/settings/rules.ts): a bad value fails the build, never ships.
import { transform } from 'esbuild';
import { readFileSync } from 'node:fs';

const RULES = new URL('../src/settings/rules.ts', import.meta.url);

/** The rules module, compiled on the fly: it imports nothing, so one transform is the whole module. */
async function rules() {
  const { code } = await transform(readFileSync(RULES, 'utf8'), { loader: 'ts', format: 'esm' });
  return import(`data:text/javascript;base64,${Buffer.from(code).toString('base64')}`);
}

/**
 * The id to bake in: '' when the variable is unset or empty (a source build:
 * no built-in application). Throws with the reason when it is not one.
 */
export async function builtInClientId(env = process.env) {
  const value = (env.CDP_DISCORD_CLIENT_ID ?? '').trim();
  if (value === '') return '';
  const { clientIdProblem } = await rules();
  const problem = clientIdProblem(value);
  if (problem !== null)
    throw new Error(`CDP_DISCORD_CLIENT_ID ${JSON.stringify(value)} is not a Discord application id. ${problem}`);
  return value;
}

/** The `define` entry both builds add, so src/discord/application.ts sees the id. */
export async function discordDefine(env = process.env) {
  return { __CDP_DISCORD_CLIENT_ID__: JSON.stringify(await builtInClientId(env)) };
}
