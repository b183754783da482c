/** The command-line tool's name, as messages tell people to type it. */
export const BINARY = 'codex-discord-presence';
