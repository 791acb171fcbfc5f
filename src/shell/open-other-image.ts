import { openTarget } from '../guest/open.js';
import type { Guest } from '../guest/types.js';

// A second disk image a command reads beside the session's guest (diff IMAGE:PATH): opened as
// the session opens one, read-only (read-only export, loop and mounts), with no LUKS keys.
// The caller closes it.

export async function openOtherImageReadOnly(path: string): Promise<Guest & { notes: string[] }> {
  return openTarget(path, { readOnly: true });
}
