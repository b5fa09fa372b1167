export { checkConfig } from './check';
export { validateConfig, explainConfig, ConsentGateConfigError, type ValidationResult } from './validate';
export { resolveConfig, modeForRegion, type ResolvedConfig, type ResolvedCategory, type ResolvedSignal } from './resolve';
export { isSafeUrl } from './safe-url';
export { HOST_PATTERN } from './config-rules';
