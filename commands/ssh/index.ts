import type { Plugin } from '../../src/shell/registry.js';
import { sshAddkey } from './addkey.js';
import { sshRemovekey } from './removekey.js';
import { sshListkeys } from './listkeys.js';
import { sshEnable } from './enable.js';
import { sshConfig } from './config.js';

const plugin: Plugin = { category: 'SSH Key Management', commands: [sshAddkey, sshRemovekey, sshListkeys, sshEnable, sshConfig] };
export default plugin;
