// The coder/agentapi release whose wire formats this build speaks. Used only
// for `--version` and the OpenAPI `info.version`: shell scripts gate features
// (SIGUSR1 saves, state flags) on the last field of `agentapi --version`.
export const AGENTAPI_COMPAT_VERSION = '0.12.1';
