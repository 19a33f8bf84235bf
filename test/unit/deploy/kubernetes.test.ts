import { readdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { validate as daemonSet } from 'kubernetes-models/_schemas/IoK8sApiAppsV1DaemonSet';
import { validate as configMap } from 'kubernetes-models/_schemas/IoK8sApiCoreV1ConfigMap';
import { validate as namespace } from 'kubernetes-models/_schemas/IoK8sApiCoreV1Namespace';
import { validate as secret } from 'kubernetes-models/_schemas/IoK8sApiCoreV1Secret';
import { validate as service } from 'kubernetes-models/_schemas/IoK8sApiCoreV1Service';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { CONFIGMAP_PATH, providerConfig, providerConfigMapText } from '../../../scripts/provider-config.ts';
import { type ValidateFunc, validateStrict } from '../../helpers/strict-k8s.ts';

const dir = new URL('../../../deploy/kubernetes/', import.meta.url);
const docs = readdirSync(dir)
  .filter((f) => f.endsWith('.yaml'))
  .flatMap((f) =>
    parseAllDocuments(readFileSync(new URL(f, dir), 'utf8')).map((d, i) => {
      if (d.errors.length > 0) throw new Error(`${f} document ${i + 1}: ${d.errors[0]?.message}`);
      return { file: f, object: d.toJS() as { apiVersion: string; kind: string } & Record<string, unknown> };
    }),
  );

/**
 * The built-in kinds, each checked strictly against its Kubernetes OpenAPI schema (kubernetes-models,
 * offline): wrong types, missing required fields, and fields the schema does not have (a misspelling).
 */
const VALIDATORS: Record<string, ValidateFunc> = {
  'v1/Namespace': namespace,
  'v1/ConfigMap': configMap,
  'v1/Secret': secret,
  'v1/Service': service,
  'apps/v1/DaemonSet': daemonSet,
};
/** Custom resources whose schemas ship with their operator, not with Kubernetes: checked by hand below. */
const CUSTOM = ['cert-manager.io/v1/Certificate'];

const one = <T>(kind: string): T => {
  const found = docs.filter((d) => d.object.kind === kind);
  expect(found, kind).toHaveLength(1);
  return found[0]?.object as unknown as T;
};

describe('Kubernetes manifests', () => {
  it('every document validates strictly against the schema of its kind', () => {
    expect(docs.length).toBeGreaterThanOrEqual(6);
    for (const { file, object } of docs) {
      const key = `${object.apiVersion}/${object.kind}`;
      if (CUSTOM.includes(key)) continue;
      const validate = VALIDATORS[key];
      expect(validate, `${file}: ${key} has no validator`).toBeDefined();
      expect(validateStrict(validate as ValidateFunc, object), `${file}: ${key}`).toEqual({
        unknown: [],
        invalid: [],
      });
    }
  });

  it('the validation catches a wrong type (so the check above means something)', () => {
    const ds = structuredClone(one<{ spec: { template: { spec: Record<string, unknown> } } }>('DaemonSet'));
    ds.spec.template.spec.hostNetwork = 'yes';
    expect(validateStrict(daemonSet, ds).invalid).toEqual([
      '/spec/template/spec/hostNetwork type {"type":"boolean"}',
    ]);
  });

  it('the validation catches misspelled and unknown fields, at any depth, in every kind', () => {
    type Pod = { containers: Array<Record<string, unknown>> } & Record<string, unknown>;
    const ds = structuredClone(one<{ spec: { template: { spec: Pod } } }>('DaemonSet'));
    const pod = ds.spec.template.spec;
    pod.hostNetwrok = pod.hostNetwork;
    delete pod.hostNetwork;
    const container = pod.containers[0] as Record<string, unknown>;
    container.readinesProbe = container.readinessProbe;
    delete container.readinessProbe;
    (container.securityContext as Record<string, unknown>).runAsNonroot = true;
    expect(validateStrict(daemonSet, ds)).toEqual({
      unknown: [
        '/spec/template/spec/containers/0/readinesProbe',
        '/spec/template/spec/containers/0/securityContext/runAsNonroot',
        '/spec/template/spec/hostNetwrok',
      ],
      invalid: [],
    });
    const cm = structuredClone(one<Record<string, unknown>>('ConfigMap'));
    cm.date = cm.data;
    delete cm.data;
    expect(validateStrict(configMap, cm).unknown).toEqual(['/date']);
    // Map keys (labels, annotations, a ConfigMap's data) are the manifest's own, not schema fields.
    const labelled = structuredClone(one<{ metadata: Record<string, unknown> }>('Service'));
    labelled.metadata.labels = { 'any-label/at.all': 'x' };
    expect(validateStrict(service, labelled)).toEqual({ unknown: [], invalid: [] });
  });

  it('runs one relay per node on host networking, ready on /readyz, drained within the grace period', () => {
    const ds = one<{
      spec: { template: { metadata: { annotations: Record<string, string> }; spec: Record<string, never> } };
    }>('DaemonSet');
    const pod = ds.spec.template.spec as unknown as {
      hostNetwork: boolean;
      terminationGracePeriodSeconds: number;
      containers: Array<Record<string, never>>;
      volumes: Array<{ name: string; secret?: { secretName: string } }>;
    };
    expect(pod.hostNetwork).toBe(true);
    const c = pod.containers[0] as unknown as {
      readinessProbe: { httpGet: { path: string; port: number; scheme: string } };
      envFrom: Array<{ secretRef: { name: string } }>;
      securityContext: { capabilities: { add: string[]; drop: string[] }; allowPrivilegeEscalation: boolean };
      volumeMounts: Array<{ name: string; mountPath: string; subPath?: string }>;
      args: string[];
    };
    const config = providerConfig() as { port: number; cert: string; 'shutdown-grace-ms': number };
    expect(c.readinessProbe.httpGet).toEqual({ path: '/readyz', port: config.port, scheme: 'HTTPS' });
    // SIGTERM drains for shutdown-grace-ms, then up to 1 s of closing: all before Kubernetes kills it.
    expect(pod.terminationGracePeriodSeconds * 1000).toBeGreaterThan(config['shutdown-grace-ms'] + 1000);
    // The PostgreSQL URL (and support tokens) come from a Secret.
    const secret = one<{ metadata: { name: string }; stringData: Record<string, string> }>('Secret');
    expect(c.envFrom.map((e) => e.secretRef.name)).toEqual([secret.metadata.name]);
    expect(Object.keys(secret.stringData)).toContain('SVC_RELAY_DB_URL');
    expect(c.securityContext.capabilities).toEqual({ drop: ['ALL'], add: ['NET_BIND_SERVICE'] });
    expect(c.securityContext.allowPrivilegeEscalation).toBe(false);
    // The TLS secret is mounted as a folder where the config looks for the certificate (so renewals show).
    const tlsMount = c.volumeMounts.find((m) => m.name === 'tls');
    expect(tlsMount?.mountPath).toBe(dirname(config.cert));
    expect(tlsMount?.subPath).toBeUndefined();
    const certificate = one<{ spec: { secretName: string } }>('Certificate');
    expect(pod.volumes.find((v) => v.name === 'tls')?.secret?.secretName).toBe(certificate.spec.secretName);
    expect(ds.spec.template.metadata.annotations).toMatchObject({
      'prometheus.io/scrape': 'true',
      'prometheus.io/path': '/metrics',
      'prometheus.io/port': String(config.port),
    });
  });

  it('the ConfigMap is deploy/relay.json (run npm run docs:relay-config after a change)', () => {
    expect(readFileSync(new URL(`../../../${CONFIGMAP_PATH}`, import.meta.url), 'utf8')).toBe(
      providerConfigMapText(),
    );
  });
});
