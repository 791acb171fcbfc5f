// Drop what ties a network connection file to one machine, so a clone gets its own: the
// uuid= of a NetworkManager keyfile's [connection] and the mac-address= of any section
// (NetworkManager derives a UUID from the file name when none is given), and UUID= / HWADDR=
// of an ifcfg file. Pure: text in, text out; every other line is kept byte for byte.

/** A NetworkManager keyfile (.nmconnection) without its uuid= and mac-address= lines. */
export function stripKeyfileIdentity(text: string): string {
  let section = '';
  return text
    .split('\n')
    .filter((line) => {
      const head = /^\s*\[([^\]]*)\]\s*$/.exec(line);
      if (head) section = head[1]!;
      const key = /^\s*([^=#;\s][^=]*?)\s*=/.exec(line)?.[1];
      if (key === undefined) return true;
      return !((section === 'connection' && key === 'uuid') || key === 'mac-address');
    })
    .join('\n');
}

/** An ifcfg-* file without its UUID= and HWADDR= lines. */
export function stripIfcfgIdentity(text: string): string {
  return text
    .split('\n')
    .filter((line) => !/^\s*(UUID|HWADDR)\s*=/.test(line))
    .join('\n');
}
