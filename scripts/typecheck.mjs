// Type-checks each environment with its own tsconfig, in one process: the whole tree (node's types and the DOM),
// server/src/core (no DOM, no node types) and client/webview (the DOM, no node types). Each file is checked once,
// by the program of its own environment (core's files by core's, the webview's by the webview's, every other file
// by the whole tree's), as `tsc -b` with project references would: a program reads the other layers' files it
// imports for their types only. The programs share parsed files (libraries' .d.ts, core's sources), each parsed
// and bound once. Incremental: each program keeps its build info in node_modules/.cache (outside git), so a later
// run checks again only what changed since and what depends on it. Prints the errors as tsc does; exit 1 if any.
// Usage: node scripts/typecheck.mjs [--no-cache]
import ts from 'typescript';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const cacheDir = join(root, 'node_modules', '.cache', 'eql-rule-studio');
const useCache = !process.argv.includes('--no-cache');
const PROJECTS = ['.', 'server/src/core', 'client/webview'];

/** Parsed files by name and the options that change a parse (the same in all three: they extend one tsconfig). */
const parsed = new Map();
const keyOf = (fileName, languageVersionOrOptions) =>
  typeof languageVersionOrOptions === 'object'
    ? `${fileName}|${languageVersionOrOptions.languageVersion}|${languageVersionOrOptions.impliedNodeFormat}|${languageVersionOrOptions.jsDocParsingMode}`
    : `${fileName}|${languageVersionOrOptions}`;

const formatHost = { getCanonicalFileName: (f) => f, getCurrentDirectory: () => root, getNewLine: () => '\n' };
let errors = 0;
if (useCache) mkdirSync(cacheDir, { recursive: true });
const configs = PROJECTS.map((project) =>
  ts.getParsedCommandLineOfConfigFile(join(root, project, 'tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => report([d]) }),
);
// Each file is checked once, by the program of its own environment: core's and the webview's files by theirs,
// the rest by the whole tree's. A program still reads the other files it imports (their types), as it would
// read a referenced project's declarations.
const owner = new Map();
PROJECTS.forEach((project, i) => {
  for (const f of configs[i]?.fileNames ?? []) if (project !== '.' || !owner.has(f)) owner.set(f, project);
});
for (const [i, project] of PROJECTS.entries()) {
  const config = configs[i];
  if (!config) continue;
  const name = project === '.' ? 'root' : project.replace(/\//g, '-');
  const options = { ...config.options, noEmit: true, ...(useCache ? { incremental: true, tsBuildInfoFile: join(cacheDir, `tsc-${name}.tsbuildinfo`) } : {}) };
  const host = useCache ? ts.createIncrementalCompilerHost(options) : ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, languageVersionOrOptions, onError, shouldCreateNewSourceFile) => {
    const key = keyOf(fileName, languageVersionOrOptions);
    let file = shouldCreateNewSourceFile ? undefined : parsed.get(key);
    if (!file) {
      file = getSourceFile(fileName, languageVersionOrOptions, onError, shouldCreateNewSourceFile);
      if (file) parsed.set(key, file);
    }
    return file;
  };
  const program = useCache
    ? ts.createIncrementalProgram({ rootNames: config.fileNames, options, host, configFileParsingDiagnostics: config.errors })
    : ts.createProgram({ rootNames: config.fileNames, options, host, configFileParsingDiagnostics: config.errors });
  const diagnostics = [
    ...program.getConfigFileParsingDiagnostics(),
    ...program.getOptionsDiagnostics(),
    ...program.getGlobalDiagnostics(),
  ];
  const others = (file) => owner.get(file.fileName) !== project;
  // Incremental: the files changed since the build info, and those they affect (the others skipped unchecked),
  // then each own file's diagnostics (kept in the build info for the unchanged ones).
  if (useCache) while (program.getSemanticDiagnosticsOfNextAffectedFile(undefined, others));
  for (const file of program.getSourceFiles()) {
    if (others(file)) continue;
    diagnostics.push(...program.getSyntacticDiagnostics(file), ...program.getSemanticDiagnostics(file));
  }
  if (useCache) program.emit(); // noEmit: writes the build info only
  if (diagnostics.length > 0) {
    process.stderr.write(`tsc -p ${project}: ${diagnostics.length} error${diagnostics.length === 1 ? '' : 's'}\n`);
    report(diagnostics);
  }
}

function report(diagnostics) {
  errors += diagnostics.length;
  const text = process.stderr.isTTY ? ts.formatDiagnosticsWithColorAndContext(diagnostics, formatHost) : ts.formatDiagnostics(diagnostics, formatHost);
  process.stderr.write(text);
}

process.exit(errors > 0 ? 1 : 0);
