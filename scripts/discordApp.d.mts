export function builtInClientId(env?: NodeJS.ProcessEnv): Promise<string>;
export function discordDefine(env?: NodeJS.ProcessEnv): Promise<{ __CDP_DISCORD_CLIENT_ID__: string }>;
