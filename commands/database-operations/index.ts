import type { Plugin } from '../../src/shell/registry.js';
import { dbList } from './db-list.js';
import { dbBackup } from './db-backup.js';
import { dbCreate } from './db-create.js';

const plugin: Plugin = {
  category: 'database-operations',
  commands: [dbList, dbBackup, dbCreate],
};
export default plugin;
