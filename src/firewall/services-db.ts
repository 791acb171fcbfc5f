import { CliError } from '../util/errors.js';
import type { Protocol } from './model.js';

// /etc/services: "name port/proto [aliases...]"; --service NAME for the file backends.

export interface ServicePort {
  port: string;
  /** Both when the file lists the name for tcp and udp on the same port. */
  protos: Protocol[];
}

export function lookupService(servicesText: string, name: string): ServicePort {
  const found = new Map<string, Protocol[]>();
  for (const raw of servicesText.split('\n')) {
    const fields = raw.replace(/#.*/, '').trim().split(/\s+/);
    const m = /^(\d+)\/(tcp|udp)$/.exec(fields[1] ?? '');
    if (!m || !(fields[0] === name || fields.slice(2).includes(name))) continue;
    const protos = found.get(m[1]!) ?? [];
    if (!protos.includes(m[2] as Protocol)) protos.push(m[2] as Protocol);
    found.set(m[1]!, protos);
  }
  const first = [...found.entries()][0];
  if (!first) throw new CliError('not-found', `--service ${name}: no such service in the guest's /etc/services`);
  return { port: first[0], protos: first[1].sort() };
}
