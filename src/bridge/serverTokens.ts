/**
 * Bearer tokens of the servers a call talks to (server address → token). The
 * bridge adds each to that server's requests only, for this call only: one bridge
 * serves several servers, so nothing process-wide (no environment variable) holds them.
 */
export interface ServerTokens {
  readonly tokens?: Readonly<Record<string, string>>;
}
