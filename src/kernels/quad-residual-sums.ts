// The O(W)-per-row loop of the erm diagnostics (kernels/regression-diagnostics.ts): for each row t with a full
// window, the residuals e_i = y_{t−W+1+i} − ((q·u_i + l)·u_i + c), u_i = i/(W−1), of the row's fit (q, l, c)
// and their sums Σe², Σ e_i e_{i−1}, Σ (i − m) e², Σe⁴ (m = (W−1)/2), i = 0 … W−1 in order.
//
// It runs as a small WebAssembly function with 128-bit SIMD, rows t and t + 1 in the two lanes of each
// f64x2: one load of y at t − W + 1 + i holds both rows' values, and the fits of t and t + 1 are adjacent in
// their columns. WebAssembly arithmetic is IEEE-754 binary64 with round-to-nearest and no fused
// multiply-add, so each lane performs exactly the operations of the scalar loop, in the same order, and the
// sums are the scalar loop's bit for bit (test/kernels/erm-identity.test.ts). The function is assembled
// below from its opcodes (there is no .wasm file to build).

/** Residual sums of the rows t ≥ w − 1 of a column, read with `sum(k, t)`, k = 0 … 3 for Σe², Σe·e₋₁, Σ(i−m)e², Σe⁴. */
export interface ResidualSums {
  sum(k: 0 | 1 | 2 | 3, t: number): number;
}

/** The part of the WebAssembly JS API used here (lib ES2023 and @types/node do not declare it). */
interface Memory { readonly buffer: ArrayBuffer; grow(pages: number): number }
declare const WebAssembly: {
  Memory: new (limits: { initial: number }) => Memory;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { readonly exports: Record<string, unknown> };
};

const PAGE = 65536;
let instance: { memory: Memory; run: (n: number, w: number, stride: number) => void } | null = null;

/**
 * The sums for every row t ≥ w − 1 of y (the values of rows whose fit or window holds a NaN are meaningless:
 * the caller checks the fit). One scratch memory per thread, reused (a fresh WebAssembly.Memory per call
 * doubled the cost: each reserves gigabytes of address space that only the GC returns): the result is valid
 * until the next call.
 */
export function quadResidualSums(y: Float64Array, w: number, q: Float64Array, l: Float64Array, c: Float64Array): ResidualSums {
  const n = y.length;
  // Memory in doubles: y, q, l, c and the four sums, each over n + 1 slots (row n is the spare lane of an
  // odd last pair), then the table [u_i, u_i, i − m, i − m] for i = 0 … w − 1.
  const len = n + 1;
  const bytes = 8 * (8 * len + 4 * w);
  instance ??= instantiate();
  const { memory, run } = instance;
  if (memory.buffer.byteLength < bytes) memory.grow(Math.ceil((bytes - memory.buffer.byteLength) / PAGE));
  const f = new Float64Array(memory.buffer, 0, bytes / 8);
  [y, q, l, c].forEach((col, k) => {
    f.set(col, k * len);
    f[k * len + n] = 0;
  });
  const inv = 1 / (w - 1), m = (w - 1) / 2;
  for (let i = 0, p = 8 * len; i < w; i++, p += 4) {
    f[p] = f[p + 1] = i * inv; // the same doubles as the scalar loop's i·inv and i − m
    f[p + 2] = f[p + 3] = i - m;
  }
  run(n, w, 8 * len);
  return { sum: (k, t) => f[(4 + k) * len + t]! };
}

// Opcodes (WebAssembly core spec §5.4, SIMD proposal).
const I32 = 0x7f, V128 = 0x7b;
const LOCAL_GET = 0x20, LOCAL_SET = 0x21, LOCAL_TEE = 0x22, I32_CONST = 0x41;
const I32_GE_S = 0x4e, I32_LT_U = 0x49, I32_ADD = 0x6a, I32_SUB = 0x6b, I32_MUL = 0x6c, I32_SHL = 0x74;
const BLOCK = 0x02, LOOP = 0x03, BR = 0x0c, BR_IF = 0x0d, END = 0x0b, VOID = 0x40;
const load = (offset: number) => [0xfd, 0x00, 0, offset]; // v128.load, align hint 1, offset < 128
const store = [0xfd, 0x0b, 0, 0]; // v128.store
const ZERO = [0xfd, 0x0c, ...new Array<number>(16).fill(0)]; // v128.const 0
const ADD = [0xfd, 0xf0, 0x01], SUB = [0xfd, 0xf1, 0x01], MUL = [0xfd, 0xf2, 0x01]; // f64x2.add / sub / mul

// Parameters n, w, stride (bytes between columns); i32 locals; v128 locals.
const [N, W, STRIDE, T, TB, YP, TP, TEND] = [0, 1, 2, 3, 4, 5, 6, 7];
const [Q, L, C, S0, S1, S2, S3, PREV, E, E2] = [8, 9, 10, 11, 12, 13, 14, 15, 16, 17];
const get = (i: number) => [LOCAL_GET, i], set = (i: number) => [LOCAL_SET, i];
const colAt = (k: number, tb: number) => [...get(STRIDE), I32_CONST, k, I32_MUL, ...get(tb), I32_ADD]; // k·stride + tb

const BODY = [
  ...get(STRIDE), I32_CONST, 3, I32_SHL, ...get(W), I32_CONST, 5, I32_SHL, I32_ADD, ...set(TEND), // table end
  ...get(W), I32_CONST, 1, I32_SUB, ...set(T), // t = w − 1
  BLOCK, VOID, LOOP, VOID,
  ...get(T), ...get(N), I32_GE_S, BR_IF, 1,
  ...get(T), I32_CONST, 3, I32_SHL, ...set(TB),
  ...colAt(1, TB), ...load(0), ...set(Q),
  ...colAt(2, TB), ...load(0), ...set(L),
  ...colAt(3, TB), ...load(0), ...set(C),
  ...[S0, S1, S2, S3, PREV].flatMap((s) => [...ZERO, ...set(s)]),
  ...get(TB), ...get(W), I32_CONST, 1, I32_SUB, I32_CONST, 3, I32_SHL, I32_SUB, ...set(YP), // (t − w + 1)·8
  ...get(STRIDE), I32_CONST, 3, I32_SHL, ...set(TP), // the table at 8·stride
  LOOP, VOID,
  // e = y − ((q·u + l)·u + c)
  ...get(YP), ...load(0),
  ...get(Q), ...get(TP), ...load(0), ...MUL, ...get(L), ...ADD, ...get(TP), ...load(0), ...MUL, ...get(C), ...ADD,
  ...SUB, LOCAL_TEE, E, ...get(E), ...MUL, ...set(E2),
  ...get(S0), ...get(E2), ...ADD, ...set(S0), // Σe² += e²
  ...get(S1), ...get(E), ...get(PREV), ...MUL, ...ADD, ...set(S1), // Σ e·e₋₁ += e·prev
  ...get(S2), ...get(TP), ...load(16), ...get(E2), ...MUL, ...ADD, ...set(S2), // Σ (i − m)e² += (i − m)·e²
  ...get(S3), ...get(E2), ...get(E2), ...MUL, ...ADD, ...set(S3), // Σe⁴ += e²·e²
  ...get(E), ...set(PREV),
  ...get(YP), I32_CONST, 8, I32_ADD, ...set(YP),
  ...get(TP), I32_CONST, 32, I32_ADD, LOCAL_TEE, TP, ...get(TEND), I32_LT_U, BR_IF, 0,
  END,
  ...[S0, S1, S2, S3].flatMap((s, k) => [...colAt(4 + k, TB), ...get(s), ...store]),
  ...get(T), I32_CONST, 2, I32_ADD, ...set(T), // next pair
  BR, 0,
  END, END, END,
];

function section(id: number, content: number[]): number[] {
  return [id, ...uleb(content.length), ...content];
}

function uleb(v: number): number[] {
  const out: number[] = [];
  do {
    const b = v & 0x7f;
    v >>>= 7;
    out.push(v ? b | 0x80 : b);
  } while (v);
  return out;
}

const ascii = (s: string) => [s.length, ...Array.from(s, (ch) => ch.charCodeAt(0))];

function instantiate(): NonNullable<typeof instance> {
  const code = [2, 5, I32, 10, V128, ...BODY]; // local groups: 5 × i32, 10 × v128
  const bytes = new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [1, 0x60, 3, I32, I32, I32, 0]), // type (i32, i32, i32) → ()
    ...section(2, [1, ...ascii('m'), ...ascii('mem'), 0x02, 0x00, 1]), // import memory m.mem, min 1 page
    ...section(3, [1, 0]), // function 0 of type 0
    ...section(7, [1, ...ascii('run'), 0x00, 0]), // export it as run
    ...section(10, [1, ...uleb(code.length), ...code]),
  ]);
  const memory = new WebAssembly.Memory({ initial: 1 });
  const wasm = new WebAssembly.Instance(new WebAssembly.Module(bytes), { m: { mem: memory } });
  return { memory, run: wasm.exports.run as (n: number, w: number, stride: number) => void };
}
