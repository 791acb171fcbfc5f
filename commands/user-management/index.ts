import type { Plugin } from '../../src/shell/registry.js';
import { adduser } from './adduser.js';
import { deluser } from './deluser.js';
import { passwd } from './passwd.js';
import { usermod } from './usermod.js';
import { groups } from './groups.js';

const plugin: Plugin = { category: 'user-management', commands: [adduser, deluser, passwd, usermod, groups] };
export default plugin;
