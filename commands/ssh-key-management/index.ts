import type { Plugin } from '../../src/shell/registry.js';
import { sshAddkey } from './ssh-addkey.js';
import { sshRemovekey } from './ssh-removekey.js';
import { sshListkeys } from './ssh-listkeys.js';
import { sshEnable } from './ssh-enable.js';
import { sshConfig } from './ssh-config.js';

const plugin: Plugin = { category: 'ssh-key-management', commands: [sshAddkey, sshRemovekey, sshListkeys, sshEnable, sshConfig] };
export default plugin;
