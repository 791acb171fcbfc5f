import { validUnitName } from '../../../src/parsers/systemctl.js';
import { CliError } from '../../../src/util/errors.js';

/** A unit name typed by the user, checked before it reaches the guest's systemctl. */
export function unitArg(text: string): string {
  if (!validUnitName(text)) throw new CliError('usage', `not a unit name: '${text}'`);
  return text;
}
