// Free space of the file system that holds a path (which may not exist yet), and byte formatting.
import { existsSync, statfsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

export interface DiskSpace {
  /** The existing directory that was measured (the path itself or its nearest existing ancestor). */
  readonly measured: string;
  /** Bytes available to this (unprivileged) process: statfs bavail × bsize. */
  readonly free: number;
  readonly total: number;
}

/** The nearest existing ancestor of `path` (the path itself when it exists). */
export function existingAncestor(path: string): string {
  let p = resolve(path);
  while (!existsSync(p)) {
    const up = dirname(p);
    if (up === p) break;
    p = up;
  }
  return p;
}

export function diskSpace(path: string): DiskSpace {
  const measured = existingAncestor(path);
  const s = statfsSync(measured);
  return { measured, free: s.bavail * s.bsize, total: s.blocks * s.bsize };
}

/** 1536 → "1.5 kB", 3.2e9 → "3.2 GB" (decimal units, as df -H and file managers show them). */
export function fmtBytes(n: number): string {
  if (!Number.isFinite(n)) return '?';
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let v = Math.abs(n), i = 0;
  while (v >= 1000 && i < units.length - 1) { v /= 1000; i++; }
  const s = i === 0 ? String(Math.round(v)) : v.toFixed(v < 10 ? 1 : 0);
  return `${n < 0 ? '-' : ''}${s} ${units[i]}`;
}

/** Whether two paths (existing or not) land on the same file system. */
export function sameFileSystem(a: string, b: string): boolean {
  return statSync(existingAncestor(a)).dev === statSync(existingAncestor(b)).dev;
}
