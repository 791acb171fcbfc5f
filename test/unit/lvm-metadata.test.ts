import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { dmTable, linearMapping } from '../../src/lvm/lv-mapping.js';
import { parseMetadataText } from '../../src/lvm/metadata-text.js';
import { parseVolumeGroup } from '../../src/lvm/metadata.js';

// Two real metadata texts (a Debian 7 vgcfgbackup, and an Ubuntu 14.04 VG of 4 PVs reconstructed
// by hand in a forum thread, quirks included) and two constructed in lvm2 2.03's layout for the
// RHEL default VG with a snapshot, and for striped, thin and raid LVs. Sources are named in each
// file's header.

const sample = (name: string): string => readFileSync(new URL(`samples/lvm/${name}`, import.meta.url), 'utf8');
const MiB = 1024 * 1024;
const EXTENT = 4 * MiB;

describe('parseMetadataText', () => {
  it('reads sections, strings with escapes, integers, floats, lists and comments', () => {
    const top = parseMetadataText('a = "x\\"y\\\\z" # c\nb=-3 c = 1.5 d = [ "p", 1 , [] ]\ns { t { u = [] } }\n');
    expect(top.values.get('a')).toBe('x"y\\z');
    expect(top.values.get('b')).toBe(-3);
    expect(top.values.get('c')).toBe(1.5);
    expect(top.values.get('d')).toEqual(['p', 1, []]);
    expect(top.sections.get('s')?.sections.get('t')?.values.get('u')).toEqual([]);
  });

  it.each<[string, string, RegExp]>([
    ['an unterminated string', 'a = "abc', /line 1: unterminated string/],
    ['a missing closing brace', 'vg {\n a = 1\n', /line 3: missing '}'/],
    ['a stray closing brace', '}', /unexpected '}'/],
    ['a list without separators', 'a = [1 2]', /expected ',' or ']'/],
    ['a bare word as a value', 'a = b', /expected a value/],
    ['a key without = or {', 'a 1', /expected '=' or '\{'/],
    ['a number beyond 2^53', 'a = 123456789012345678901', /too large/],
    ['sections nested too deeply', 'a {'.repeat(100), /nested too deeply/],
    ['lists nested too deeply', `a = ${'['.repeat(100)}`, /nested too deeply/],
  ])('refuses %s with the line', (_name, text, message) => {
    expect(() => parseMetadataText(text)).toThrow(message);
  });

  it('refuses a text larger than any real metadata area', () => {
    expect(() => parseMetadataText(' '.repeat(17 * MiB))).toThrow(/allowed/);
  });
});

describe('parseVolumeGroup on real metadata', () => {
  it('Debian 7 vgcfgbackup (lvm2 2.02.95): one linear LV', () => {
    const vg = parseVolumeGroup(sample('debian7-vgcfgbackup.vg'));
    expect(vg).toMatchObject({ name: 'test', uuid: 'gQ7NxF-uSH4-NsDQ-oWi2-jc2J-Ky6Z-TMy5n6', seqno: 3, extentSize: 8192 });
    expect(vg.pvs).toEqual([
      { key: 'pv0', uuid: 'JIrYxo-FzX5-5oMa-qwO7-SPnQ-noZ2-K4WEY5', deviceHint: '/dev/sdb1', devSize: 10485760, peStart: 2048, peCount: 1279 },
    ]);
    expect(vg.lvs.map((l) => [l.name, l.visible, l.segments.length])).toEqual([['lv', true, 1]]);
    expect(linearMapping(vg, 'lv')).toEqual({
      ok: true,
      value: [{ pvUuid: 'JIrYxo-FzX5-5oMa-qwO7-SPnQ-noZ2-K4WEY5', pvOffsetBytes: 1 * MiB, lengthBytes: 1279 * EXTENT }],
    });
    expect(dmTable(vg, 'lv', () => '/dev/loop7')).toEqual({ ok: true, value: '0 10477568 linear /dev/loop7 2048\n' });
    // Devices that start at the PV's data area (pe_start 2048 sectors) instead of its label:
    expect(dmTable(vg, 'lv', () => '/dev/loop7', true)).toEqual({ ok: true, value: '0 10477568 linear /dev/loop7 0\n' });
  });

  it('Ubuntu 14.04 apollo-vg (lvm2 2.02.98, hand-edited): root in 5 segments over 4 PVs, swap_1', () => {
    const vg = parseVolumeGroup(sample('ubuntu1404-apollo-vg-multisegment.vg'));
    expect(vg.name).toBe('apollo-vg');
    expect(vg.pvs.map((p) => [p.key, p.peStart, p.peCount])).toEqual([
      ['pv0', 384, 119173],
      ['pv1', 2048, 238466],
      ['pv2', 2048, 119234],
      ['pv3', 2048, 476931],
    ]);
    const root = linearMapping(vg, 'root');
    if (!root.ok) throw new Error(root.unsupported);
    expect(root.value.map((e) => [e.pvUuid.slice(0, 6), e.pvOffsetBytes, e.lengthBytes / EXTENT])).toEqual([
      ['aib9B7', 384 * 512, 118161],
      ['aib9B7', 384 * 512 + 119161 * EXTENT, 12],
      ['9BK8DS', 1 * MiB, 238466],
      ['nZLEq4', 1 * MiB, 119234],
      ['s0sATe', 1 * MiB, 476931],
    ]);
    const table = dmTable(vg, 'root', (uuid) => `/dev/pv-${uuid.slice(0, 6)}`);
    expect(table.ok && table.value.split('\n')[2]).toBe(`${118173 * 8192} ${238466 * 8192} linear /dev/pv-9BK8DS 2048`);
    expect(linearMapping(vg, 'swap_1')).toMatchObject({ ok: true, value: [{ pvOffsetBytes: 384 * 512 + 118161 * EXTENT, lengthBytes: 1000 * EXTENT }] });
  });
});

describe('parseVolumeGroup on constructed layouts', () => {
  it('RHEL default VG: root, swap, two-segment home, and a snapshot listed as such', () => {
    const vg = parseVolumeGroup(sample('constructed-rhel9-root-swap-home-snapshot.vg'));
    expect(vg.lvs.map((l) => l.name)).toEqual(['root', 'home', 'swap', 'snap', 'snapshot0']);
    expect(linearMapping(vg, 'home')).toMatchObject({ ok: true, value: [{ pvOffsetBytes: MiB + 4096 * EXTENT }, { pvOffsetBytes: MiB + 4608 * EXTENT }] });
    const snap = vg.lvs.find((l) => l.name === 'snap');
    expect(snap?.snapshotOf).toBe('root');
    expect(linearMapping(vg, 'snap')).toEqual({ ok: false, unsupported: 'rhel/snap is a snapshot of root' });
    expect(vg.lvs.find((l) => l.name === 'snapshot0')).toMatchObject({ visible: false, segments: [{ type: 'snapshot', origin: 'root', cowStore: 'snap' }] });
    expect(linearMapping(vg, 'snapshot0')).toEqual({ ok: false, unsupported: 'rhel/snapshot0 is a snapshot LV, not supported yet' });
  });

  it('striped LV: no linear mapping, a striped dm table in sectors', () => {
    const vg = parseVolumeGroup(sample('constructed-striped-and-thin.vg'));
    expect(linearMapping(vg, 'fast')).toEqual({ ok: false, unsupported: 'data_vg/fast is striped over 2 PVs (needs device-mapper)' });
    const dev = (uuid: string) => (uuid.startsWith('PV0') ? '/dev/loop1' : '/dev/loop2');
    expect(dmTable(vg, 'fast', dev)).toEqual({ ok: true, value: `0 ${512 * 8192} striped 2 128 /dev/loop1 2048 /dev/loop2 2048\n` });
    expect(dmTable(vg, 'fast', dev, true)).toEqual({ ok: true, value: `0 ${512 * 8192} striped 2 128 /dev/loop1 0 /dev/loop2 0\n` });
  });

  it.each([
    ['pool', 'data_vg/pool is a thin-pool LV, not supported yet'],
    ['thin1', 'data_vg/thin1 is a thin LV in pool pool, not supported yet'],
    ['mirror', 'data_vg/mirror is a raid1 LV, not supported yet'],
  ])('%s is named as unsupported', (lv, why) => {
    const vg = parseVolumeGroup(sample('constructed-striped-and-thin.vg'));
    expect(linearMapping(vg, lv)).toEqual({ ok: false, unsupported: why });
    expect(dmTable(vg, lv, () => '/dev/null')).toEqual({ ok: false, unsupported: why });
  });

  it('keeps the segment type as written', () => {
    const vg = parseVolumeGroup(sample('constructed-striped-and-thin.vg'));
    expect(vg.lvs.map((l) => `${l.name}:${l.segments[0]?.typeName}/${l.segments[0]?.type}`)).toEqual([
      'fast:striped/striped',
      'pool:thin-pool/thin-pool',
      'thin1:thin/thin',
      'mirror:raid1/raid',
      'pool_tdata:striped/striped',
      'pool_tmeta:striped/striped',
    ]);
  });
});

describe('hostile metadata', () => {
  const base = sample('debian7-vgcfgbackup.vg');

  it.each<[string, string, RegExp]>([
    ['two VG sections', `${base}\nother { }\n`, /one volume group section, found 2/],
    ['no VG section', 'contents = "x"\n', /found 0/],
    ['a stripe on an unknown PV', base.replace('"pv0", 0', '"pv9", 0'), /pv9, which is not a PV/],
    ['a stripe past the end of its PV', base.replace('"pv0", 0', '"pv0", 5'), /run past the 1279 extents/],
    ['a wrong segment_count', base.replace('segment_count = 1', 'segment_count = 3'), /says 3 segments but has 1/],
    ['a zero extent size', base.replace('extent_size = 8192', 'extent_size = 0'), /extent_size is 0/],
    ['a negative pe_start', base.replace('pe_start = 2048', 'pe_start = -1'), /not a non-negative integer/],
    ['a string where a number belongs', base.replace('pe_count = 1279', 'pe_count = "1279"'), /not a non-negative integer/],
    ['a missing PV id', base.replace('id = "JIrYxo-FzX5-5oMa-qwO7-SPnQ-noZ2-K4WEY5"', ''), /PV pv0 id is missing/],
    ['an odd stripes list', base.replace('"pv0", 0', '"pv0"'), /not a list of name, extent pairs/],
  ])('refuses %s', (_name, text, message) => {
    expect(() => {
      const vg = parseVolumeGroup(text);
      linearMapping(vg, vg.lvs[0]?.name ?? 'lv');
    }).toThrow(message);
  });

  it('reports a gap between segments instead of mapping it', () => {
    const gap = sample('ubuntu1404-apollo-vg-multisegment.vg').replace('start_extent = 118173', 'start_extent = 118174');
    expect(linearMapping(parseVolumeGroup(gap), 'root')).toEqual({ ok: false, unsupported: 'apollo-vg/root has a gap or overlap at extent 118173' });
  });

  it('throws for an LV that is not in the VG', () => {
    expect(() => linearMapping(parseVolumeGroup(base), 'nope')).toThrow('LV nope is not in VG test');
  });
});
