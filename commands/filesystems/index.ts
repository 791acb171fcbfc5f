import type { Plugin } from '../../src/shell/registry.js';
import { filesystems } from './filesystems.js';
import { mounts } from './mounts.js';
import { mount } from './mount.js';
import { umount } from './umount.js';

const plugin: Plugin = { category: 'filesystems', commands: [filesystems, mounts, mount, umount] };
export default plugin;
