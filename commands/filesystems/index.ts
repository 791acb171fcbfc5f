import type { Plugin } from '../../src/shell/registry.js';
import { filesystems } from './filesystems.js';
import { mount, umount, mounts } from './mount.js';

const plugin: Plugin = { category: 'Filesystems', commands: [filesystems, mounts, mount, umount] };
export default plugin;
