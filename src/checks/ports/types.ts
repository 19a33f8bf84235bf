/** Results of the firewall port matrix; defined once, as the report's schemas (src/protocol/report.ts). */
export type { PortResult, PortStatus, RemediationLine, RowResult, RowStatus } from '../../protocol/report.ts';
