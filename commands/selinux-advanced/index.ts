import type { Plugin } from '../../src/shell/registry.js';
import { selinuxContext } from './selinux-context.js';
import { selinuxAudit } from './selinux-audit.js';

const plugin: Plugin = { category: 'selinux-advanced', commands: [selinuxContext, selinuxAudit] };
export default plugin;
