// The results panel's stylesheet: main.ts imports it for esbuild, which bundles it into the panel's CSS file;
// the import has no value (TypeScript 6+ checks that a side-effect import resolves).
declare module '*.css';
