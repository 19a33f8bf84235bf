/** The result shape every check returns; defined once, as the report's schema (src/protocol/report.ts). */
export type { CheckResult, CheckStatus, FailedStep } from '../protocol/report.ts';
