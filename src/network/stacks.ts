import type { Guest } from '../guest/types.js';
import { CliError } from '../util/errors.js';
import type { NetworkBackend } from './backend.js';
import { detectStack, type NetworkStack } from './detect.js';
import { gatherStackFacts } from './guest-facts.js';
import { ifupdownBackend } from './backends/ifupdown.js';
import { networkManagerBackend } from './backends/networkmanager.js';
import { networkdBackend } from './backends/networkd.js';
import { ifcfgBackend } from './backends/ifcfg.js';
import { wickedBackend } from './backends/wicked.js';
import { netplanBackend } from './backends/netplan.js';

// The stack a guest uses, detected from its files and enabled services, and the backend that
// reads and edits that stack's files.

const BACKENDS: Record<NetworkStack, NetworkBackend> = {
  netplan: netplanBackend,
  ifupdown: ifupdownBackend,
  networkmanager: networkManagerBackend,
  networkd: networkdBackend,
  ifcfg: ifcfgBackend,
  wicked: wickedBackend,
};

export function backendOf(stack: NetworkStack): NetworkBackend {
  return BACKENDS[stack];
}

export interface GuestStack {
  stack: NetworkStack;
  evidence: string[];
  backend: NetworkBackend;
}

/** The guest's stack and its backend; a guest with none is refused with what was seen. */
export async function guestStack(guest: Guest): Promise<GuestStack> {
  const d = detectStack(await gatherStackFacts(guest));
  if (d.stack === null) throw new CliError('unsupported', `no network stack found to configure: ${d.evidence.join('; ')}`);
  return { stack: d.stack, evidence: d.evidence, backend: backendOf(d.stack) };
}
