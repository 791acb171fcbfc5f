import type { FileType } from '../guest/types.js';

/** A file type in the words GNU stat (%F) and diff use: "regular file", "symbolic link"... */
export const FILE_TYPE_TEXT: Record<FileType, string> = {
  file: 'regular file',
  directory: 'directory',
  symlink: 'symbolic link',
  block: 'block special file',
  char: 'character special file',
  fifo: 'fifo',
  socket: 'socket',
  unknown: 'unknown',
};
