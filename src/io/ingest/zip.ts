// Zip archives as downloaded (HistData): the one data file inside, ignoring the .txt status report.
import { unzipSync } from 'fflate';

/**
 * Most bytes a zip's data member may unpack to (default): a zip bomb is refused before anything is
 * inflated. A year of 1-minute bars of one pair is about 25 MB of text. fflate inflates into a buffer
 * of the size the zip declares, so a zip that understates its sizes cannot grow past the cap either.
 */
export const MAX_UNZIPPED_BYTES = 512 << 20;

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

/** The content to parse of the file `name`, or why there is none. `maxBytes`: the cap on the unzipped size. */
export function unpack(input: Input, name: string, maxBytes = MAX_UNZIPPED_BYTES): Unpacked | { error: string } {
  if (!(input instanceof Uint8Array)) return input;
  if (!isZip(input)) return { member: name, bytes: input };
  let members: Record<string, Uint8Array>;
  let declared = 0;
  try {
    members = unzipSync(input, {
      filter: (f) => {
        if (f.name.endsWith('/') || /\.txt$/i.test(f.name)) return false;
        declared += f.originalSize;
        return declared <= maxBytes;
      },
    });
  } catch (err) {
    return { error: `cannot unzip: ${(err as Error).message}` };
  }
  if (declared > maxBytes) {
    return { error: `the zip unpacks to ${declared} bytes, more than the limit of ${maxBytes} (a zip bomb, or split the file)` };
  }
  const names = Object.keys(members);
  if (names.length === 0) return { error: 'the zip holds no data file (only directories or .txt reports)' };
  if (names.length !== 1) {
    return { error: `the zip holds ${names.length} data files (${names.slice(0, 3).join(', ')}), expected one` };
  }
  return { member: names[0]!, bytes: members[names[0]!]! };
}
