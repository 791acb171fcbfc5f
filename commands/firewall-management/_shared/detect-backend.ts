import type { CommandContext } from '../../../src/shell/command.js';
import { readOptional } from '../../../src/guest/file-changes.js';
import { listUnitFiles } from '../../../src/services/systemctl.js';
import { BACKEND_UNITS, detectFirewall, ufwConfEnabled, type Detection } from '../../../src/firewall/detect.js';

/** The facts detection needs, from the guest's own systemctl and /etc/ufw/ufw.conf. */
export async function detectBackend(ctx: CommandContext): Promise<Detection> {
  const rows = await listUnitFiles(ctx.guest, undefined, ctx.signal);
  const units = new Set(Object.values(BACKEND_UNITS));
  const enabledUnits = new Set(rows.filter((r) => units.has(r.unit) && r.state === 'enabled').map((r) => r.unit));
  const ufwEnabled = enabledUnits.has(BACKEND_UNITS.ufw) && ufwConfEnabled(await readOptional(ctx.guest, '/etc/ufw/ufw.conf'));
  const d = detectFirewall({ enabledUnits, ufwEnabled });
  if (d.passedOver.length > 0) ctx.out.note(`also enabled: ${d.passedOver.join(', ')}; using ${d.backend} (${d.evidence}), which comes first`);
  return d;
}
