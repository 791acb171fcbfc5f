import { describe, expect, it } from 'vitest';
import { REDACTED, redactData, redactSecrets } from '../../src/redact/secrets.js';
import { Anonymizer, StreamUnmasker } from '../../src/redact/anonymize.js';

// Real files (formats as the distributions and tools write them), each with its secrets planted.

const YESCRYPT = '$y$j9T$Zbq7Pw2xLm8Nv4Rt$cVYwfnu2LX6fOoTQ/X/ssrVrMYiAKcYqOJKMzbrFKA3';
const SHA512 = '$6$Qx9aZ3bT$x8QaevyIsmzBHlEyRXd9xlXUQkKT4J3HMIcraXPxFYKtI3Ik6dh3a/eJ9cmYoxl3wSr8e3E14Qz5f6oifOP75.';
const MD5 = '$1$abcd1234$OMoAPxOfiTE4qXekxb0Sq1';

const DEBIAN_SHADOW = `root:*:19700:0:99999:7:::
daemon:*:19700:0:99999:7:::
sshd:!:19700::::::
alice:${YESCRYPT}:19701:0:99999:7:::
bob:${SHA512}:19702:0:99999:7:::
carol:!${MD5}:19703:0:99999:7:::
olddes:ab01FAX.bQRSU:19704:0:99999:7:::
`;

const OPENSSH_KEY = `-----BEGIN OPENSSH PRIVATE KEY-----
b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW
QyNTUxOQAAACDIG0Iw8Au/AUp/az5L6YHmVGFm9Bzgtjk0YSXnSKFZvwAAAJBPbPAFT2zw
BQAAAAtzc2gtZWQyNTUxOQAAACDIG0Iw8Au/AUp/az5L6YHmVGFm9Bzgtjk0YSXnSKFZvw
AAAECzK5KiAqz1AtfvN02T1icN6ZcgkuSFnwzrx7dORLSZysgbQjDwC78BSn9rPkvpgeZU
YWb0HOC2OTRhJedIoVm/AAAADHRlc3RAZml4dHVyZQE=
-----END OPENSSH PRIVATE KEY-----
`;
const KEY_BODY = 'AAAECzK5KiAqz1AtfvN02T1icN6ZcgkuSFnwzrx7dORLSZysgbQjDwC78BSn9rPkvpgeZU';

const RSA_PEM = `-----BEGIN RSA PRIVATE KEY-----
MIIBOgIBAAJBAKj34GkxFhD90vcNLYLInFEX6Ppy1tPf9Cnzj4p4WGeKLs1Pt8Qu
KUpRKfFLfRYC9AIKjbJTWit+CqvjWYzvQwECAwEAAQJAIJLixBy2qpFoS4DSmoEm
-----END RSA PRIVATE KEY-----`;

const WPA = `ctrl_interface=DIR=/var/run/wpa_supplicant GROUP=netdev
update_config=1
country=DE

network={
\tssid="HomeNet"
\tpsk="correct horse battery staple"
\tkey_mgmt=WPA-PSK
}
network={
\tssid="Office"
\tpsk=8f6a1c0d2b3e4f5a6b7c8d9e0f1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c
}
`;

const MY_CNF = `[client]
user = backup
password = Sup3rS3cret!
host = localhost

[mysqld]
bind-address = 127.0.0.1
`;

const NM_KEYFILE = `[connection]
id=Office WiFi
type=wifi

[wifi-security]
key-mgmt=wpa-psk
psk=nm-wifi-passphrase-42
`;

const SSHD = `PermitRootLogin no
PasswordAuthentication no
KbdInteractiveAuthentication no
`;

const CLOUD_INIT = `#cloud-config
hostname: web01
ssh_pwauth: true
users:
  - name: deploy
    plain_text_passwd: cloudpass-one
    hashed_passwd: ${SHA512}
    lock_passwd: false
chpasswd:
  expire: false
  list: |
    root:rootpass-two
    deploy:deploypass-three
ssh_keys:
  rsa_private: |
    -----BEGIN RSA PRIVATE KEY-----
    MIIBOgIBAAJBAKj34GkxFhD90vcNLYLInFEX6Ppy1tPf9Cnzj4p4WGeKLs1Pt8Qu
    -----END RSA PRIVATE KEY-----
  rsa_public: ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC root@web01
runcmd:
  - echo done
`;

const APP_YAML = `database:
  host: db.internal
  user: app
  password: "yaml-db-pass"
api:
  api_key: sk-live-0123456789abcdef
  auth_token: 'tok-abcdef123456'
  client_secret: cs-999
`;

const APP_JSON = `{
  "db": { "user": "app", "password": "json-db-pass" },
  "secret": "json-top-secret",
  "retries": 3
}`;

const NGINX = `location /api/ {
    proxy_set_header Authorization "Bearer nginx-bearer-token-123";
    proxy_pass http://backend;
}
`;

const HTTP_LOG = `Dec 05 10:00:01 web01 app[812]: GET /v1/items headers={"Authorization": "Basic YWxpY2U6c2VjcmV0"} status=200
Dec 05 10:00:02 web01 app[812]: connecting to postgres://app:pg-url-pass@db.internal:5432/app
Dec 05 10:00:03 web01 app[812]: started with --db-password=cli-pass-7 --verbose
`;

const ENV_FILE = `export AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE
export AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
GITHUB_TOKEN=ghp_abcdefghijklmnopqrstuvwxyz0123456789
PATH=/usr/local/bin:/usr/bin
`;

describe('redactSecrets', () => {
  it('/etc/shadow: every hash goes (yescrypt, sha512, md5, a locked one, DES), locked and empty fields stay', () => {
    const r = redactSecrets(DEBIAN_SHADOW);
    for (const s of [YESCRYPT, SHA512, MD5, 'ab01FAX.bQRSU', 'Zbq7Pw2x']) expect(r).not.toContain(s);
    expect(r).toContain('root:*:19700:0:99999:7:::');
    expect(r).toContain('sshd:!:19700::::::');
    expect(r).toContain(`alice:${REDACTED}:19701:0:99999:7:::`);
    expect(r).toContain(`carol:!${REDACTED}:19703`);
  });

  it('private keys: OpenSSH and PEM bodies go, their header stays; a key cut short is redacted to the end', () => {
    const r = redactSecrets(`before\n${OPENSSH_KEY}after\n${RSA_PEM}\n`);
    expect(r).not.toContain(KEY_BODY);
    expect(r).not.toContain('MIIBOgIBAAJBAKj34GkxFhD90vcNLYLInFEX6Ppy1tPf9Cnzj4p4WGeKLs1Pt8Qu');
    expect(r).toContain('-----BEGIN OPENSSH PRIVATE KEY-----');
    expect(r).toContain('before\n');
    expect(r).toContain('after\n');
    const cut = redactSecrets(OPENSSH_KEY.slice(0, 200));
    expect(cut).not.toContain('b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ');
  });

  it('wpa_supplicant and NetworkManager: psk values go, ssids stay', () => {
    const r = redactSecrets(WPA);
    expect(r).not.toContain('correct horse');
    expect(r).not.toContain('8f6a1c0d2b3e4f5a6b7c');
    expect(r).toContain('ssid="HomeNet"');
    expect(r).toContain(`\tpsk="${REDACTED}"`);
    expect(redactSecrets(NM_KEYFILE)).not.toContain('nm-wifi-passphrase-42');
  });

  it('ini password = value; sshd_config keywords are not secrets', () => {
    const r = redactSecrets(MY_CNF);
    expect(r).not.toContain('Sup3rS3cret!');
    expect(r).toContain(`password = ${REDACTED}`);
    expect(r).toContain('user = backup');
    expect(redactSecrets(SSHD)).toBe(SSHD);
  });

  it('cloud-init user-data: plain and hashed passwords, chpasswd lists, ssh private keys', () => {
    const r = redactSecrets(CLOUD_INIT);
    for (const s of ['cloudpass-one', SHA512, 'rootpass-two', 'deploypass-three', 'MIIBOgIBAAJBAKj34Gkx']) expect(r).not.toContain(s);
    expect(r).toContain('    root:[REDACTED]');
    expect(r).toContain('expire: false');
    expect(r).toContain('ssh_pwauth: true');
    expect(r).toContain('lock_passwd: false');
    expect(r).toContain('rsa_public: ssh-rsa');
  });

  it('YAML and JSON secret keys', () => {
    const y = redactSecrets(APP_YAML);
    for (const s of ['yaml-db-pass', 'sk-live-0123456789abcdef', 'tok-abcdef123456', 'cs-999']) expect(y).not.toContain(s);
    expect(y).toContain('host: db.internal');
    const j = redactSecrets(APP_JSON);
    expect(j).not.toContain('json-db-pass');
    expect(j).not.toContain('json-top-secret');
    expect(j).toContain('"retries": 3');
    expect(JSON.parse(j).db.password).toBe(REDACTED);
  });

  it('Authorization headers, user:password@ in URLs, --password= on command lines', () => {
    const n = redactSecrets(NGINX);
    expect(n).not.toContain('nginx-bearer-token-123');
    expect(n).toContain('proxy_pass http://backend;');
    const l = redactSecrets(HTTP_LOG);
    for (const s of ['YWxpY2U6c2VjcmV0', 'pg-url-pass', 'cli-pass-7']) expect(l).not.toContain(s);
    expect(l).toContain('postgres://app:[REDACTED]@db.internal:5432/app');
    expect(l).toContain('--verbose');
  });

  it('well-known token shapes in env files', () => {
    const r = redactSecrets(ENV_FILE);
    for (const s of ['AKIAIOSFODNN7EXAMPLE', 'wJalrXUtnFEMI', 'ghp_abcdefghijklmnopqrstuvwxyz0123456789']) expect(r).not.toContain(s);
    expect(r).toContain('PATH=/usr/local/bin:/usr/bin');
  });

  it('leaves ordinary text alone', () => {
    const text = 'Dec 05 sshd[1]: Failed password for invalid user admin from 203.0.113.9 port 4242 ssh2\nawk \'{print $1$2}\'\n';
    expect(redactSecrets(text)).toBe(text);
  });
});

describe('redactData', () => {
  it('redacts strings with their real newlines and values under secret keys', () => {
    const data = { path: '/etc/shadow', content: DEBIAN_SHADOW, nested: [{ password: 'x1', token: 42, name: 'ok' }] };
    const r = JSON.stringify(redactData(data));
    expect(r).not.toContain(YESCRYPT);
    expect(r).not.toContain('x1');
    expect(r).toContain('"name":"ok"');
  });
});

describe('Anonymizer', () => {
  const names = { hosts: ['web01.example.com', 'web01'], users: ['alice', 'bob'] };

  it('masks host names, IPv4 addresses and user names consistently, and un-masks them', () => {
    const a = new Anonymizer(names);
    const text = 'web01.example.com (10.1.2.3) alice@web01 logged in from 10.1.2.3 and 192.168.0.7; bob too; localhost 127.0.0.1 stays';
    const m = a.mask(text);
    for (const s of ['web01', 'example.com', '10.1.2.3', '192.168.0.7', 'alice', 'bob']) expect(m).not.toContain(s);
    expect(m).toContain('127.0.0.1');
    expect(m.match(/ip-1/g)).toHaveLength(2);
    expect(a.unmask(m)).toBe(text);
    expect(a.mask('alice again')).toBe(a.mask('alice again'));
  });

  it('does not mask inside other words or version numbers', () => {
    const a = new Anonymizer(names);
    expect(a.mask('malice bobby 6.1.0.50.1')).toBe('malice bobby 6.1.0.50.1');
  });

  it('un-masks a stream whose placeholders are split across chunks', () => {
    const a = new Anonymizer(names);
    const masked = a.mask('ssh alice@web01.example.com on 10.9.8.7 now');
    const u = new StreamUnmasker(a);
    let out = '';
    for (let i = 0; i < masked.length; i += 3) out += u.push(masked.slice(i, i + 3));
    out += u.end();
    expect(out).toBe('ssh alice@web01.example.com on 10.9.8.7 now');
  });
});
