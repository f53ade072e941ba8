// energon-trace-gen-dense-layer <out-dir>: writes the input tensors and the golden output of
// the layer that traces/dense_layer.trace runs (the shape below must match its descriptor):
// dense_q.bin, dense_k_plane{0,1,2}.bin, dense_v.bin, dense_scale.bin, dense_out_golden.bin.
// The K bit planes are packed here, independently of the firmware's packer.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "energon/golden/golden.h"

namespace {

// Shape of traces/dense_layer.trace.
constexpr uint32_t kHeads = 2, kKvHeads = 1, kNq = 8, kNk = 32, kD = 16, kValidLen = 30;
constexpr bool kCausal = true;
constexpr unsigned kPlaneBits[3] = {2, 2, 12};

bool write(const std::string& path, const void* data, size_t bytes) {
  std::ofstream f(path, std::ios::binary);
  f.write(static_cast<const char*>(data), std::streamsize(bytes));
  if (!f) std::fprintf(stderr, "energon-trace-gen-dense-layer: cannot write %s\n", path.c_str());
  return bool(f);
}

/// Plane p of every K row: the plane's field of each element, packed LSB first.
std::vector<uint8_t> pack_plane(const std::vector<int16_t>& k, unsigned plane) {
  unsigned top = 16;
  for (unsigned p = 0; p < plane; ++p) top -= kPlaneBits[p];
  const unsigned bits = kPlaneBits[plane], shift = top - bits;
  const size_t rows = k.size() / kD, row_bytes = kD * bits / 8;
  std::vector<uint8_t> out(rows * row_bytes, 0);
  for (size_t r = 0; r < rows; ++r) {
    for (unsigned t = 0; t < kD; ++t) {
      const uint32_t field = (uint32_t(uint16_t(k[r * kD + t])) >> shift) & ((1u << bits) - 1);
      for (unsigned b = 0; b < bits; ++b) {
        const size_t bit = size_t(t) * bits + b;
        if (field >> b & 1u) out[r * row_bytes + bit / 8] |= uint8_t(1u << (bit % 8));
      }
    }
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: energon-trace-gen-dense-layer <out-dir>\n");
    return 2;
  }
  const std::string dir = argv[1];
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    std::fprintf(stderr, "energon-trace-gen-dense-layer: cannot create %s: %s\n", dir.c_str(), ec.message().c_str());
    return 1;
  }
  energon::FloatLayer layer;
  layer.shape = {kHeads, kKvHeads, kNq, kNk, kD, kCausal, kValidLen};
  std::mt19937 rng(20261129);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  for (auto* t : {&layer.q, &layer.k, &layer.v}) {
    const size_t n = (t == &layer.q) ? layer.shape.q_elems() : layer.shape.kv_elems();
    t->resize(n);
    for (float& x : *t) x = normal(rng);
  }
  // A few dominant keys, as real attention has: scale some K rows up.
  for (uint32_t j = 0; j < kNk; j += 7)
    for (uint32_t t = 0; t < kD; ++t) layer.k[j * kD + t] *= 3.0f;

  const energon::QuantizedLayer q = energon::golden::quantize_layer(layer);
  energon::golden::GoldenStats stats;
  const std::vector<int16_t> out = energon::golden::run_attention(q, energon::FilterConfig::dense(), &stats);

  std::vector<float> scales(q.q.scale);
  scales.insert(scales.end(), q.k.scale.begin(), q.k.scale.end());
  bool ok = write(dir + "/dense_q.bin", q.q.data.data(), q.q.data.size() * 2) &&
            write(dir + "/dense_v.bin", q.v.data.data(), q.v.data.size() * 2) &&
            write(dir + "/dense_scale.bin", scales.data(), scales.size() * 4) &&
            write(dir + "/dense_out_golden.bin", out.data(), out.size() * 2);
  for (unsigned p = 0; p < 3 && ok; ++p) {
    const std::vector<uint8_t> plane = pack_plane(q.k.data, p);
    ok = write(dir + "/dense_k_plane" + std::to_string(p) + ".bin", plane.data(), plane.size());
  }
  if (!ok) return 1;
  std::printf("dense layer: %zu output values, %llu keys allowed, written to %s\n", out.size(),
              static_cast<unsigned long long>(stats.allowed), dir.c_str());
  return 0;
}
