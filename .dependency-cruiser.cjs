/**
 * Layering rules for guestctl (issue 8, design-notes "Layout rules"), checked by `npm run lint:deps`
 * and by `npm test` before vitest. Type-only imports count too: a type is still a dependency.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      severity: 'error',
      comment: 'Import cycles make load order matter and hide which module owns what.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'src-not-to-commands',
      severity: 'error',
      comment: 'src/ is the library the commands are built on; it never reaches back up into commands/.',
      from: { path: '^src/' },
      to: { path: '^commands/' },
    },
    {
      name: 'not-to-wizards',
      severity: 'error',
      comment:
        'The wizards are built on the commands (through ctx.invoke), never the other way round: only the registry\'s composition root (commands/index.ts) lists them.',
      from: { path: '^(src/|commands/[^/]+/)' },
      to: { path: '^wizards/' },
    },
    {
      name: 'wizards-not-to-commands',
      severity: 'error',
      comment: 'A wizard drives commands by their command line (ctx.invoke) and gets their JSON back; it never imports or reimplements one.',
      from: { path: '^wizards/' },
      to: { path: '^commands/' },
    },
    {
      name: 'guest-users-parsers-not-to-shell',
      severity: 'error',
      comment: 'The guest, users and parsers layers work without the interactive shell; what they need from the UI is passed in.',
      from: { path: '^src/(guest|users|parsers)/' },
      to: { path: '^src/shell/' },
    },
    {
      name: 'commands-through-guest-interface',
      severity: 'error',
      comment:
        'Commands talk to a Guest (src/guest/types.ts), never to one backend: a fast path is an optional GuestFs method the backend implements.',
      from: { path: '^commands/' },
      to: { path: '^src/guest/(local-|mounted-guest|agent-|sandbox|open)' },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: 'An import that does not resolve is a typo or a missing dependency.',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|node_modules)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.json'],
    },
  },
};
