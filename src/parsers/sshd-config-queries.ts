// The effective (global) sshd configuration, and the settings inside Match blocks.

import { ACCUMULATING, canonicalKeyword, valueText } from './sshd-config.js';
import type { LoadedSshdConfig, MatchBlock, Occurrence } from './sshd-config-model.js';

export interface Setting {
  keyword: string;
  value: string;
  args: string[];
  file: string;
  line: number;
}

export interface EffectiveSetting extends Setting {
  /** Later global lines for the same keyword that sshd ignores (first value wins). */
  overridden: Setting[];
}

function settingOf(o: Occurrence): Setting {
  return { keyword: canonicalKeyword(o.directive.keyword), value: valueText(o.directive), args: o.directive.args, file: o.file, line: o.directive.line };
}

/** Identity of a value slot: the keyword, plus the subsystem name for Subsystem. */
function slotOf(key: string, args: string[]): string {
  return key === 'subsystem' ? `subsystem ${args[0] ?? ''}` : key;
}

export function globalOccurrences(cfg: LoadedSshdConfig, keyword: string): Occurrence[] {
  const key = keyword.toLowerCase();
  return cfg.occurrences.filter((o) => o.match === null && o.directive.key === key);
}

/** What sshd uses outside Match blocks, in file order of the winning lines. */
export function effectiveSettings(cfg: LoadedSshdConfig): EffectiveSetting[] {
  const out: EffectiveSetting[] = [];
  const bySlot = new Map<string, EffectiveSetting>();
  for (const o of cfg.occurrences) {
    if (o.match !== null) continue;
    const d = o.directive;
    const slot = slotOf(d.key, d.args);
    const first = bySlot.get(slot);
    if (first && !ACCUMULATING.has(d.key)) {
      first.overridden.push(settingOf(o));
      continue;
    }
    const s: EffectiveSetting = { ...settingOf(o), overridden: [] };
    if (!first) bySlot.set(slot, s);
    out.push(s);
  }
  return out;
}

/** The effective global values for one keyword (several for accumulating ones). */
export function effectiveValues(cfg: LoadedSshdConfig, keyword: string): EffectiveSetting[] {
  const key = keyword.toLowerCase();
  return effectiveSettings(cfg).filter((s) => s.keyword.toLowerCase() === key);
}

/** Lines for this keyword inside Match blocks (not touched by set/unset). */
export function matchOccurrences(cfg: LoadedSshdConfig, keyword: string): (Setting & { match: MatchBlock })[] {
  const key = keyword.toLowerCase();
  return cfg.occurrences
    .filter((o): o is Occurrence & { match: MatchBlock } => o.match !== null && o.directive.key === key)
    .map((o) => ({ ...settingOf(o), match: o.match }));
}
