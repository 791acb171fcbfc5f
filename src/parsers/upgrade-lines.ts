// One-line-per-package lists of pending upgrades:
//   apk version -l '<':  "NAME-VERSION-rREL < NEWVERSION" (after an "Installed: Available:" header)
//   pacman -Qu:          "NAME OLDVERSION -> NEWVERSION", " [ignored]" for what pacman.conf ignores

export interface UpgradeLine {
  name: string;
  current: string;
  candidate: string;
  ignored: boolean;
}

const APK = /^(\S+)-(\d[^-\s]*-r\d+)\s+<\s+(\S+)()/;
const PACMAN = /^(\S+) (\S+) -> (\S+)( \[ignored\])?\s*$/;

export const parseApkVersion = (text: string): UpgradeLine[] => upgradeLines(text, APK);
export const parsePacmanQu = (text: string): UpgradeLine[] => upgradeLines(text, PACMAN);

/** Lines matching re, whose groups are name, current, candidate and the ignored mark. */
function upgradeLines(text: string, re: RegExp): UpgradeLine[] {
  return text.split('\n').flatMap((line) => {
    const m = re.exec(line.trim());
    return m ? [{ name: m[1]!, current: m[2]!, candidate: m[3]!, ignored: Boolean(m[4]) }] : [];
  });
}
