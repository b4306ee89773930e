// Moved to src/export/ (its own layer, above validate): this re-export keeps other branches compiling until the merge.
export * from '../export/index.ts';
