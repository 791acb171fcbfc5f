import type { Plugin } from '../../src/shell/registry.js';
import { hostname } from './hostname.js';
import { timezone } from './timezone.js';
import { locale } from './locale.js';
import { selinux } from './selinux.js';

const plugin: Plugin = { category: 'system-configuration', commands: [hostname, timezone, locale, selinux] };
export default plugin;
