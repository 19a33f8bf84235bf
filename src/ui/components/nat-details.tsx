import type { Report } from '../../protocol/report.ts';

type Nat = NonNullable<Report['nat']>;

const yesNo = (v: boolean | null, yes: string, no: string) => (v === null ? 'not measured' : v ? yes : no);
const MAPPING: Record<Nat['mapping'], string> = {
  'endpoint-independent': 'Endpoint-independent (one mapping for all destinations; good for media)',
  symmetric: 'Symmetric (a new mapping per destination; media may need a TURN relay)',
  unknown: 'not measured',
};

/** What the relay saw of this computer's address translation. */
export function NatDetails({ nat }: { nat: Nat }) {
  return (
    <>
      <p>{nat.summary}</p>
      <dl class="figures">
        <dt>Behind NAT</dt>
        <dd>{yesNo(nat.natDetected, 'Yes', 'No')}</dd>
        <dt>Mapping</dt>
        <dd>{MAPPING[nat.mapping]}</dd>
        <dt>Web and UDP paths</dt>
        <dd>{yesNo(nat.pathsDiffer, 'Different public addresses', 'Same public address')}</dd>
        <dt>Relay ports compared</dt>
        <dd>{nat.portsCompared}</dd>
      </dl>
    </>
  );
}
