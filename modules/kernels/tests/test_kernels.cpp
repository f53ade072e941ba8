// Every kernel set this CPU can run against the scalar reference, bit for bit, on random and
// extreme data (docs/numerics.md "Kernels"). Sets the CPU lacks are skipped and named.
#include <catch2/catch.hpp>
#include <algorithm>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>

#include "energon/kernels/kernels.h"

using namespace energon;

namespace {

/// The top `bits` bits of x as a signed integer (the MP-MRF rounds' MSB slice, spec §1.2).
int32_t msb_slice(int16_t x, unsigned bits) { return int32_t(x) >> (16 - bits); }

uint32_t bits_of(float f) {
  uint32_t b;
  std::memcpy(&b, &f, sizeof b);
  return b;
}

std::vector<const kernels::KernelSet*> vector_sets() {
  std::vector<const kernels::KernelSet*> v;
  for (const kernels::KernelSet* s : kernels::available())
    if (s != &kernels::scalar()) v.push_back(s);
  return v;
}

enum class Fill { random, min, max, alternating, min_max_blocks, small };

int16_t value(Fill f, std::mt19937_64& rng, size_t i) {
  switch (f) {
    case Fill::random:
      return int16_t(uint16_t(rng()));
    case Fill::min:
      return -32768;
    case Fill::max:
      return 32767;
    case Fill::alternating:
      return i % 2 ? 32767 : -32768;
    case Fill::min_max_blocks:
      return (i / 7) % 3 == 0 ? 32767 : -32768;
    case Fill::small:
      return int16_t(int(rng() % 7) - 3);
  }
  return 0;
}

std::vector<int16_t> fill16(Fill f, size_t n, std::mt19937_64& rng) {
  std::vector<int16_t> x(n);
  for (size_t i = 0; i < n; ++i) x[i] = value(f, rng, i);
  return x;
}

/// Row lists: all keys in order, a random ascending subset, and a shuffled list with repeats.
std::vector<std::vector<uint32_t>> row_lists(uint32_t n_keys, std::mt19937_64& rng) {
  std::vector<std::vector<uint32_t>> lists(3);
  for (uint32_t j = 0; j < n_keys; ++j) lists[0].push_back(j);
  for (uint32_t j = 0; j < n_keys; ++j)
    if (rng() % 3 == 0) lists[1].push_back(j);
  for (uint32_t j = 0; j < n_keys; ++j) lists[2].push_back(uint32_t(rng() % n_keys));
  return lists;
}

std::vector<uint16_t> probabilities(int kind, size_t n, std::mt19937_64& rng) {
  std::vector<uint16_t> p(n);
  for (size_t j = 0; j < n; ++j) {
    switch (kind) {
      case 0:
        p[j] = uint16_t(rng());
        break;  // anything
      case 1:
        p[j] = 65535;
        break;  // the largest
      case 2:
        p[j] = j % 2 ? 0 : 65535;
        break;
      case 3:
        p[j] = uint16_t(32767 + rng() % 3);
        break;  // around the split point
      default:
        p[j] = uint16_t(rng() % 8 == 0 ? rng() % 65536 : rng() % 64);  // softmax-like
    }
  }
  return p;
}

void check_set(const kernels::KernelSet& ks, uint32_t d, uint32_t n_keys, Fill fq, Fill fk, std::mt19937_64& rng) {
  const kernels::KernelSet& ref = kernels::scalar();
  const std::vector<int16_t> q = fill16(fq, d, rng), k = fill16(fk, size_t(n_keys) * d, rng);
  std::vector<int8_t> q8(d), k8(size_t(n_keys) * d);
  const unsigned bits = 1 + unsigned(rng() % 8);
  for (uint32_t t = 0; t < d; ++t) q8[t] = int8_t(msb_slice(q[t], bits));
  for (size_t e = 0; e < k8.size(); ++e) k8[e] = int8_t(msb_slice(k[e], fk == Fill::random ? 8 : bits));
  for (const std::vector<uint32_t>& rows : row_lists(n_keys, rng)) {
    const uint32_t n = uint32_t(rows.size());
    std::vector<int64_t> want(n), got(n, -1);
    ref.scores_int16(q.data(), k.data(), rows.data(), n, d, want.data());
    ks.scores_int16(q.data(), k.data(), rows.data(), n, d, got.data());
    CHECK(got == want);
    ref.scores_int8(q8.data(), k8.data(), rows.data(), n, d, want.data());
    std::fill(got.begin(), got.end(), -1);
    ks.scores_int8(q8.data(), k8.data(), rows.data(), n, d, got.data());
    CHECK(got == want);
    for (int kind = 0; kind < 5; ++kind) {
      const std::vector<uint16_t> p = probabilities(kind, n, rng);
      std::vector<int64_t> sw(d), sg(d, -1);
      ref.weighted_sum(p.data(), rows.data(), n, k.data(), d, sw.data());
      ks.weighted_sum(p.data(), rows.data(), n, k.data(), d, sg.data());
      if (sg != sw) FAIL_CHECK(ks.name << " weighted_sum differs: d " << d << ", n " << n << ", p kind " << kind);
    }
  }
}

}  // namespace

TEST_CASE("kernels: the run-time choice names the sets this CPU runs", "[kernels]") {
  std::string names;
  for (const kernels::KernelSet* s : kernels::available()) names += std::string(" ") + s->name;
  std::printf("kernel sets available on this CPU:%s; active: %s\n", names.c_str(), kernels::active().name);
  REQUIRE(kernels::available().front() == &kernels::scalar());
  CHECK(kernels::find("scalar") == &kernels::scalar());
  CHECK(kernels::find("no-such-set") == nullptr);
  const char* forced = std::getenv("ENERGON_KERNELS");
  if (!forced || !kernels::find(forced)) CHECK(&kernels::active() == kernels::available().back());
}

TEST_CASE("kernels equal the scalar ones on random data for d from 1 to 256", "[kernels]") {
  const auto sets = vector_sets();
  if (sets.empty()) std::printf("no vector kernel set on this CPU: only the scalar kernels ran\n");
  std::mt19937_64 rng(20240611);
  for (const kernels::KernelSet* ks : sets) {
    std::printf("checking kernel set %s against scalar\n", ks->name);
    for (uint32_t d = 8; d <= 256; d += 8) check_set(*ks, d, 97 + d % 13, Fill::random, Fill::random, rng);
    for (uint32_t d : {1u, 2u, 3u, 5u, 7u, 9u, 12u, 15u, 17u, 31u, 33u, 47u, 63u, 65u, 100u, 129u, 255u})  // tails
      check_set(*ks, d, 41, Fill::random, Fill::random, rng);
    check_set(*ks, 64, 3000, Fill::random, Fill::random, rng);  // long rows: many ×V blocks
    check_set(*ks, 256, 1500, Fill::random, Fill::random, rng);
    check_set(*ks, 64, 2000, Fill::small, Fill::small, rng);
  }
}

TEST_CASE("kernels equal the scalar ones on extreme data", "[kernels]") {
  std::mt19937_64 rng(7);
  const Fill fills[] = {Fill::min, Fill::max, Fill::alternating, Fill::min_max_blocks, Fill::random};
  for (const kernels::KernelSet* ks : vector_sets()) {
    for (uint32_t d = 8; d <= 256; d += 8)
      for (Fill fq : fills)
        for (Fill fk : fills) check_set(*ks, d, 19, fq, fk, rng);
    for (Fill f : fills) check_set(*ks, 256, 4096, f, f, rng);  // the largest products, 4096 keys
  }
  // The extremes in closed form: all −32768 (pmaddwd alone would wrap to −2^31 here).
  for (const kernels::KernelSet* ks : kernels::available()) {
    std::vector<int16_t> q(256, -32768), k(256 * 4, -32768);
    const uint32_t rows[4] = {0, 1, 2, 3};
    int64_t s[4];
    ks->scores_int16(q.data(), k.data(), rows, 4, 256, s);
    for (int64_t x : s) CHECK(x == int64_t(256) << 30);
    std::vector<uint16_t> p(4, 65535);
    std::vector<int64_t> sum(256);
    ks->weighted_sum(p.data(), rows, 4, k.data(), 256, sum.data());
    for (int64_t x : sum) CHECK(x == -int64_t(4) * 65535 * 32768);
  }
}

TEST_CASE("softmax passes of every kernel set equal the scalar ones", "[kernels]") {
  std::mt19937_64 rng(99);
  const float cs[] = {1.0f / 8.0f, 3.1e-9f, 1e-3f, 7.5f, 0.0f, INFINITY, NAN, -0.5f};
  const kernels::KernelSet& ref = kernels::scalar();
  for (const kernels::KernelSet* ks : vector_sets()) {
    for (uint32_t n : {1u, 2u, 3u, 4u, 5u, 7u, 8u, 9u, 15u, 16u, 17u, 31u, 33u, 100u, 512u, 1027u}) {
      for (int kind = 0; kind < 5; ++kind) {
        std::vector<int64_t> acc(n);
        for (uint32_t j = 0; j < n; ++j) {
          switch (kind) {
            case 0:
              acc[j] = int64_t(rng() % (uint64_t(1) << 39)) - (int64_t(1) << 38);
              break;  // d = 256 range
            case 1:
              acc[j] = int64_t(rng() % 2001) - 1000;
              break;
            case 2:
              acc[j] = j == n / 2 ? (int64_t(1) << 51) : 5;
              break;  // beyond the exact-double range
            case 3:
              acc[j] = int64_t(rng());
              break;  // anything
            default:
              acc[j] = 0;
          }
        }
        for (float c : cs) {
          std::vector<float> want(n), got(n);
          ref.softmax_shift(acc.data(), n, c, want.data());
          if (!ks->softmax_shift(acc.data(), n, c, got.data())) continue;  // the caller falls back to scalar
          for (uint32_t j = 0; j < n; ++j) {
            const bool same = bits_of(want[j]) == bits_of(got[j]) ||
                              (want[j] == 0.0f && got[j] == 0.0f);  // ±0: expf gives the same e
            if (!same) FAIL_CHECK(ks->name << " softmax_shift differs: n " << n << ", kind " << kind << ", c " << c);
          }
          std::vector<float> e(n);
          float z = 0.0f;
          for (uint32_t j = 0; j < n; ++j) z += (e[j] = std::exp(want[j]));
          std::vector<uint16_t> pw(n), pg(n);
          ref.softmax_q16_out(e.data(), n, z, pw.data());
          ks->softmax_q16_out(e.data(), n, z, pg.data());
          CHECK(pg == pw);
        }
      }
      // q16 output on arbitrary e and z, NaN and infinities included
      std::vector<float> e(n);
      for (uint32_t j = 0; j < n; ++j) e[j] = float(rng() % 100000) / 100000.0f;
      for (float z : {1.0f, 0.75f, 3.0f, 1e-30f, INFINITY, NAN}) {
        std::vector<uint16_t> pw(n), pg(n);
        ref.softmax_q16_out(e.data(), n, z, pw.data());
        ks->softmax_q16_out(e.data(), n, z, pg.data());
        CHECK(pg == pw);
      }
    }
  }
}

TEST_CASE("row statistics of every kernel set equal the scalar ones", "[kernels]") {
  std::mt19937_64 rng(31);
  const kernels::KernelSet& ref = kernels::scalar();
  // the scalar definition in closed form
  const int64_t row[5] = {3, -7, 12, 0, -7};
  int64_t mms[3];
  ref.min_max_sum(row, 5, mms);
  CHECK(mms[0] == -7);
  CHECK(mms[1] == 12);
  CHECK(mms[2] == 1);
  for (const kernels::KernelSet* ks : kernels::available()) {
    for (uint32_t n : {1u, 2u, 3u, 4u, 5u, 7u, 8u, 9u, 15u, 16u, 17u, 31u, 33u, 100u, 512u, 1027u}) {
      for (int kind = 0; kind < 6; ++kind) {
        std::vector<int64_t> s(n);
        for (uint32_t j = 0; j < n; ++j) {
          switch (kind) {
            case 0:
              s[j] = int64_t(rng());  // anything, the sum wraps
              break;
            case 1:
              s[j] = int64_t(rng() % 2001) - 1000;
              break;
            case 2:
              s[j] = j % 2 ? INT64_MAX : INT64_MIN;
              break;
            case 3:
              s[j] = int64_t(n - j);  // the maximum first, the minimum last
              break;
            case 4:
              s[j] = j == n - 1 ? -5 : 9;  // the minimum in the tail
              break;
            default:
              s[j] = 42;
          }
        }
        int64_t want[3], got[3] = {-1, -1, -1};
        ref.min_max_sum(s.data(), n, want);
        ks->min_max_sum(s.data(), n, got);
        if (!std::equal(want, want + 3, got))
          FAIL_CHECK(ks->name << " min_max_sum differs: n " << n << ", kind " << kind << ": " << got[0] << " " << got[1]
                              << " " << got[2] << " vs " << want[0] << " " << want[1] << " " << want[2]);
      }
    }
  }
}

TEST_CASE("the selector's compare-and-emit pass of every kernel set equals the scalar one", "[kernels]") {
  std::mt19937_64 rng(47);
  const kernels::KernelSet& ref = kernels::scalar();
  // the scalar definition in closed form: rows with s ≥ t, in order
  const int64_t row[6] = {3, -7, 12, 0, -7, 3};
  const uint32_t keys[6] = {10, 11, 12, 13, 14, 15};
  uint32_t kept[6];
  REQUIRE(ref.keep_at_least(row, keys, 6, 3, kept) == 3);
  CHECK((kept[0] == 10 && kept[1] == 12 && kept[2] == 15));
  CHECK(ref.keep_at_least(row, keys, 6, INT64_MIN, kept) == 6);
  CHECK(ref.keep_at_least(row, keys, 6, 13, kept) == 0);
  for (const kernels::KernelSet* ks : kernels::available()) {
    for (uint32_t n : {0u, 1u, 2u, 3u, 4u, 5u, 7u, 8u, 9u, 15u, 16u, 17u, 31u, 32u, 33u, 100u, 512u, 1027u}) {
      for (int kind = 0; kind < 5; ++kind) {
        std::vector<int64_t> s(n);
        std::vector<uint32_t> rows(n);
        for (uint32_t j = 0; j < n; ++j) rows[j] = uint32_t(rng());
        // the threshold: any (kind 0), inside the round scores (1), an extreme one (2), 0 (3, 4)
        const int64_t t = kind == 0 ? int64_t(rng()) : kind == 1 ? 3 : kind == 2 ? (n % 2 ? INT64_MAX : INT64_MIN) : 0;
        for (uint32_t j = 0; j < n; ++j) {
          switch (kind) {
            case 0:  // anything
              s[j] = int64_t(rng());
              break;
            case 1:  // round scores around the threshold, ties included
              s[j] = int64_t(rng() % 41) - 20;
              break;
            case 2:  // the extremes against the extreme thresholds
              s[j] = j % 2 ? INT64_MAX : INT64_MIN;
              break;
            case 3:  // every one kept
              s[j] = int64_t(j);
              break;
            default:  // none kept
              s[j] = -int64_t(j) - 1;
          }
        }
        std::vector<uint32_t> want(n + 1, 0xdeadbeef), got(n + 1, 0xdeadbeef);
        const uint32_t w = ref.keep_at_least(s.data(), rows.data(), n, t, want.data());
        const uint32_t g = ks->keep_at_least(s.data(), rows.data(), n, t, got.data());
        if (g != w || !std::equal(want.begin(), want.begin() + w, got.begin()))
          FAIL_CHECK(ks->name << " keep_at_least differs: n " << n << ", kind " << kind << ": " << g << " kept vs "
                              << w);
        CHECK(got[n] == 0xdeadbeef);  // nothing written past room for n
      }
    }
  }
}

// expf: every set gives the C library's bits, on the special cases and, exhaustively, on every
// float of the softmax's domain below the special range (x ≤ 0, |x| < 88: about 1.1·10⁹ values).
TEST_CASE("expf of every kernel set equals the C library's", "[kernels]") {
  std::vector<float> special = {0.0f, -0.0f, -88.0f, -87.99999f, -100.0f, -103.5f, -104.0f, -1e30f, -INFINITY,
                                NAN,  88.0f, 88.8f,  INFINITY,   1.0f,    -1.0f,   1e-40f,  -1e-40f};
  for (const kernels::KernelSet* ks : vector_sets()) {
    std::vector<float> got(special);
    ks->exp_in_place(got.data(), uint32_t(got.size()));
    for (size_t i = 0; i < special.size(); ++i) {
      const float want = std::exp(special[i]);
      if (bits_of(want) != bits_of(got[i]) && !(std::isnan(want) && std::isnan(got[i])))
        FAIL_CHECK(ks->name << " expf(" << special[i] << ") = " << got[i] << ", the library gives " << want);
    }
#if defined(__x86_64__) && defined(__GLIBC__)
    // The reproduction is of glibc's expf on CPUs with FMA, which every AVX2 machine this runs on has.
    CHECK(ks->exp_vectorized());
#endif
    constexpr uint32_t kChunk = 1 << 16, kLast = 0x42b00000u;  // |x| < 88
    std::vector<float> in(kChunk), out(kChunk);
    uint64_t mismatches = 0;
    for (uint32_t b = 0; b < kLast; b += kChunk) {
      const uint32_t n = std::min(kChunk, kLast - b);
      for (uint32_t i = 0; i < n; ++i) {
        const uint32_t bits = 0x80000000u | (b + i);
        std::memcpy(&in[i], &bits, 4);
      }
      std::copy(in.begin(), in.begin() + n, out.begin());
      ks->exp_in_place(out.data(), n);
      for (uint32_t i = 0; i < n; ++i) {
        const float want = std::exp(in[i]);
        if (bits_of(want) != bits_of(out[i]) && mismatches++ < 5)
          FAIL_CHECK(ks->name << " expf(" << in[i] << ") = " << out[i] << ", the library gives " << want);
      }
    }
    CHECK(mismatches == 0);
  }
}
