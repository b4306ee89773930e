// Export (stage 2.7): the library entry point (the implementation is in ./export/).
export * from './export/index.ts';
