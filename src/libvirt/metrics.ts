import { STATE_SLUGS } from './parse.js';
import type { ScanResult } from './scan.js';

// A scan in the Prometheus text exposition format (version 0.0.4). Every domain series
// carries {host, domain}. The state is an enum the Prometheus way: one
// guestctl_domain_state series per libvirt state, 1 for the current one and 0 for the
// others, with the state in a `state` label (nostate, running, blocked, paused, shutdown,
// shutoff, crashed, pmsuspended).

export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

interface Family {
  name: string;
  type: 'gauge' | 'counter';
  help: string;
  samples: { labels: Record<string, string>; value: number }[];
}

export function renderMetrics(result: ScanResult): string {
  const fam = (name: string, type: Family['type'], help: string): Family => ({ name, type, help, samples: [] });
  const used = fam('guestctl_domain_memory_used_bytes', 'gauge', 'Memory the domain has now (libvirt current balloon size); 0 when it is not running.');
  const max = fam('guestctl_domain_memory_max_bytes', 'gauge', 'Maximum memory of the domain (absent when unlimited or unknown).');
  const cpu = fam('guestctl_domain_cpu_seconds_total', 'counter', 'CPU time the domain has used since it started (absent when it is not running).');
  const vcpus = fam('guestctl_domain_vcpus', 'gauge', 'Virtual CPUs of the domain.');
  const state = fam('guestctl_domain_state', 'gauge', 'Domain state: 1 for the current state, 0 for the others, one series per libvirt state.');
  const agent = fam('guestctl_domain_agent_up', 'gauge', '1 when the guest agent answered the scan (possibly from the cache), else 0.');
  const info = fam('guestctl_domain_info', 'gauge', 'Always 1; the labels carry the OS reported by the guest agent ("" when unknown).');
  const hostUp = fam('guestctl_host_up', 'gauge', '1 when the libvirt connection answered, else 0.');
  const duration = fam('guestctl_scan_duration_seconds', 'gauge', 'How long the scan behind this scrape took.');

  for (const r of result.rows) {
    const l = { host: r.host, domain: r.name };
    used.samples.push({ labels: l, value: (r.memoryUsedKiB ?? 0) * 1024 });
    if (r.memoryMaxKiB !== null) max.samples.push({ labels: l, value: r.memoryMaxKiB * 1024 });
    if (r.cpuSeconds !== null) cpu.samples.push({ labels: l, value: r.cpuSeconds });
    if (r.vcpus !== null) vcpus.samples.push({ labels: l, value: r.vcpus });
    STATE_SLUGS.forEach((slug, code) => state.samples.push({ labels: { ...l, state: slug }, value: r.stateCode === code ? 1 : 0 }));
    agent.samples.push({ labels: l, value: r.agent === 'up' ? 1 : 0 });
    info.samples.push({ labels: { ...l, os: r.os ?? '' }, value: 1 });
  }
  for (const h of result.hosts) hostUp.samples.push({ labels: { host: h.host }, value: h.up ? 1 : 0 });
  duration.samples.push({ labels: {}, value: result.durationMs / 1000 });

  return [used, max, cpu, vcpus, state, agent, info, hostUp, duration].map(renderFamily).join('');
}

function renderFamily(f: Family): string {
  let s = `# HELP ${f.name} ${escapeHelp(f.help)}\n# TYPE ${f.name} ${f.type}\n`;
  for (const x of f.samples) s += `${f.name}${renderLabels(x.labels)} ${formatValue(x.value)}\n`;
  return s;
}

function renderLabels(labels: Record<string, string>): string {
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabel(v)}"`);
  return parts.length ? `{${parts.join(',')}}` : '';
}

/** Label values: backslash, double quote and newline are escaped. */
export function escapeLabel(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function escapeHelp(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}
