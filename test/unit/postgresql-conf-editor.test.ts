import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hbaRemoteRules, missingHbaRules, myListenSnippet, pgIncludeDir, pgSetting, pgSettingLine } from '../../src/editors/postgresql-conf.js';

// Real files: Debian 12's postgresql-15 cluster configuration (pg_createcluster) and upstream's
// postgresql.conf.sample, which initdb copies on RHEL-like guests.
const sample = (name: string) => readFileSync(join(__dirname, 'samples', 'database', name), 'utf8');
const debianConf = sample('debian12-postgresql.conf');
const debianHba = sample('debian12-pg_hba.conf');
const upstreamConf = sample('pg15-postgresql.conf.sample');

describe('postgresql.conf', () => {
  it('reads settings as the server does: commented ones do not count, the last one wins', () => {
    expect(pgSetting(debianConf, 'listen_addresses')).toBeNull();
    expect(pgSetting(debianConf, 'port')).toEqual({ value: '5432', line: 64 });
    expect(pgSetting(debianConf, 'data_directory')?.value).toBe('/var/lib/postgresql/15/main');
    expect(pgIncludeDir(debianConf)).toBe('conf.d');
    expect(pgIncludeDir(upstreamConf)).toBeNull();
    expect(pgSetting(`${debianConf}listen_addresses = '*'\n`, 'listen_addresses')?.value).toBe('*');
    expect(pgSetting("a = 'it''s' # c\nA 'x'\n", 'a')?.value).toBe('x');
  });

  it('writes a quoted setting line', () => {
    expect(pgSettingLine('listen_addresses', '*')).toBe("listen_addresses = '*'");
    expect(pgSettingLine('x', "a'b\\c")).toBe("x = 'a''b\\\\c'");
    expect(pgSetting(pgSettingLine('x', "a'b\\c"), 'x')?.value).toBe("a'b\\c");
  });
});

describe('pg_hba.conf', () => {
  it('adds the network rules once, compared field by field', () => {
    const wanted = hbaRemoteRules();
    expect(missingHbaRules(debianHba, wanted)).toEqual(wanted);
    const after = `${debianHba}${wanted.join('\n')}\n`;
    expect(missingHbaRules(after, wanted)).toEqual([]);
    expect(missingHbaRules('host all all 0.0.0.0/0 scram-sha-256 # mine\n', wanted)).toEqual([wanted[1]]);
    // Debian's loopback rule is not a network rule
    expect(missingHbaRules(debianHba, ['host all all 127.0.0.1/32 scram-sha-256'])).toEqual([]);
  });
});

describe('MariaDB option files', () => {
  it('a snippet with bind-address in [mysqld]', () => {
    expect(myListenSnippet('0.0.0.0')).toBe('# Written by guestctl setup-database: the address the server listens on.\n[mysqld]\nbind-address = 0.0.0.0\n');
  });
});
