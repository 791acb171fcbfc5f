import type { Plugin } from '../../src/shell/registry.js';
import { ls } from './ls.js';
import { cat } from './cat.js';
import { head } from './head.js';
import { find } from './find.js';
import { stat } from './stat.js';
import { download } from './download.js';
import { upload } from './upload.js';
import { edit } from './edit.js';

const plugin: Plugin = { category: 'file-operations', commands: [ls, cat, head, find, stat, download, upload, edit] };
export default plugin;
