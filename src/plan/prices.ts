// The price table (prices.json, shipped as data; `--prices FILE` overrides it): machine types with
// vCPUs, memory and hourly Spot / On-Demand prices, object storage and Aurora prices, and when and
// where the prices were read.
import { readFileSync } from 'node:fs';

export interface MachineType {
  readonly name: string;
  readonly cloud: string;
  readonly vcpus: number;
  readonly memoryGiB: number;
  /** USD per hour. */
  readonly onDemand: number;
  readonly spot: number;
}

export interface PriceTable {
  readonly source: string;
  readonly read: string;
  readonly currency: string;
  readonly machines: readonly MachineType[];
  readonly storage: { readonly s3StandardPerGBMonth: number };
  readonly aurora: { readonly serverlessV2PerACUHour: number; readonly storagePerGBMonth: number };
}

export const DEFAULT_PRICES = new URL('../../prices.json', import.meta.url);

function positive(where: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) throw new Error(`${where}: expected a positive number, got ${JSON.stringify(v)}`);
  return v;
}

function text(where: string, v: unknown): string {
  if (typeof v !== 'string' || v === '') throw new Error(`${where}: expected a non-empty string`);
  return v;
}

/** Parses and checks a price table (every price a positive number, machine names unique). */
export function parsePrices(json: string, file = 'prices'): PriceTable {
  let raw: Record<string, unknown>;
  try { raw = JSON.parse(json) as Record<string, unknown>; } catch (e) { throw new Error(`${file}: ${(e as Error).message}`); }
  if (!Array.isArray(raw.machines) || raw.machines.length === 0) throw new Error(`${file}: machines must be a non-empty list`);
  const machines = (raw.machines as Record<string, unknown>[]).map((m, i) => {
    const at = `${file}: machines[${i}]`;
    return {
      name: text(`${at}.name`, m.name), cloud: text(`${at}.cloud`, m.cloud), vcpus: positive(`${at}.vcpus`, m.vcpus),
      memoryGiB: positive(`${at}.memoryGiB`, m.memoryGiB), onDemand: positive(`${at}.onDemand`, m.onDemand), spot: positive(`${at}.spot`, m.spot),
    };
  });
  const names = new Set<string>();
  for (const m of machines) {
    if (names.has(m.name)) throw new Error(`${file}: machine ${m.name} is listed twice`);
    names.add(m.name);
  }
  const storage = (raw.storage ?? {}) as Record<string, unknown>;
  const aurora = (raw.aurora ?? {}) as Record<string, unknown>;
  return {
    source: text(`${file}: source`, raw.source), read: text(`${file}: read`, raw.read), currency: text(`${file}: currency`, raw.currency), machines,
    storage: { s3StandardPerGBMonth: positive(`${file}: storage.s3StandardPerGBMonth`, storage.s3StandardPerGBMonth) },
    aurora: {
      serverlessV2PerACUHour: positive(`${file}: aurora.serverlessV2PerACUHour`, aurora.serverlessV2PerACUHour),
      storagePerGBMonth: positive(`${file}: aurora.storagePerGBMonth`, aurora.storagePerGBMonth),
    },
  };
}

export function loadPrices(file: string | URL = DEFAULT_PRICES): PriceTable {
  return parsePrices(readFileSync(file, 'utf8'), String(file instanceof URL ? 'prices.json' : file));
}

export function machineByName(prices: PriceTable, name: string): MachineType {
  const m = prices.machines.find((x) => x.name.toLowerCase() === name.toLowerCase());
  if (!m) throw new Error(`unknown machine ${JSON.stringify(name)} (price table: ${prices.machines.map((x) => x.name).join(', ')})`);
  return m;
}
