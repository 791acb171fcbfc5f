import { describe, expect, it } from 'vitest';
import type { Guest, GuestFileReader } from '../../src/guest/types.js';
import { syslogFileTail } from '../../commands/service-management/_shared/syslog-file-tail.js';

// The streaming syslog tail keeps only the last n matching lines, whatever the chunk boundaries.

function streamingGuest(chunks: string[]): Guest {
  const reader: GuestFileReader = {
    path: '/var/log/syslog',
    size: chunks.join('').length,
    async *chunks() {
      for (const c of chunks) yield Buffer.from(c);
    },
    async close() {},
  };
  return { fs: { openReader: async () => reader, readFile: async () => Buffer.from('not used') } } as unknown as Guest;
}

describe('syslogFileTail', () => {
  it('lines split across chunks are joined; only the last n lines of the unit are kept', async () => {
    const text = Array.from({ length: 50 }, (_, i) => `Dec  4 18:13:${String(i).padStart(2, '0')} deb12 ${i % 2 ? 'cron' : 'sshd'}[${i}]: line ${i}`).join('\n');
    const chunks = text.match(/[\s\S]{1,7}/g)!;
    const lines = await syslogFileTail(streamingGuest(chunks), '/var/log/syslog', 'cron', 3, new AbortController().signal);
    expect(lines).toEqual(['Dec  4 18:13:45 deb12 cron[45]: line 45', 'Dec  4 18:13:47 deb12 cron[47]: line 47', 'Dec  4 18:13:49 deb12 cron[49]: line 49']);
  });
});
