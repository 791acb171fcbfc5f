// A systemd .timer unit file (systemd.timer(5)): when it fires and which unit it starts.

import { splitLines } from './account-lines.js';

/** The [Timer] settings that say when a timer elapses. */
export const TIMER_TRIGGERS = ['OnCalendar', 'OnActiveSec', 'OnBootSec', 'OnStartupSec', 'OnUnitActiveSec', 'OnUnitInactiveSec'] as const;

export interface TimerUnit {
  description: string | null;
  /** Trigger settings in file order, e.g. { key: 'OnCalendar', value: 'daily' }. An empty value resets the list, as systemd does. */
  triggers: { key: string; value: string }[];
  /** Unit= when set, else the .service of the same name. */
  unit: string;
  persistent: boolean;
}

/** Parse `text`, the unit file called `name` (e.g. apt-daily.timer). */
export function parseTimerUnit(name: string, text: string): TimerUnit {
  let section = '';
  let description: string | null = null;
  let unit: string | null = null;
  let persistent = false;
  let triggers: { key: string; value: string }[] = [];
  // systemd joins lines ending in a backslash.
  const lines = splitLines(text.replace(/\\\n/g, ' '));
  for (const raw of lines) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const sec = /^\[(.+)\]$/.exec(line);
    if (sec) {
      section = sec[1]!;
      continue;
    }
    const eq = line.indexOf('=');
    if (eq < 0) continue;
    const key = line.slice(0, eq).trim();
    const value = line.slice(eq + 1).trim();
    if (section === 'Unit' && key === 'Description') description = value;
    if (section !== 'Timer') continue;
    if ((TIMER_TRIGGERS as readonly string[]).includes(key)) triggers = value === '' ? triggers.filter((t) => t.key !== key) : [...triggers, { key, value }];
    else if (key === 'Unit') unit = value;
    else if (key === 'Persistent') persistent = /^(1|yes|true|on)$/i.test(value);
  }
  return { description, triggers, unit: unit ?? name.replace(/\.timer$/, '.service'), persistent };
}
