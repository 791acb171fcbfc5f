// A small tree with every kind of entry copy -r and move must carry over (owners, setgid
// directory, relative, absolute and dangling symlinks), as shell lines, and the listing of it
// (`relpath|mode|uid|gid|type|size-or-link`, sorted) both the e2e and the unit tests expect.

export const SAMPLE_TREE_COMMANDS = [
  'mkdir -p /var/tree/sub',
  String.raw`write /var/tree/sub/f 'F\n'`,
  'chown alice:staff /var/tree/sub/f',
  'chmod 0640 /var/tree/sub/f',
  'chown alice:staff /var/tree/sub',
  'chmod 2750 /var/tree/sub',
  'symlink sub/f /var/tree/rel',
  'symlink /etc/shadow /var/tree/abs',
  'symlink /nowhere /var/tree/dangling',
  'chmod 0700 /var/tree',
];

export const SAMPLE_TREE_LISTING = [
  '.|700|0|0|directory|',
  "./abs|777|0|0|symbolic link|-> '/etc/shadow'",
  "./dangling|777|0|0|symbolic link|-> '/nowhere'",
  "./rel|777|0|0|symbolic link|-> 'sub/f'",
  './sub/f|640|1000|50|regular file|2',
  './sub|2750|1000|50|directory|',
].sort();
