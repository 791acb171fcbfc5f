import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  hostnameProblem,
  isTzif,
  localeAvailable,
  localeGenEnabled,
  localeProblem,
  localtimeTarget,
  normalizeLocale,
  parseHostnameFile,
  parseSelinuxMode,
  zoneFromLink,
  zoneProblem,
} from '../../src/parsers/system-identity.js';

describe('hostnameProblem (RFC 1123)', () => {
  it.each(['web01', 'WEB-01', 'a', '1host', 'web01.example.com', 'x'.repeat(63), `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(61)}`])(
    'accepts %s',
    (n) => expect(hostnameProblem(n)).toBeNull(),
  );
  it.each([
    ['', /empty/],
    ['-web', /starts or ends/],
    ['web-', /starts or ends/],
    ['web_01', /characters/],
    ['web 01', /characters/],
    ['wéb', /characters/],
    ['a..b', /empty label/],
    ['.a', /empty label/],
    ['web.', /trailing dot/],
    ['x'.repeat(64), /at most 63/],
    [`${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(62)}`, /at most 253/],
    ['10.0.0.1', /all digits/],
    ['web\n01', /characters/],
  ])('refuses %j', (n, why) => expect(hostnameProblem(n)).toMatch(why));
});

describe('parseHostnameFile', () => {
  it('takes the first non-comment line, trimmed', () => {
    expect(parseHostnameFile('web01\n')).toBe('web01');
    expect(parseHostnameFile('# set by cloud-init\n\n  web01.example.com  \n')).toBe('web01.example.com');
    expect(parseHostnameFile('web01')).toBe('web01');
    expect(parseHostnameFile('\n# only\n')).toBeNull();
  });
});

describe('time zones', () => {
  it('validates names: no absolute paths, no .., no odd characters', () => {
    for (const z of ['UTC', 'Europe/Berlin', 'America/Argentina/Buenos_Aires', 'Etc/GMT+5', 'Etc/GMT-14', 'America/Port-au-Prince']) expect(zoneProblem(z), z).toBeNull();
    expect(zoneProblem('/etc/shadow')).toMatch(/not a path/);
    expect(zoneProblem('../../etc/shadow')).toMatch(/'\.\.'/);
    expect(zoneProblem('Europe/../../x')).toMatch(/'\.\.'/);
    expect(zoneProblem('Europe//Berlin')).toMatch(/empty/);
    expect(zoneProblem('Europe/Berlin/')).toMatch(/empty/);
    expect(zoneProblem('Europe/Ber lin')).toMatch(/characters/);
    expect(zoneProblem('localtime')).toMatch(/localtime/);
    expect(zoneProblem('')).toMatch(/empty/);
  });

  it('reads the zone from absolute and relative links', () => {
    expect(zoneFromLink('/usr/share/zoneinfo/Etc/UTC')).toBe('Etc/UTC');
    expect(zoneFromLink('../usr/share/zoneinfo/Europe/Berlin')).toBe('Europe/Berlin');
    expect(zoneFromLink('/usr/share/zoneinfo/posix/Asia/Tokyo')).toBe('Asia/Tokyo');
    expect(zoneFromLink('/var/db/timezone/zoneinfo/UTC')).toBe('UTC');
    expect(zoneFromLink('/etc/shadow')).toBeNull();
  });

  it('writes the link as the distro does', () => {
    expect(localtimeTarget('Europe/Berlin', 'absolute')).toBe('/usr/share/zoneinfo/Europe/Berlin');
    expect(localtimeTarget('Europe/Berlin', 'relative')).toBe('../usr/share/zoneinfo/Europe/Berlin');
  });

  it('recognises TZif files (the host\'s tzdata) and nothing else', () => {
    expect(isTzif(readFileSync('/usr/share/zoneinfo/Europe/Berlin'))).toBe(true);
    expect(isTzif(Buffer.from('# zone.tab\nDE\t+5230+01322\tEurope/Berlin\n'))).toBe(false);
    expect(isTzif(Buffer.from('TZif'))).toBe(false); // too short for a header
  });
});

describe('locales', () => {
  it.each(['C', 'POSIX', 'C.UTF-8', 'C.utf8', 'de_DE.UTF-8', 'en_US', 'sr_RS@latin', 'ca_ES.UTF-8@valencia', 'nds_DE', 'eo', 'zh_CN.GB18030', 'es_419.UTF-8'])('accepts %s', (l) =>
    expect(localeProblem(l)).toBeNull(),
  );
  it.each(['', 'de-DE', 'DE_de.UTF-8', 'de_DE.UTF-8 UTF-8', 'C.ISO-8859-1', '../x', 'de_DE.', 'en_US.UTF-8;rm'])('refuses %j', (l) => expect(localeProblem(l)).not.toBeNull());

  it('normalizes codesets as glibc does', () => {
    expect(normalizeLocale('de_DE.UTF-8')).toBe('de_DE.utf8');
    expect(normalizeLocale('en_US.ISO-8859-15')).toBe('en_US.iso885915');
    expect(normalizeLocale('ca_ES.UTF-8@valencia')).toBe('ca_ES.utf8@valencia');
    expect(normalizeLocale('de_DE')).toBe('de_DE');
  });

  it('finds a locale in `locale -a` output; C, POSIX and C.UTF-8 are always there', () => {
    const debian = ['C', 'C.utf8', 'POSIX', 'en_US.utf8'];
    expect(localeAvailable('en_US.UTF-8', debian)).toBe(true);
    expect(localeAvailable('de_DE.UTF-8', debian)).toBe(false);
    expect(localeAvailable('en_US', debian)).toBe(false);
    expect(localeAvailable('C.UTF-8', [])).toBe(true);
    expect(localeAvailable('POSIX', [])).toBe(true);
  });

  it('reads the enabled entries of /etc/locale.gen', () => {
    const gen = '# This file lists locales that you wish to have built.\n# de_DE.UTF-8 UTF-8\nen_US.UTF-8 UTF-8\n  fr_FR ISO-8859-1\n';
    expect(localeGenEnabled(gen)).toEqual(['en_US.UTF-8', 'fr_FR']);
  });
});

describe('parseSelinuxMode', () => {
  it('reads the mode case-insensitively; anything else is null', () => {
    expect(parseSelinuxMode('enforcing')).toBe('enforcing');
    expect(parseSelinuxMode('Permissive')).toBe('permissive');
    expect(parseSelinuxMode(' disabled ')).toBe('disabled');
    expect(parseSelinuxMode('on')).toBeNull();
    expect(parseSelinuxMode(undefined)).toBeNull();
  });
});
