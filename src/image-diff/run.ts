import { realpath } from 'node:fs/promises';
import { openOtherImageReadOnly } from '../shell/open-other-image.js';
import { Output } from '../shell/output.js';
import { guestFileDigest } from '../guest/file-digest.js';
import type { Guest } from '../guest/types.js';
import { lstatOrNull } from '../guest/stat-or-null.js';
import { CliError, describeError, reportError } from '../util/errors.js';
import { collectTree } from './collect.js';
import { finishDiff, planDiff, type DiffRow, type Hashes } from './compare.js';
import { renderDiff } from './render.js';

// `guestctl diff IMAGE_A IMAGE_B`: both images opened read-only as sessions open them, both
// trees listed, compared, the undecided files hashed, the report printed. Exit status as
// diff(1): 0 identical, 1 different, 2 trouble (130 on Ctrl-C).

export interface ImageDiffOptions {
  a: string;
  b: string;
  /** Guest directory to compare (default /). */
  path: string;
  json: boolean;
  content: boolean;
  times: boolean;
  /** Hash every same-size file, even on overlays of one base. */
  checksum: boolean;
  color: boolean;
  debug: boolean;
}

export interface ImageDiffReport {
  a: string;
  b: string;
  path: string;
  identical: boolean;
  /** Both images' backing chains end in the same file (metadata may prove files unchanged). */
  sharedBase: boolean;
  entries: { a: number; b: number };
  /** Files whose content was hashed on both sides. */
  hashed: number;
  differences: DiffRow[];
}

const HASH_CONCURRENCY = 4;

export async function runImageDiff(opts: ImageDiffOptions): Promise<number> {
  const out = new Output(opts.json, opts.color);
  const ctl = new AbortController();
  const onSignal = () => ctl.abort();
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(sig, onSignal);
  const opened: Guest[] = [];
  let code: number;
  try {
    const report = await diffImages(opts, opened, ctl.signal);
    if (opts.json) out.printJson(report);
    else {
      out.write(renderDiff(report.differences));
      if (!report.identical) out.note(summary(report));
    }
    code = report.identical ? 0 : 1;
  } catch (err) {
    code = reportError(err, out, opts.debug) === 130 ? 130 : 2;
  }
  for (const g of opened.reverse()) {
    try {
      await g.close();
    } catch (err) {
      out.error(`diff: cannot close ${g.name}: ${describeError(err)}`);
      code = 2;
    }
  }
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.off(sig, onSignal);
  return code;
}

function summary(r: ImageDiffReport): string {
  const n = (s: DiffRow['status']) => r.differences.filter((d) => d.status === s).length;
  return `${n('added')} added, ${n('removed')} removed, ${n('changed')} changed; ${r.hashed} file(s) hashed${r.sharedBase ? ' (overlays of one base)' : ''}`;
}

async function diffImages(opts: ImageDiffOptions, opened: Guest[], signal: AbortSignal): Promise<ImageDiffReport> {
  const cancelled = () => {
    if (signal.aborted) throw new CliError('cancelled', 'cancelled');
  };
  const a = await openOtherImageReadOnly(opts.a);
  opened.push(a);
  cancelled();
  const b = await openOtherImageReadOnly(opts.b);
  opened.push(b);
  cancelled();
  const [stA, stB] = await Promise.all([lstatOrNull(a.fs, opts.path), lstatOrNull(b.fs, opts.path)]);
  if (!stA && !stB) throw new CliError('not-found', `diff: ${opts.path} is in neither image`);
  // The walk would start at the link's target: one image's link could make it compare another directory.
  for (const [st, label] of [[stA, opts.a], [stB, opts.b]] as const)
    if (st?.type === 'symlink') throw new CliError('usage', `diff: --path ${opts.path} is a symlink in ${label} (to ${st.symlinkTarget}): give a directory`);
  const [hasA, hasB] = [stA !== null, stB !== null];
  const listA = hasA ? await collectTree(a, opts.path, opts.a, signal) : [];
  const listB = hasB ? await collectTree(b, opts.path, opts.b, signal) : [];
  const sharedBase = !opts.checksum && (await sameBase(a, b));
  const plan = planDiff(listA, listB, { content: opts.content, times: opts.times, sharedBase });
  const hashes = await hashBoth(a, b, plan.toHash, signal);
  const differences = finishDiff(plan, hashes);
  return { a: opts.a, b: opts.b, path: opts.path, identical: differences.length === 0, sharedBase, entries: { a: listA.length, b: listB.length }, hashed: plan.toHash.length, differences };
}

/** Whether both backing chains end in the same host file (an image counts as its own base). */
async function sameBase(a: Guest, b: Guest): Promise<boolean> {
  const base = async (g: Guest) => {
    const chain = (g as { chain?: { path: string }[] }).chain;
    const last = chain?.[chain.length - 1];
    return last ? realpath(last.path) : null;
  };
  const [ba, bb] = await Promise.all([base(a), base(b)]);
  return ba !== null && ba === bb;
}

async function hashBoth(a: Guest, b: Guest, paths: string[], signal: AbortSignal): Promise<Map<string, Hashes>> {
  const out = new Map<string, Hashes>();
  let next = 0;
  const worker = async () => {
    while (next < paths.length) {
      if (signal.aborted) throw new CliError('cancelled', 'cancelled');
      const path = paths[next++]!;
      const digest = (g: Guest, label: string) =>
        guestFileDigest(g.fs, path, 'sha256', signal).catch((err: unknown) => {
          if (signal.aborted) throw new CliError('cancelled', 'cancelled');
          throw new CliError('failed', `diff: cannot read ${path} in ${label}: ${describeError(err)}`);
        });
      const [ha, hb] = await Promise.all([digest(a, 'A'), digest(b, 'B')]);
      out.set(path, { a: ha, b: hb });
    }
  };
  await Promise.all(Array.from({ length: Math.min(HASH_CONCURRENCY, paths.length) }, worker));
  return out;
}
