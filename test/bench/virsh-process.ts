import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { AgentTransport } from '../../src/agent/transport.js';

// BENCHMARK BASELINE ONLY: the old way, one `virsh qemu-agent-command --cmd JSON` process
// per request. It puts every payload into argv (readable with ps), which is why guestctl
// no longer does this; `npm run bench` keeps it to show what the long-lived shell costs or
// saves per 64 KiB call.

const pexec = promisify(execFile);

export function virshProcessTransport(domain: string, uri: string): AgentTransport {
  return {
    target: { label: `domain ${domain} (virsh per request)`, domain, uri },
    maxRequestBytes: 96 << 10,
    maxReplyBytes: 4 << 20,
    async request(cmd: string, args?: object) {
      const json = JSON.stringify(args === undefined ? { execute: cmd } : { execute: cmd, arguments: args });
      const r = await pexec('virsh', ['--connect', uri, 'qemu-agent-command', '--domain', domain, '--timeout', '60', '--cmd', json], {
        env: { ...process.env, LC_ALL: 'C' },
        maxBuffer: 8 << 20,
      });
      const reply = JSON.parse(r.stdout) as { return?: unknown; error?: { desc?: string } };
      if (reply.error) throw new Error(`${cmd}: ${reply.error.desc}`);
      return reply.return;
    },
    async close() {},
  };
}
