// Zip archives as downloaded (HistData): the one data file inside, ignoring the .txt status report.
import { unzipSync } from 'fflate';

/** A file's content ready to parse: its own bytes, or its zip's single data member. */
export interface Unpacked {
  readonly member: string;
  readonly bytes: Uint8Array;
}

/** What the readers take: raw file bytes (unzipped here if a zip) or content already unpacked. */
export type Input = Uint8Array | Unpacked;

export function isZip(b: Uint8Array): boolean {
  return b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04;
}

/** The content to parse of the file `name`, or why there is none. */
export function unpack(input: Input, name: string): Unpacked | { error: string } {
  if (!(input instanceof Uint8Array)) return input;
  if (!isZip(input)) return { member: name, bytes: input };
  let members: Record<string, Uint8Array>;
  try {
    members = unzipSync(input, { filter: (f) => !f.name.endsWith('/') && !/\.txt$/i.test(f.name) });
  } catch (err) {
    return { error: `cannot unzip: ${(err as Error).message}` };
  }
  const names = Object.keys(members);
  if (names.length !== 1) {
    return { error: `the zip holds ${names.length} data files (${names.slice(0, 3).join(', ')}), expected one` };
  }
  return { member: names[0]!, bytes: members[names[0]!]! };
}
