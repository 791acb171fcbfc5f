import type { Plugin } from '../../src/shell/registry.js';
import { auditPackages } from './audit-packages.js';
import { auditPerms } from './audit-perms.js';
import { auditSuid } from './audit-suid.js';
import { checkUpdatesCommand } from './check-updates.js';
import { scanPorts } from './scan-ports.js';

const plugin: Plugin = { category: 'security-audit', commands: [checkUpdatesCommand, scanPorts, auditPerms, auditSuid, auditPackages] };
export default plugin;
