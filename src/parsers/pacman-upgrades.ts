// `pacman -Qu`: "NAME OLDVERSION -> NEWVERSION", with " [ignored]" for packages pacman.conf ignores.

export interface PacmanUpgrade {
  name: string;
  current: string;
  candidate: string;
  ignored: boolean;
}

export function parsePacmanQu(text: string): PacmanUpgrade[] {
  const out: PacmanUpgrade[] = [];
  for (const line of text.split('\n')) {
    const m = /^(\S+) (\S+) -> (\S+)( \[ignored\])?\s*$/.exec(line);
    if (m) out.push({ name: m[1]!, current: m[2]!, candidate: m[3]!, ignored: m[4] !== undefined });
  }
  return out;
}
