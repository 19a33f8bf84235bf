import type { PlainLabelKey } from '../../messages/labels.ts';
import { t } from '../../platform/i18n.ts';
import type { Report } from '../../protocol/report.ts';
import { localNumber, natSummary } from '../check-text.ts';

type Nat = NonNullable<Report['nat']>;

const yesNo = (v: boolean | null, yes: PlainLabelKey, no: PlainLabelKey) =>
  v === null ? t('common_not_measured') : v ? t(yes) : t(no);
const MAPPING: Record<Nat['mapping'], PlainLabelKey> = {
  'endpoint-independent': 'nat_mapping_endpoint_independent',
  symmetric: 'nat_mapping_symmetric',
  unknown: 'common_not_measured',
};

/** What the relay saw of this computer's address translation. */
export function NatDetails({ nat }: { nat: Nat }) {
  return (
    <>
      <p>{natSummary(nat)}</p>
      <dl class="figures">
        <dt>{t('nat_behind_label')}</dt>
        <dd>{yesNo(nat.natDetected, 'common_yes', 'common_no')}</dd>
        <dt>{t('nat_mapping_label')}</dt>
        <dd>{t(MAPPING[nat.mapping])}</dd>
        <dt>{t('nat_paths_label')}</dt>
        <dd>{yesNo(nat.pathsDiffer, 'nat_paths_different', 'nat_paths_same')}</dd>
        <dt>{t('nat_ports_compared_label')}</dt>
        <dd>{localNumber(nat.portsCompared)}</dd>
      </dl>
    </>
  );
}
