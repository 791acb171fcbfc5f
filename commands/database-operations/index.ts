import type { Plugin } from '../../src/shell/registry.js';
import { dbList } from './db-list.js';

const plugin: Plugin = {
  category: 'database-operations',
  commands: [dbList],
};
export default plugin;
