// Multi-buffer MD5: four independent messages hashed in lockstep, one per 32-bit lane of
// WebAssembly SIMD128 (the technique of minio/md5-simd and Intel's multi-buffer crypto), plus a
// scalar MD5 for the blocks only one lane has (tails, padding, a lone busy lane).
//
// Built by scripts/build-md5x4.mjs (clang --target=wasm32 -msimd128 -O3, no libc); the built
// md5x4.wasm is committed. The caller (lib/hash/md5-lanes.ts) copies each lane's bytes into that
// lane's buffer here, asks for whole 64-byte blocks to be hashed, and pads the last block itself.
// A lane's state is the plain 16-byte MD5 state (a, b, c, d) in memory, so a lane moves between
// the SIMD and the scalar code at any block boundary.

#include <wasm_simd128.h>

typedef unsigned int u32;
typedef unsigned char u8;

#define LANES 4
/** Bytes the caller copies into a lane per pass (at most), after up to 63 carried over. */
#define SLICE_BYTES (256 * 1024)
/** A slice, the partial block carried before it, and room for the padding. */
#define LANE_BYTES (SLICE_BYTES + 128)

static u8 lane_data[LANES][LANE_BYTES] __attribute__((aligned(16)));
/** One state per lane and a scratch one that idle SIMD lanes write to. */
static u32 lane_state[LANES + 1][4] __attribute__((aligned(16)));

// Each constant four times, one per lane, so a step reads it with one v128.load (clang turns
// load32_splat of neighbouring words into a load and shuffles). Not const on purpose: a mutable
// global keeps clang from turning them into v128.const immediates, which V8 runs ~13% slower
// (1.03 vs 0.90 core-s/GiB, measured). Entries 48..63 hold K - 1: the I steps add ~x as -x - 1.
#define K4(k) {(k), (k), (k), (k)}
u32 md5_k[64][4] __attribute__((aligned(16))) = {
    K4(0xd76aa478), K4(0xe8c7b756), K4(0x242070db), K4(0xc1bdceee),
    K4(0xf57c0faf), K4(0x4787c62a), K4(0xa8304613), K4(0xfd469501),
    K4(0x698098d8), K4(0x8b44f7af), K4(0xffff5bb1), K4(0x895cd7be),
    K4(0x6b901122), K4(0xfd987193), K4(0xa679438e), K4(0x49b40821),
    K4(0xf61e2562), K4(0xc040b340), K4(0x265e5a51), K4(0xe9b6c7aa),
    K4(0xd62f105d), K4(0x02441453), K4(0xd8a1e681), K4(0xe7d3fbc8),
    K4(0x21e1cde6), K4(0xc33707d6), K4(0xf4d50d87), K4(0x455a14ed),
    K4(0xa9e3e905), K4(0xfcefa3f8), K4(0x676f02d9), K4(0x8d2a4c8a),
    K4(0xfffa3942), K4(0x8771f681), K4(0x6d9d6122), K4(0xfde5380c),
    K4(0xa4beea44), K4(0x4bdecfa9), K4(0xf6bb4b60), K4(0xbebfbc70),
    K4(0x289b7ec6), K4(0xeaa127fa), K4(0xd4ef3085), K4(0x04881d05),
    K4(0xd9d4d039), K4(0xe6db99e5), K4(0x1fa27cf8), K4(0xc4ac5665),
    K4(0xf4292244 - 1), K4(0x432aff97 - 1), K4(0xab9423a7 - 1), K4(0xfc93a039 - 1),
    K4(0x655b59c3 - 1), K4(0x8f0ccc92 - 1), K4(0xffeff47d - 1), K4(0x85845dd1 - 1),
    K4(0x6fa87e4f - 1), K4(0xfe2ce6e0 - 1), K4(0xa3014314 - 1), K4(0x4e0811a1 - 1),
    K4(0xf7537e82 - 1), K4(0xbd3af235 - 1), K4(0x2ad7d2bb - 1), K4(0xeb86d391 - 1),
};

// ---- 4 lanes -------------------------------------------------------------------------------

#define V_ADD wasm_i32x4_add
#define V_ROTL(x, s) wasm_v128_or(wasm_i32x4_shl((x), (s)), wasm_u32x4_shr((x), 32 - (s)))
// Each step's result (b) is the next step's input, and V8's vector ops take 2 cycles each on the
// bench machine (AMD Zen 5), so the loop runs at the speed of that chain: the steps are written
// with as few ops after b as they can be (F 6 with the rotation and the last add, G and H 5, I 6).
#define V_F(b, c, d) wasm_v128_xor((d), wasm_v128_and((b), wasm_v128_xor((c), (d))))
#define V_H(b, c, d) wasm_v128_xor((b), wasm_v128_xor((c), (d)))
// I = c ^ (b | ~d) = ~(c ^ (d & ~b)); a + ~x = a - x - 1, the -1 being folded into the table.
#define V_I_NEG(b, c, d) wasm_v128_xor((c), wasm_v128_andnot((d), (b)))
#define V_K(i) wasm_v128_load(md5_k[i])

#define V_STEP(f, a, b, c, d, m, i, s) \
  a = V_ADD(a, V_ADD(f(b, c, d), V_ADD((m), V_K(i)))); \
  a = V_ADD(b, V_ROTL(a, s))
// G = (b & d) | (c & ~d), the two disjoint, so a + G = (a + (c & ~d)) + (b & d): one op after b.
#define V_STEP_G(a, b, c, d, m, i, s) \
  a = V_ADD(V_ADD(a, V_ADD((m), V_K(i))), wasm_v128_andnot((c), (d))); \
  a = V_ADD(a, wasm_v128_and((b), (d))); \
  a = V_ADD(b, V_ROTL(a, s))
#define V_STEP_I(a, b, c, d, m, i, s) \
  a = wasm_i32x4_sub(V_ADD(a, V_ADD((m), V_K(i))), V_I_NEG(b, c, d)); \
  a = V_ADD(b, V_ROTL(a, s))

/** Rows r0..r3 (one per lane) become columns: r_k = word k of lanes 0..3. */
#define TRANSPOSE(r0, r1, r2, r3) \
  do { \
    v128_t t0 = wasm_i32x4_shuffle(r0, r1, 0, 4, 1, 5); \
    v128_t t1 = wasm_i32x4_shuffle(r0, r1, 2, 6, 3, 7); \
    v128_t t2 = wasm_i32x4_shuffle(r2, r3, 0, 4, 1, 5); \
    v128_t t3 = wasm_i32x4_shuffle(r2, r3, 2, 6, 3, 7); \
    r0 = wasm_i64x2_shuffle(t0, t2, 0, 2); \
    r1 = wasm_i64x2_shuffle(t0, t2, 1, 3); \
    r2 = wasm_i64x2_shuffle(t1, t3, 0, 2); \
    r3 = wasm_i64x2_shuffle(t1, t3, 1, 3); \
  } while (0)

/** `blocks` 64-byte blocks of four messages (p0..p3) into four states (s0..s3). */
static void md5x4(u32 *s0, u32 *s1, u32 *s2, u32 *s3, const u8 *p0, const u8 *p1, const u8 *p2, const u8 *p3, u32 blocks) {
  v128_t a = wasm_v128_load(s0), b = wasm_v128_load(s1), c = wasm_v128_load(s2), d = wasm_v128_load(s3);
  TRANSPOSE(a, b, c, d);
  for (; blocks != 0; blocks--) {
    v128_t m0 = wasm_v128_load(p0), m1 = wasm_v128_load(p1), m2 = wasm_v128_load(p2), m3 = wasm_v128_load(p3);
    TRANSPOSE(m0, m1, m2, m3);
    v128_t m4 = wasm_v128_load(p0 + 16), m5 = wasm_v128_load(p1 + 16), m6 = wasm_v128_load(p2 + 16), m7 = wasm_v128_load(p3 + 16);
    TRANSPOSE(m4, m5, m6, m7);
    v128_t m8 = wasm_v128_load(p0 + 32), m9 = wasm_v128_load(p1 + 32), m10 = wasm_v128_load(p2 + 32), m11 = wasm_v128_load(p3 + 32);
    TRANSPOSE(m8, m9, m10, m11);
    v128_t m12 = wasm_v128_load(p0 + 48), m13 = wasm_v128_load(p1 + 48), m14 = wasm_v128_load(p2 + 48), m15 = wasm_v128_load(p3 + 48);
    TRANSPOSE(m12, m13, m14, m15);
    v128_t aa = a, bb = b, cc = c, dd = d;

    V_STEP(V_F, a, b, c, d, m0, 0, 7);   V_STEP(V_F, d, a, b, c, m1, 1, 12);
    V_STEP(V_F, c, d, a, b, m2, 2, 17);  V_STEP(V_F, b, c, d, a, m3, 3, 22);
    V_STEP(V_F, a, b, c, d, m4, 4, 7);   V_STEP(V_F, d, a, b, c, m5, 5, 12);
    V_STEP(V_F, c, d, a, b, m6, 6, 17);  V_STEP(V_F, b, c, d, a, m7, 7, 22);
    V_STEP(V_F, a, b, c, d, m8, 8, 7);   V_STEP(V_F, d, a, b, c, m9, 9, 12);
    V_STEP(V_F, c, d, a, b, m10, 10, 17); V_STEP(V_F, b, c, d, a, m11, 11, 22);
    V_STEP(V_F, a, b, c, d, m12, 12, 7); V_STEP(V_F, d, a, b, c, m13, 13, 12);
    V_STEP(V_F, c, d, a, b, m14, 14, 17); V_STEP(V_F, b, c, d, a, m15, 15, 22);

    V_STEP_G(a, b, c, d, m1, 16, 5);  V_STEP_G(d, a, b, c, m6, 17, 9);
    V_STEP_G(c, d, a, b, m11, 18, 14); V_STEP_G(b, c, d, a, m0, 19, 20);
    V_STEP_G(a, b, c, d, m5, 20, 5);  V_STEP_G(d, a, b, c, m10, 21, 9);
    V_STEP_G(c, d, a, b, m15, 22, 14); V_STEP_G(b, c, d, a, m4, 23, 20);
    V_STEP_G(a, b, c, d, m9, 24, 5);  V_STEP_G(d, a, b, c, m14, 25, 9);
    V_STEP_G(c, d, a, b, m3, 26, 14); V_STEP_G(b, c, d, a, m8, 27, 20);
    V_STEP_G(a, b, c, d, m13, 28, 5); V_STEP_G(d, a, b, c, m2, 29, 9);
    V_STEP_G(c, d, a, b, m7, 30, 14); V_STEP_G(b, c, d, a, m12, 31, 20);

    V_STEP(V_H, a, b, c, d, m5, 32, 4);  V_STEP(V_H, d, a, b, c, m8, 33, 11);
    V_STEP(V_H, c, d, a, b, m11, 34, 16); V_STEP(V_H, b, c, d, a, m14, 35, 23);
    V_STEP(V_H, a, b, c, d, m1, 36, 4);  V_STEP(V_H, d, a, b, c, m4, 37, 11);
    V_STEP(V_H, c, d, a, b, m7, 38, 16); V_STEP(V_H, b, c, d, a, m10, 39, 23);
    V_STEP(V_H, a, b, c, d, m13, 40, 4); V_STEP(V_H, d, a, b, c, m0, 41, 11);
    V_STEP(V_H, c, d, a, b, m3, 42, 16); V_STEP(V_H, b, c, d, a, m6, 43, 23);
    V_STEP(V_H, a, b, c, d, m9, 44, 4);  V_STEP(V_H, d, a, b, c, m12, 45, 11);
    V_STEP(V_H, c, d, a, b, m15, 46, 16); V_STEP(V_H, b, c, d, a, m2, 47, 23);

    V_STEP_I(a, b, c, d, m0, 48, 6);  V_STEP_I(d, a, b, c, m7, 49, 10);
    V_STEP_I(c, d, a, b, m14, 50, 15); V_STEP_I(b, c, d, a, m5, 51, 21);
    V_STEP_I(a, b, c, d, m12, 52, 6); V_STEP_I(d, a, b, c, m3, 53, 10);
    V_STEP_I(c, d, a, b, m10, 54, 15); V_STEP_I(b, c, d, a, m1, 55, 21);
    V_STEP_I(a, b, c, d, m8, 56, 6);  V_STEP_I(d, a, b, c, m15, 57, 10);
    V_STEP_I(c, d, a, b, m6, 58, 15); V_STEP_I(b, c, d, a, m13, 59, 21);
    V_STEP_I(a, b, c, d, m4, 60, 6);  V_STEP_I(d, a, b, c, m11, 61, 10);
    V_STEP_I(c, d, a, b, m2, 62, 15); V_STEP_I(b, c, d, a, m9, 63, 21);

    a = V_ADD(a, aa); b = V_ADD(b, bb); c = V_ADD(c, cc); d = V_ADD(d, dd);
    p0 += 64; p1 += 64; p2 += 64; p3 += 64;
  }
  TRANSPOSE(a, b, c, d);
  wasm_v128_store(s0, a); wasm_v128_store(s1, b); wasm_v128_store(s2, c); wasm_v128_store(s3, d);
}

// ---- 1 lane --------------------------------------------------------------------------------

#define S_F(b, c, d) ((d) ^ ((b) & ((c) ^ (d))))
#define S_G(b, c, d) ((c) ^ ((d) & ((b) ^ (c))))
#define S_H(b, c, d) ((b) ^ (c) ^ (d))
#define S_I_NEG(b, c, d) ((c) ^ ((d) & ~(b)))
#define S_STEP(f, a, b, c, d, m, i, s) a = (b) + __builtin_rotateleft32((a) + f(b, c, d) + (m) + md5_k[i][0], s)
#define S_STEP_I(a, b, c, d, m, i, s) a = (b) + __builtin_rotateleft32((a) + (m) + md5_k[i][0] - S_I_NEG(b, c, d), s)

static inline u32 word(const u8 *p, int i) {
  u32 w;
  __builtin_memcpy(&w, p + 4 * i, 4);
  return w;
}

/** `blocks` 64-byte blocks of one message into one state. */
static void md5x1(u32 *s, const u8 *p, u32 blocks) {
  u32 a = s[0], b = s[1], c = s[2], d = s[3];
  for (; blocks != 0; blocks--, p += 64) {
    u32 aa = a, bb = b, cc = c, dd = d;
    S_STEP(S_F, a, b, c, d, word(p, 0), 0, 7);   S_STEP(S_F, d, a, b, c, word(p, 1), 1, 12);
    S_STEP(S_F, c, d, a, b, word(p, 2), 2, 17);  S_STEP(S_F, b, c, d, a, word(p, 3), 3, 22);
    S_STEP(S_F, a, b, c, d, word(p, 4), 4, 7);   S_STEP(S_F, d, a, b, c, word(p, 5), 5, 12);
    S_STEP(S_F, c, d, a, b, word(p, 6), 6, 17);  S_STEP(S_F, b, c, d, a, word(p, 7), 7, 22);
    S_STEP(S_F, a, b, c, d, word(p, 8), 8, 7);   S_STEP(S_F, d, a, b, c, word(p, 9), 9, 12);
    S_STEP(S_F, c, d, a, b, word(p, 10), 10, 17); S_STEP(S_F, b, c, d, a, word(p, 11), 11, 22);
    S_STEP(S_F, a, b, c, d, word(p, 12), 12, 7); S_STEP(S_F, d, a, b, c, word(p, 13), 13, 12);
    S_STEP(S_F, c, d, a, b, word(p, 14), 14, 17); S_STEP(S_F, b, c, d, a, word(p, 15), 15, 22);

    S_STEP(S_G, a, b, c, d, word(p, 1), 16, 5);  S_STEP(S_G, d, a, b, c, word(p, 6), 17, 9);
    S_STEP(S_G, c, d, a, b, word(p, 11), 18, 14); S_STEP(S_G, b, c, d, a, word(p, 0), 19, 20);
    S_STEP(S_G, a, b, c, d, word(p, 5), 20, 5);  S_STEP(S_G, d, a, b, c, word(p, 10), 21, 9);
    S_STEP(S_G, c, d, a, b, word(p, 15), 22, 14); S_STEP(S_G, b, c, d, a, word(p, 4), 23, 20);
    S_STEP(S_G, a, b, c, d, word(p, 9), 24, 5);  S_STEP(S_G, d, a, b, c, word(p, 14), 25, 9);
    S_STEP(S_G, c, d, a, b, word(p, 3), 26, 14); S_STEP(S_G, b, c, d, a, word(p, 8), 27, 20);
    S_STEP(S_G, a, b, c, d, word(p, 13), 28, 5); S_STEP(S_G, d, a, b, c, word(p, 2), 29, 9);
    S_STEP(S_G, c, d, a, b, word(p, 7), 30, 14); S_STEP(S_G, b, c, d, a, word(p, 12), 31, 20);

    S_STEP(S_H, a, b, c, d, word(p, 5), 32, 4);  S_STEP(S_H, d, a, b, c, word(p, 8), 33, 11);
    S_STEP(S_H, c, d, a, b, word(p, 11), 34, 16); S_STEP(S_H, b, c, d, a, word(p, 14), 35, 23);
    S_STEP(S_H, a, b, c, d, word(p, 1), 36, 4);  S_STEP(S_H, d, a, b, c, word(p, 4), 37, 11);
    S_STEP(S_H, c, d, a, b, word(p, 7), 38, 16); S_STEP(S_H, b, c, d, a, word(p, 10), 39, 23);
    S_STEP(S_H, a, b, c, d, word(p, 13), 40, 4); S_STEP(S_H, d, a, b, c, word(p, 0), 41, 11);
    S_STEP(S_H, c, d, a, b, word(p, 3), 42, 16); S_STEP(S_H, b, c, d, a, word(p, 6), 43, 23);
    S_STEP(S_H, a, b, c, d, word(p, 9), 44, 4);  S_STEP(S_H, d, a, b, c, word(p, 12), 45, 11);
    S_STEP(S_H, c, d, a, b, word(p, 15), 46, 16); S_STEP(S_H, b, c, d, a, word(p, 2), 47, 23);

    S_STEP_I(a, b, c, d, word(p, 0), 48, 6);  S_STEP_I(d, a, b, c, word(p, 7), 49, 10);
    S_STEP_I(c, d, a, b, word(p, 14), 50, 15); S_STEP_I(b, c, d, a, word(p, 5), 51, 21);
    S_STEP_I(a, b, c, d, word(p, 12), 52, 6); S_STEP_I(d, a, b, c, word(p, 3), 53, 10);
    S_STEP_I(c, d, a, b, word(p, 10), 54, 15); S_STEP_I(b, c, d, a, word(p, 1), 55, 21);
    S_STEP_I(a, b, c, d, word(p, 8), 56, 6);  S_STEP_I(d, a, b, c, word(p, 15), 57, 10);
    S_STEP_I(c, d, a, b, word(p, 6), 58, 15); S_STEP_I(b, c, d, a, word(p, 13), 59, 21);
    S_STEP_I(a, b, c, d, word(p, 4), 60, 6);  S_STEP_I(d, a, b, c, word(p, 11), 61, 10);
    S_STEP_I(c, d, a, b, word(p, 2), 62, 15); S_STEP_I(b, c, d, a, word(p, 9), 63, 21);

    a += aa; b += bb; c += cc; d += dd;
  }
  s[0] = a; s[1] = b; s[2] = c; s[3] = d;
}

// ---- The interface md5-lanes.ts uses ---------------------------------------------------------

/** Where the caller copies lane's bytes (LANE_BYTES of room). */
__attribute__((export_name("lane_data"))) u8 *lane_data_at(u32 lane) { return lane_data[lane]; }

/** Lane's 16-byte state: a, b, c, d, little-endian, which is also its digest once padded. */
__attribute__((export_name("lane_state"))) u32 *lane_state_at(u32 lane) { return lane_state[lane]; }

__attribute__((export_name("slice_bytes"))) u32 slice_bytes(void) { return SLICE_BYTES; }

/** Starts lane on a new message. */
__attribute__((export_name("lane_reset"))) void lane_reset(u32 lane) {
  u32 *s = lane_state[lane];
  s[0] = 0x67452301; s[1] = 0xefcdab89; s[2] = 0x98badcfe; s[3] = 0x10325476;
}

/**
 * Hashes the first n_i whole blocks of each lane's buffer into its state: the blocks all busy
 * lanes have run 4 at a time (an idle lane's place filled by a busy one's bytes, its result
 * written to the scratch state), and what only one lane has left runs on the scalar code.
 */
__attribute__((export_name("lanes_run"))) void lanes_run(u32 n0, u32 n1, u32 n2, u32 n3) {
  u32 left[LANES] = {n0, n1, n2, n3};
  const u8 *at[LANES] = {lane_data[0], lane_data[1], lane_data[2], lane_data[3]};
  for (;;) {
    u32 busy = 0, last = 0, common = 0xffffffffu;
    for (u32 i = 0; i < LANES; i++) {
      if (left[i] == 0) continue;
      busy++;
      last = i;
      if (left[i] < common) common = left[i];
    }
    if (busy == 0) return;
    if (busy == 1) {
      md5x1(lane_state[last], at[last], left[last]);
      return;
    }
    u32 *s[LANES];
    const u8 *p[LANES];
    for (u32 i = 0; i < LANES; i++) {
      int on = left[i] != 0;
      s[i] = on ? lane_state[i] : lane_state[LANES];
      p[i] = on ? at[i] : at[last];
    }
    md5x4(s[0], s[1], s[2], s[3], p[0], p[1], p[2], p[3], common);
    for (u32 i = 0; i < LANES; i++) {
      if (left[i] == 0) continue;
      left[i] -= common;
      at[i] += 64 * common;
    }
  }
}
