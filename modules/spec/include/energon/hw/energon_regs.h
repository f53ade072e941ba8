/* Energon register map and job descriptor: the one source of truth.
 * Used by the C firmware driver, the SystemC controller model and the generator of
 * docs/register-map.md (a test fails if the document drifts from this header).
 * All registers are 32 bit, little-endian, at the accelerator's base address. */
#ifndef ENERGON_HW_REGS_H
#define ENERGON_HW_REGS_H

#include <stdint.h>

#define ENERGON_ID_VALUE 0x454E5247u      /* "ENRG" */
#define ENERGON_VERSION_VALUE 0x00010000u /* 1.0.0 */
#define ENERGON_REG_SPACE_BYTES 0x1000u

/* X(name, offset, access, reset, description); access: RO, RW, W1C, WO. */
#define ENERGON_REGISTERS(X)                                                                         \
  X(ID, 0x000, RO, ENERGON_ID_VALUE, "Identification, reads \"ENRG\"")                               \
  X(VERSION, 0x004, RO, ENERGON_VERSION_VALUE, "Hardware version, major.minor.patch in 8.8.16 bits") \
  X(CTRL, 0x008, RW, 0x0, "Control: ENABLE, SOFT_RESET (self-clearing), IRQ_EN")                     \
  X(STATUS, 0x00C, RO, 0x0, "BUSY, ERR_CODE of the last failed job, QUEUE_ERR")                      \
  X(IRQ_STATUS, 0x010, W1C, 0x0, "Interrupt causes DONE and ERROR; write 1 to clear")                \
  X(IRQ_MASK, 0x014, RW, 0x3, "Per-cause interrupt enable (DONE, ERROR)")                            \
  X(ERR_DESC, 0x018, RO, 0x0, "Queue index of the descriptor that failed last")                      \
  X(JOBS_DONE, 0x01C, RO, 0x0, "Descriptors completed (with or without error) since reset")          \
  X(QUEUE_BASE_LO, 0x020, RW, 0x0, "Descriptor ring base address, bits 31..0 (256-byte aligned)")    \
  X(QUEUE_BASE_HI, 0x024, RW, 0x0, "Descriptor ring base address, bits 63..32")                      \
  X(QUEUE_SIZE, 0x028, RW, 0x0, "Descriptor ring size in entries, 1..4096")                          \
  X(QUEUE_HEAD, 0x02C, RO, 0x0, "Next entry the hardware will consume")                              \
  X(QUEUE_TAIL, 0x030, RW, 0x0, "Doorbell: firmware writes one past the last queued entry")          \
  X(PERF_CTRL, 0x03C, RW, 0x0, "Bit 0: write 1 to clear all performance counters")                   \
  X(PERF_CYCLES_LO, 0x040, RO, 0x0, "Total accelerator cycles since enable, bits 31..0")             \
  X(PERF_CYCLES_HI, 0x044, RO, 0x0, "Total accelerator cycles, bits 63..32")                         \
  X(PERF_BUSY_CTRL_LO, 0x048, RO, 0x0, "Cycles the controller was busy with jobs, bits 31..0")       \
  X(PERF_BUSY_CTRL_HI, 0x04C, RO, 0x0, "Controller busy cycles, bits 63..32")                        \
  X(PERF_BUSY_FETCH_LO, 0x050, RO, 0x0, "Cycles the fetch unit had DRAM requests in flight, 31..0")  \
  X(PERF_BUSY_FETCH_HI, 0x054, RO, 0x0, "Fetch unit busy cycles, bits 63..32")                       \
  X(PERF_BUSY_FILTER_LO, 0x058, RO, 0x0, "Cycles the low-bit filter engine was busy, bits 31..0")    \
  X(PERF_BUSY_FILTER_HI, 0x05C, RO, 0x0, "Filter engine busy cycles, bits 63..32")                   \
  X(PERF_BUSY_SELECT_LO, 0x060, RO, 0x0, "Cycles the selector was busy, bits 31..0")                 \
  X(PERF_BUSY_SELECT_HI, 0x064, RO, 0x0, "Selector busy cycles, bits 63..32")                        \
  X(PERF_BUSY_ATTN_LO, 0x068, RO, 0x0, "Cycles the attention engine was busy, bits 31..0")           \
  X(PERF_BUSY_ATTN_HI, 0x06C, RO, 0x0, "Attention engine busy cycles, bits 63..32")                  \
  X(PERF_RD_DESC_LO, 0x080, RO, 0x0, "DRAM bytes read: descriptors, bits 31..0")                     \
  X(PERF_RD_DESC_HI, 0x084, RO, 0x0, "DRAM bytes read: descriptors, bits 63..32")                    \
  X(PERF_RD_Q_LO, 0x088, RO, 0x0, "DRAM bytes read: Q, bits 31..0")                                  \
  X(PERF_RD_Q_HI, 0x08C, RO, 0x0, "DRAM bytes read: Q, bits 63..32")                                 \
  X(PERF_RD_K0_LO, 0x090, RO, 0x0, "DRAM bytes read: K bit plane 0, bits 31..0")                     \
  X(PERF_RD_K0_HI, 0x094, RO, 0x0, "DRAM bytes read: K bit plane 0, bits 63..32")                    \
  X(PERF_RD_K1_LO, 0x098, RO, 0x0, "DRAM bytes read: K bit plane 1, bits 31..0")                     \
  X(PERF_RD_K1_HI, 0x09C, RO, 0x0, "DRAM bytes read: K bit plane 1, bits 63..32")                    \
  X(PERF_RD_K2_LO, 0x0A0, RO, 0x0, "DRAM bytes read: K bit plane 2, bits 31..0")                     \
  X(PERF_RD_K2_HI, 0x0A4, RO, 0x0, "DRAM bytes read: K bit plane 2, bits 63..32")                    \
  X(PERF_RD_K3_LO, 0x0A8, RO, 0x0, "DRAM bytes read: K bit plane 3, bits 31..0")                     \
  X(PERF_RD_K3_HI, 0x0AC, RO, 0x0, "DRAM bytes read: K bit plane 3, bits 63..32")                    \
  X(PERF_RD_V_LO, 0x0B0, RO, 0x0, "DRAM bytes read: V, bits 31..0")                                  \
  X(PERF_RD_V_HI, 0x0B4, RO, 0x0, "DRAM bytes read: V, bits 63..32")                                 \
  X(PERF_RD_SCALE_LO, 0x0B8, RO, 0x0, "DRAM bytes read: scale table, bits 31..0")                    \
  X(PERF_RD_SCALE_HI, 0x0BC, RO, 0x0, "DRAM bytes read: scale table, bits 63..32")                   \
  X(PERF_WR_OUT_LO, 0x0C0, RO, 0x0, "DRAM bytes written: output, bits 31..0")                        \
  X(PERF_WR_OUT_HI, 0x0C4, RO, 0x0, "DRAM bytes written: output, bits 63..32")                       \
  X(PERF_WR_DESC_LO, 0x0C8, RO, 0x0, "DRAM bytes written: descriptor write-back, bits 31..0")        \
  X(PERF_WR_DESC_HI, 0x0CC, RO, 0x0, "DRAM bytes written: descriptor write-back, bits 63..32")       \
  X(PERF_KEYS_ALLOWED_LO, 0x100, RO, 0x0, "Keys allowed by the masks (round-0 candidates), 31..0")   \
  X(PERF_KEYS_ALLOWED_HI, 0x104, RO, 0x0, "Keys allowed by the masks, bits 63..32")                  \
  X(PERF_KEPT_R1_LO, 0x108, RO, 0x0, "Keys kept after round 1, bits 31..0")                          \
  X(PERF_KEPT_R1_HI, 0x10C, RO, 0x0, "Keys kept after round 1, bits 63..32")                         \
  X(PERF_KEPT_R2_LO, 0x110, RO, 0x0, "Keys kept after round 2, bits 31..0")                          \
  X(PERF_KEPT_R2_HI, 0x114, RO, 0x0, "Keys kept after round 2, bits 63..32")                         \
  X(PERF_KEPT_R3_LO, 0x118, RO, 0x0, "Keys kept after round 3, bits 31..0")                          \
  X(PERF_KEPT_R3_HI, 0x11C, RO, 0x0, "Keys kept after round 3, bits 63..32")                         \
  X(PERF_KEPT_R4_LO, 0x120, RO, 0x0, "Keys kept after round 4, bits 31..0")                          \
  X(PERF_KEPT_R4_HI, 0x124, RO, 0x0, "Keys kept after round 4, bits 63..32")                         \
  X(PERF_KEPT_FINAL_LO, 0x128, RO, 0x0, "Keys the attention engine used, bits 31..0")                \
  X(PERF_KEPT_FINAL_HI, 0x12C, RO, 0x0, "Keys the attention engine used, bits 63..32")

#define ENERGON_REG_OFFSET_ENUM(name, off, acc, rst, desc) ENERGON_REG_##name = (off),
enum energon_reg { ENERGON_REGISTERS(ENERGON_REG_OFFSET_ENUM) };
#undef ENERGON_REG_OFFSET_ENUM

/* CTRL bits */
#define ENERGON_CTRL_ENABLE (1u << 0)
#define ENERGON_CTRL_SOFT_RESET (1u << 1)
#define ENERGON_CTRL_IRQ_EN (1u << 2)
/* STATUS fields */
#define ENERGON_STATUS_BUSY (1u << 0)
#define ENERGON_STATUS_QUEUE_ERR (1u << 1)
#define ENERGON_STATUS_ERR_SHIFT 8
#define ENERGON_STATUS_ERR_MASK (0xFFu << ENERGON_STATUS_ERR_SHIFT)
/* IRQ_STATUS / IRQ_MASK bits */
#define ENERGON_IRQ_DONE (1u << 0)
#define ENERGON_IRQ_ERROR (1u << 1)
/* PERF_CTRL bits */
#define ENERGON_PERF_CLEAR (1u << 0)

/* X(name, value, description) */
#define ENERGON_ERRORS(X)                                                                              \
  X(NONE, 0, "No error")                                                                               \
  X(BAD_MAGIC, 1, "Descriptor magic is not ENERGON_DESC_MAGIC")                                        \
  X(ADDRESS, 2, "A buffer lies outside memory or its end passes 2^64 (or the bus answered an error)")  \
  X(MISALIGNED, 3, "A buffer address is not ENERGON_BUFFER_ALIGN-byte aligned")                        \
  X(HEAD_DIM, 4, "Unsupported head dimension d (8..256, multiple of 8)")                               \
  X(ZERO_SIZE, 5, "heads, kv_heads, n_q, n_k or valid_len is zero")                                    \
  X(KV_HEADS, 6, "kv_heads does not divide heads")                                                     \
  X(POLICY, 7, "Unknown policy, or rounds / selection rule out of range")                              \
  X(PLANES, 8, "K bit-plane layout does not cover 16 bits or a round's k_bits")                        \
  X(SIZE_LIMIT, 9, "n_k, valid_len or n_q exceeds what the hardware supports")                         \
  X(QUEUE, 10, "Doorbell with QUEUE_SIZE 0, a tail beyond QUEUE_SIZE or a bad ring base")              \
  X(OVERLAP, 11, "The output buffer overlaps an input buffer, the scale table or the descriptor ring") \
  X(RESERVED, 12, "A reserved descriptor field or flag bit is not zero")                               \
  X(SCALE, 13, "A Q or K scale in the scale table is not a finite number above 0")

#define ENERGON_ERROR_ENUM(name, value, desc) ENERGON_ERR_##name = (value),
enum energon_error { ENERGON_ERRORS(ENERGON_ERROR_ENUM) };
#undef ENERGON_ERROR_ENUM

/* ---- Job descriptor (in DRAM, ENERGON_DESC_BYTES each, ring of QUEUE_SIZE entries) ---- */
#define ENERGON_DESC_MAGIC 0x43534445u /* "EDSC" */
#define ENERGON_DESC_BYTES 256u
#define ENERGON_BUFFER_ALIGN 64u
#define ENERGON_MAX_ROUNDS 4u
#define ENERGON_MAX_PLANES 4u
/* Hardware limits the controller checks (ERR_QUEUE, ERR_HEAD_DIM, ERR_SIZE_LIMIT, ERR_POLICY). */
#define ENERGON_QUEUE_MAX_ENTRIES 4096u /* QUEUE_SIZE */
#define ENERGON_RING_ALIGN 256u         /* QUEUE_BASE alignment */
#define ENERGON_MAX_KEYS 65536u         /* n_k, valid_len: key counters are 17 bits wide */
#define ENERGON_MAX_QUERIES 65536u      /* n_q */
#define ENERGON_MIN_HEAD_DIM 8u
#define ENERGON_MAX_HEAD_DIM 256u
#define ENERGON_HEAD_DIM_STEP 8u      /* d multiple of 8: every K plane row is whole bytes */
#define ENERGON_MAX_FILTER_BITS 8u    /* q_bits, k_bits of an mpmrf round */
#define ENERGON_FRACTION_ONE 1000000u /* k_fraction_ppm of all candidates: fractions in parts per million */
/* spatten's MSB pass in round[0] (docs/policies.md): rule THRESHOLD, q_bits 0 (Q at INT16), k_bits the
 * MSB width of K (1..ENERGON_PQ_MAX_MSB_BITS, a plane boundary), alpha_q8 and k_fraction_ppm 0, and k
 * the Q0.16 threshold T (0..ENERGON_PQ_THRESHOLD_ONE): a row is recomputed iff its p16_max < T. */
#define ENERGON_PQ_MAX_MSB_BITS 15u
#define ENERGON_PQ_THRESHOLD_ONE 65536u
/* a3's candidate search in round[0] (docs/policies.md): rule THRESHOLD, q_bits, k_bits and alpha_q8 0,
 * k_fraction_ppm the iteration fraction m (1..ENERGON_FRACTION_ONE: M = ceil(m·N) greedy iterations for
 * a row of N allowed keys), and k the post-scoring threshold T in Q8.8 nats (0..ENERGON_A3_MAX_THRESHOLD_Q8):
 * a candidate is kept iff its exact score is within T/c of the row's largest (c the softmax scale). */
#define ENERGON_A3_MAX_THRESHOLD_Q8 65535u

/* Attention policies, X(NAME, name, value, description): the descriptor's policy byte. Each has
 * its implementation in modules/policy/src/<name>_policy.cpp and its golden counterpart in
 * testbenches/golden/src/policies/<name>_model.cpp (docs/policies.md). */
#define ENERGON_POLICIES(X)                                                                               \
  X(DENSE, dense, 0, "No filtering: every allowed key is kept")                                           \
  X(TOPK, topk, 1, "Full-precision scores of every allowed key, then the top-k selector")                 \
  X(MPMRF, mpmrf, 2, "Mix-precision multi-round filtering on the low-bit filter engine")                  \
  X(SPATTEN, spatten, 3, "SpAtten progressive quantization: MSB-plane scores, LSB recompute, then top-k") \
  X(A3, a3, 4, "A3 approximate candidate search on sorted K columns, exact candidate scores, post-scoring")

#define ENERGON_POLICY_ENUM(NAME, name, value, desc) ENERGON_POLICY_##NAME = (value),
enum energon_policy { ENERGON_POLICIES(ENERGON_POLICY_ENUM) };
#undef ENERGON_POLICY_ENUM
enum energon_rule { ENERGON_RULE_THRESHOLD = 0, ENERGON_RULE_TOPK = 1 };
#define ENERGON_DESC_FLAG_CAUSAL (1u << 0)
/* Token and head pruning (SpAtten's cascade pruning, docs/pruning.md): the job reads the prune
 * mask at prune_mask_addr; pruned heads and tokens take no part in the job. */
#define ENERGON_DESC_FLAG_PRUNE (1u << 1)
/* The job writes its token and head importance at importance_addr (docs/pruning.md). */
#define ENERGON_DESC_FLAG_IMPORTANCE (1u << 2)
#define ENERGON_DESC_FLAGS_KNOWN (ENERGON_DESC_FLAG_CAUSAL | ENERGON_DESC_FLAG_PRUNE | ENERGON_DESC_FLAG_IMPORTANCE)

/* One selection rule: threshold (alpha_q8) or top-k (k, or k_fraction_ppm when non-zero). */
typedef struct energon_select {
  uint8_t rule;   /* enum energon_rule */
  uint8_t q_bits; /* mpmrf rounds: Q operand width; unused for the topk policy */
  uint8_t k_bits; /* mpmrf rounds: K operand width (MSBs) */
  uint8_t reserved;
  int32_t alpha_q8;
  uint32_t k;
  uint32_t k_fraction_ppm;
} energon_select_t;

/* Written by firmware, read by the hardware; the result block is written back. Buffers:
 *  q_addr     INT16 [heads][n_q][d]
 *  k_plane[p] plane p of K: [kv_heads][n_k][d·plane_bits[p]/8 bytes], bits packed LSB first;
 *             plane 0 holds the most significant plane_bits[0] bits of each INT16, and so on
 *  v_addr     INT16 [kv_heads][n_k][d]
 *  scale_addr float32 [heads] Q scales, then float32 [kv_heads] K scales
 *  out_addr   INT16 [heads][n_q][d], written by the hardware
 *  prune_mask_addr (flag PRUNE) the head bitmap, ENERGON_PRUNE_HEAD_BYTES(heads) bytes, then the
 *             token bitmap, ceil(n_k/8) bytes; bit x of byte x/8 set = head or token x pruned
 *  importance_addr (flag IMPORTANCE) uint64 [n_k] token importance (the Q0.16 probabilities each
 *             key got, summed over heads and queries), then uint64 [heads] head importance
 *             (the magnitudes |out| of the head's output, summed), written by the hardware */
typedef struct energon_desc {
  uint32_t magic;            /* 0x00 ENERGON_DESC_MAGIC */
  uint16_t heads;            /* 0x04 */
  uint16_t kv_heads;         /* 0x06 */
  uint32_t n_q;              /* 0x08 */
  uint32_t n_k;              /* 0x0C */
  uint32_t valid_len;        /* 0x10 keys j < valid_len are valid */
  uint16_t d;                /* 0x14 */
  uint8_t policy;            /* 0x16 enum energon_policy */
  uint8_t flags;             /* 0x17 ENERGON_DESC_FLAG_* */
  uint8_t n_rounds;          /* 0x18 mpmrf rounds, 1..ENERGON_MAX_ROUNDS; spatten, a3: 1 */
  uint8_t n_planes;          /* 0x19 K planes, 1..ENERGON_MAX_PLANES */
  uint8_t plane_bits[4];     /* 0x1A widths, MSB plane first, summing to 16 */
  uint16_t reserved0;        /* 0x1E */
  uint64_t q_addr;           /* 0x20 */
  uint64_t k_plane_addr[4];  /* 0x28 */
  uint64_t v_addr;           /* 0x48 */
  uint64_t scale_addr;       /* 0x50 */
  uint64_t out_addr;         /* 0x58 */
  energon_select_t round[4]; /* 0x60 mpmrf rounds; spatten: MSB pass (ENERGON_PQ_*); a3: search (ENERGON_A3_*) */
  energon_select_t topk;     /* 0xA0 topk and spatten policies' top-k rule */
  /* ---- result block, written back by the hardware ---- */
  uint32_t result_status;  /* 0xB0 bit 0 done, bits 15..8 error code */
  uint32_t reserved1;      /* 0xB4 */
  uint64_t result_cycles;  /* 0xB8 accelerator cycles of this job */
  uint64_t result_allowed; /* 0xC0 keys allowed by the masks, summed over heads and queries */
  uint64_t result_kept[4]; /* 0xC8 keys kept after each mpmrf round (topk: [0]) */
  uint64_t result_final;   /* 0xE8 keys the attention engine used */
  /* ---- pruning (flags PRUNE, IMPORTANCE; 0 otherwise) ---- */
  uint64_t prune_mask_addr; /* 0xF0 */
  uint64_t importance_addr; /* 0xF8 */
} energon_desc_t;

/* Bytes of the prune mask's head bitmap: whole 64-bit words, so the token bitmap is aligned. */
#define ENERGON_PRUNE_HEAD_BYTES(heads) (8u * (((uint32_t)(heads) + 63u) / 64u))
#define ENERGON_PRUNE_MASK_BYTES(heads, n_k) ((uint64_t)ENERGON_PRUNE_HEAD_BYTES(heads) + ((uint64_t)(n_k) + 7u) / 8u)
#define ENERGON_IMPORTANCE_BYTES(heads, n_k) (8u * ((uint64_t)(n_k) + (uint64_t)(heads)))

#define ENERGON_RESULT_DONE (1u << 0)
#define ENERGON_RESULT_ERR_SHIFT 8

#ifdef __cplusplus
static_assert(sizeof(energon_desc_t) == ENERGON_DESC_BYTES, "descriptor size");
static_assert(sizeof(energon_select_t) == 16, "select size");
#else
_Static_assert(sizeof(energon_desc_t) == ENERGON_DESC_BYTES, "descriptor size");
#endif

#endif /* ENERGON_HW_REGS_H */
