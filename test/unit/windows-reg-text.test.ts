import { describe, expect, it } from 'vitest';
import { dwordValue, parseKeyValues, parseRegText, stringValue } from '../../src/windows/reg-text.js';

// Text as hivexget HIVE KEY and hivexregedit --export print it (taken from their output on the
// fixture's hives and on hives of real Windows installations).

const CURRENT_VERSION = `"ProductName"="Windows Server 2019 Standard"
"EditionID"="ServerStandard"
"CurrentMajorVersionNumber"=dword:0000000a
"CurrentMinorVersionNumber"=dword:00000000
"CurrentBuildNumber"="17763"
"SystemRoot"="C:\\\\Windows"
"PathName"=hex(2):43,00,3a,00,5c,00,57,00,69,00,6e,00,00,00
"DigitalProductId"=hex(3):a4,00,00,00,03,00,00,00,30,30,34,32,39,2d,38,30,\\
  30,2d,30,30,30,30,30,31
"InstallTime"=hex(b):00,10,5e,5f,00,00,00,00
@="default value"
"Quote \\"in\\" name"="x"
`;

const EXPORT = `Windows Registry Editor Version 5.00

[\\Select]
"Current"=dword:00000001

[\\ControlSet001\\Control\\ComputerName\\ComputerName]
"ComputerName"="WIN-GUESTCTL"

`;

describe('parseRegText', () => {
  it('reads strings, dwords, hex strings and binary values of one key', () => {
    const v = parseKeyValues(CURRENT_VERSION);
    expect(stringValue(v, 'productname')).toBe('Windows Server 2019 Standard');
    expect(dwordValue(v, 'CurrentMajorVersionNumber')).toBe(10);
    expect(dwordValue(v, 'CurrentMinorVersionNumber')).toBe(0);
    expect(stringValue(v, 'SystemRoot')).toBe('C:\\Windows');
    expect(stringValue(v, 'PathName')).toBe('C:\\Win');
    expect(stringValue(v, '')).toBe('default value');
    expect(stringValue(v, 'Quote "in" name')).toBe('x');
    const id = v.find((x) => x.name === 'DigitalProductId');
    expect(id).toMatchObject({ type: 'binary', regType: 3 });
    expect(id?.type === 'binary' && id.bytes.length).toBe(24);
    expect(v.find((x) => x.name === 'InstallTime')).toMatchObject({ type: 'binary', regType: 11 });
  });

  it('keeps the keys of an export apart', () => {
    const keys = parseRegText(EXPORT);
    expect([...keys.keys()]).toEqual(['\\Select', '\\ControlSet001\\Control\\ComputerName\\ComputerName']);
    expect(dwordValue(keys.get('\\Select')!, 'Current')).toBe(1);
  });

  it('reads CRLF text, and an empty key', () => {
    expect(stringValue(parseKeyValues('"A"="b"\r\n'), 'A')).toBe('b');
    expect(parseKeyValues('')).toEqual([]);
  });

  it.each([['"A"=bogus'], ['"A"=hex:zz'], ['"unterminated=1'], ['garbage']])('refuses %s', (line) => {
    expect(() => parseKeyValues(line)).toThrow(/unexpected line in registry text/);
  });
});
