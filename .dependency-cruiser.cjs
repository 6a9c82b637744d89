/**
 * `npm run lint`'s folder check: no cycle between the folders of src/ (a folder that imports one
 * that, directly or through others, imports it back), so the layout keeps reading as the pipeline.
 * Tests (*.test.ts, *.case.ts) are left out: a test may use any folder's helpers.
 * The TypeScript sources are read with swc, so type-only imports count as dependencies too.
 */
module.exports = {
  forbidden: [
    {
      name: 'no-folder-cycle',
      comment: 'this folder imports one that, directly or through others, imports it back',
      severity: 'error',
      scope: 'folder',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    parser: 'swc',
    moduleSystems: ['es6'],
    exclude: { path: '\\.(test|case)\\.ts$' },
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
}
