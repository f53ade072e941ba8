// .npy reader: round trips for <f4/<f2/<i2, layouts through a workload, and every
// malformed file rejected with a message naming the file and the problem.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <fstream>

#include "energon/workload/npy.h"
#include "energon/workload/workload.h"
#include "workload_test_dir.h"

using namespace energon;
using namespace energon::workload;
using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;

namespace {

uint32_t bits_of(float f) {
  uint32_t b;
  std::memcpy(&b, &f, 4);
  return b;
}

// Writes a hand-made .npy: any version, any header text, `data_bytes` bytes of zeros.
std::string write_custom(const test::TestDir& dir, const std::string& name, int major, const std::string& header,
                         size_t data_bytes, const char* magic = "\x93NUMPY") {
  std::string out(magic, 6);
  out += static_cast<char>(major);
  out += '\0';
  const uint32_t len = static_cast<uint32_t>(header.size());
  out += static_cast<char>(len & 0xff);
  out += static_cast<char>(len >> 8);
  if (major >= 2) out += std::string("\0\0", 2);
  out += header;
  out += std::string(data_bytes, '\0');
  return dir.write(name, out);
}

std::string header(const std::string& descr, const std::string& shape, const char* order = "False") {
  return "{'descr': '" + descr + "', 'fortran_order': " + order + ", 'shape': " + shape + ", }\n";
}

std::string error_of(const std::string& path) {
  try {
    read_npy(path);
  } catch (const WorkloadError& e) {
    return e.what();
  }
  return "(no error)";
}

std::vector<float> ramp(size_t n, float scale) {
  std::vector<float> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = scale * (float(i) - float(n) / 2) / 7.0f;
  return v;
}

}  // namespace

TEST_CASE("workload_npy_f4_round_trip") {
  test::TestDir dir("f4");
  const std::vector<float> data = {1.5f,   -0.0f, 3.14159265f, -1e-30f, 65504.0f, 1e30f, std::nextafter(1.0f, 2.0f),
                                   -7.25f, 0.1f,  2.0f,        -3.0f,   4.0f};
  write_npy(dir.file("a.npy"), {2, 3, 2}, data);
  const NpyArray a = read_npy(dir.file("a.npy"));
  CHECK(a.header.dtype == NpyDtype::f4);
  CHECK(a.header.shape == std::vector<uint64_t>{2, 3, 2});
  CHECK(a.header.data_offset % 64 == 0);
  REQUIRE(a.data.size() == data.size());
  for (size_t i = 0; i < data.size(); ++i) CHECK(bits_of(a.data[i]) == bits_of(data[i]));

  write_npy(dir.file("one.npy"), {5}, {1, 2, 3, 4, 5});
  CHECK(read_npy(dir.file("one.npy")).header.shape == std::vector<uint64_t>{5});
  // The header numpy itself writes for a 1-D array.
  std::ifstream in(dir.file("one.npy"), std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::string numpy_header = "{'descr': '<f4', 'fortran_order': False, 'shape': (5,), }";
  CHECK(bytes.substr(10, numpy_header.size()) == numpy_header);
}

TEST_CASE("workload_npy_versions_2_and_3") {
  test::TestDir dir("versions");
  for (int major : {2, 3}) {
    const std::string p = write_custom(dir, "v.npy", major, header("<f4", "(2, 2)"), 16);
    const NpyArray a = read_npy(p);
    CHECK(a.header.shape == std::vector<uint64_t>{2, 2});
    CHECK(a.data == std::vector<float>{0, 0, 0, 0});
  }
}

TEST_CASE("workload_npy_half_is_exact") {
  // Every binary16 value against its definition: (-1)^s · 2^(e-15) · (1 + m/1024), subnormals m · 2^-24.
  for (uint32_t h = 0; h < 65536; ++h) {
    const uint32_t e = (h >> 10) & 0x1f, m = h & 0x3ff;
    const float got = half_to_float(static_cast<uint16_t>(h));
    const bool negative = (h & 0x8000) != 0;
    if (e == 0x1f) {
      if (m == 0)
        REQUIRE(std::isinf(got));
      else
        REQUIRE(std::isnan(got));
      REQUIRE(std::signbit(got) == negative);
      continue;
    }
    const double mag = e == 0 ? std::ldexp(double(m), -24) : std::ldexp(double(1024 + m), int(e) - 25);
    REQUIRE(double(got) == (negative ? -mag : mag));
    REQUIRE(std::signbit(got) == negative);
  }
  CHECK(bits_of(half_to_float(0x7e01)) == 0x7fc02000u);  // NaN payload kept

  test::TestDir dir("f2");
  const std::vector<uint16_t> halves = {0x3c00, 0xc000, 0x7bff, 0x0001, 0x03ff, 0x0400, 0x8000, 0x3555};
  const std::vector<float> expect = {
      1.0f,  -2.0f,          65504.0f, std::ldexp(1.0f, -24), 1023 * std::ldexp(1.0f, -24), std::ldexp(1.0f, -14),
      -0.0f, 0.333251953125f};
  write_npy_f2(dir.file("h.npy"), {2, 4}, halves);
  const NpyArray a = read_npy(dir.file("h.npy"));
  CHECK(a.header.dtype == NpyDtype::f2);
  REQUIRE(a.data.size() == expect.size());
  for (size_t i = 0; i < expect.size(); ++i) CHECK(bits_of(a.data[i]) == bits_of(expect[i]));
}

TEST_CASE("workload_npy_i2_round_trip") {
  test::TestDir dir("i2");
  const std::vector<int16_t> data = {-32768, -1, 0, 1, 12345, 32767};
  write_npy_i2(dir.file("i.npy"), {3, 2}, data);
  const NpyArray a = read_npy(dir.file("i.npy"));
  CHECK(a.header.dtype == NpyDtype::i2);
  REQUIRE(a.data.size() == data.size());
  for (size_t i = 0; i < data.size(); ++i) CHECK(a.data[i] == float(data[i]));
}

TEST_CASE("workload_npy_layers_through_a_workload") {
  // heads 2, kv_heads 1, n 8, d 4, two layers; Q in three accepted layouts.
  test::TestDir dir("layers");
  std::filesystem::create_directories(dir.file("dump"));
  const std::vector<float> q = ramp(2 * 8 * 4, 1.0f), k = ramp(8 * 4, 0.5f), v = ramp(8 * 4, -2.0f);
  std::vector<float> q_flat(q.size());  // [n, heads·d]
  for (uint32_t h = 0; h < 2; ++h)
    for (uint32_t i = 0; i < 8; ++i)
      for (uint32_t t = 0; t < 4; ++t) q_flat[(i * 2 + h) * 4 + t] = q[(h * 8 + i) * 4 + t];
  write_npy(dir.file("dump/q0.npy"), {2, 8, 4}, q);
  write_npy(dir.file("dump/q1.npy"), {8, 8}, q_flat);
  write_npy(dir.file("dump/k0.npy"), {1, 8, 4}, k);
  write_npy(dir.file("dump/k1.npy"), {1, 1, 8, 4}, k);
  write_npy(dir.file("dump/v0.npy"), {8, 4}, v);
  write_npy(dir.file("dump/v1.npy"), {1, 8, 4}, v);
  const std::string yaml = dir.write("m.yaml", R"(name: m
layers: 2
heads: 2
kv_heads: 1
d: 4
seq_len: 8
data:
  source: npy
  files:
    - {q: dump/q0.npy, k: dump/k0.npy, v: dump/v0.npy}
    - {q: dump/q1.npy, k: dump/k1.npy, v: dump/v1.npy}
)");
  const Workload w = load_workload(yaml);
  CHECK(w.source == DataSource::npy);
  REQUIRE(w.npy.files.size() == 2);
  CHECK(w.npy.files[1].q == dir.file("dump/q1.npy"));
  for (uint32_t layer : {0u, 1u}) {
    const FloatLayer l = make_layer(w, layer);
    CHECK(l.q == q);
    CHECK(l.k == k);
    CHECK(l.v == v);
  }

  // The same files through {layer} patterns.
  const std::string pattern = dir.write("p.yaml", R"(name: p
layers: 2
heads: 2
kv_heads: 1
d: 4
seq_len: 8
data: {source: npy, q: "dump/q{layer}.npy", k: "dump/k{layer}.npy", v: "dump/v{layer}.npy"}
)");
  CHECK(make_layer(load_workload(pattern), 1).q == q);
}

TEST_CASE("workload_npy_int16_needs_a_scale") {
  test::TestDir dir("i2scale");
  const std::vector<int16_t> qi = {-4, -2, 0, 2, 4, 6, 8, 10};  // heads 1, n 2, d 4
  write_npy_i2(dir.file("q.npy"), {1, 2, 4}, qi);
  write_npy(dir.file("k.npy"), {1, 2, 4}, ramp(8, 1.0f));
  write_npy(dir.file("v.npy"), {1, 2, 4}, ramp(8, 1.0f));
  const std::string base =
      "name: i\nlayers: 1\nheads: 1\nd: 4\nseq_len: 2\n"
      "data:\n  source: npy\n  files: [{q: q.npy, k: k.npy, v: v.npy}]\n";
  try {
    load_workload(dir.write("none.yaml", base));
    FAIL("expected an error");
  } catch (const WorkloadError& e) {
    CHECK(std::string(e.what()) == dir.file("none.yaml") +
                                       ": key 'data.int16_scale': missing (expected a positive number: " +
                                       dir.file("q.npy") + " holds int16 data)");
  }
  const Workload one = load_workload(dir.write("one.yaml", base + "  int16_scale: 0.5\n"));
  const FloatLayer l = make_layer(one, 0);
  for (size_t i = 0; i < qi.size(); ++i) CHECK(l.q[i] == 0.5f * qi[i]);
  CHECK(l.k == ramp(8, 1.0f));  // float files ignore the scale
  const Workload per = load_workload(dir.write("per.yaml", base + "  int16_scale: {q: 0.25, k: 1, v: 1}\n"));
  CHECK(make_layer(per, 0).q[7] == 2.5f);
}

TEST_CASE("workload_npy_malformed_files_are_rejected") {
  test::TestDir dir("bad");
  CHECK(error_of(write_custom(dir, "magic.npy", 1, header("<f4", "(2,)"), 8, "\x93NUMPX")) ==
        dir.file("magic.npy") + ": not a NumPy .npy file (bad magic: expected \\x93NUMPY)");
  CHECK(error_of(dir.write("short.npy", std::string("\x93NUMPY\x01", 7))) ==
        dir.file("short.npy") + ": truncated .npy header");
  CHECK(error_of(write_custom(dir, "ver.npy", 4, header("<f4", "(2,)"), 8)) ==
        dir.file("ver.npy") + ": unsupported .npy format version 4.0 (accepted: 1.0, 2.0, 3.0)");
  CHECK(error_of(write_custom(dir, "data.npy", 1, header("<f4", "(2, 3)"), 20)) ==
        dir.file("data.npy") + ": truncated: shape needs 24 data bytes, the file has 20");
  CHECK(error_of(write_custom(dir, "extra.npy", 1, header("<f4", "(2,)"), 12)) ==
        dir.file("extra.npy") + ": 4 unexpected bytes after the array data");
  CHECK(error_of(write_custom(dir, "f8.npy", 1, header("<f8", "(2,)"), 16)) ==
        dir.file("f8.npy") + ": unsupported dtype '<f8' (accepted: <f4, <f2, <i2)");
  CHECK(error_of(write_custom(dir, "be.npy", 1, header(">f4", "(2,)"), 8)) ==
        dir.file("be.npy") + ": unsupported dtype '>f4': big-endian data (save as little-endian <f4, <f2 or <i2)");
  CHECK(error_of(write_custom(dir, "fortran.npy", 1, header("<f4", "(2, 2)", "True"), 16)) ==
        dir.file("fortran.npy") +
            ": fortran_order is True: only C-order arrays are accepted (use np.ascontiguousarray)");
  CHECK_THAT(error_of(write_custom(dir, "garbled.npy", 1, "{'descr': '<f4', 'shape': [2]}\n", 8)),
             StartsWith(dir.file("garbled.npy") + ": malformed .npy header ("));
  CHECK_THAT(error_of(write_custom(dir, "struct.npy", 1,
                                   "{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,), }", 4)),
             StartsWith(dir.file("struct.npy") + ": unsupported dtype: structured arrays"));
  {
    const std::string p = write_custom(dir, "hdr.npy", 1, header("<f4", "(2,)"), 8);
    std::filesystem::resize_file(p, 30);
    CHECK_THAT(error_of(p), StartsWith(p + ": truncated .npy header: header length"));
  }
  CHECK(error_of(dir.file("absent.npy")) == dir.file("absent.npy") + ": cannot open file");
}

TEST_CASE("workload_npy_shape_mismatch_names_file_and_expectation") {
  test::TestDir dir("shape");
  write_npy(dir.file("q.npy"), {2, 8, 4}, ramp(64, 1.0f));
  write_npy(dir.file("k.npy"), {2, 7, 4}, ramp(56, 1.0f));
  write_npy(dir.file("v.npy"), {2, 8, 4}, ramp(64, 1.0f));
  try {
    load_workload(dir.write("s.yaml",
                            "name: s\nlayers: 1\nheads: 2\nd: 4\nseq_len: 8\n"
                            "data: {source: npy, files: [{q: q.npy, k: k.npy, v: v.npy}]}\n"));
    FAIL("expected an error");
  } catch (const WorkloadError& e) {
    CHECK(std::string(e.what()) == dir.file("s.yaml") + ": key 'data.files[0].k': " + dir.file("k.npy") +
                                       ": shape (2, 7, 4) does not match the workload: expected (2, 8, 4) "
                                       "[heads, n, d], (1, 2, 8, 4) or (8, 8) [n, heads*d]");
  }
  // A file replaced after loading is caught when the layer is read.
  write_npy(dir.file("k.npy"), {2, 8, 4}, ramp(64, 1.0f));
  const Workload w = load_workload(dir.file("s.yaml"));
  write_npy(dir.file("v.npy"), {8, 4}, ramp(32, 1.0f));
  CHECK_THROWS_WITH(make_layer(w, 0), StartsWith(dir.file("v.npy") + ": shape (8, 4) does not match"));
}

TEST_CASE("workload_npy_header_only_read_checks_the_same") {
  test::TestDir dir("header");
  write_npy(dir.file("a.npy"), {4, 3}, ramp(12, 1.0f));
  const NpyHeader h = read_npy_header(dir.file("a.npy"));
  CHECK(h.shape == std::vector<uint64_t>{4, 3});
  CHECK(h.elements() == 12);
  CHECK(h.data_offset == 128);  // as numpy writes it: 10 + 60-character dict, padded to 64
  std::filesystem::resize_file(dir.file("a.npy"), 128 + 40);
  CHECK_THROWS_WITH(read_npy_header(dir.file("a.npy")),
                    dir.file("a.npy") + ": truncated: shape needs 48 data bytes, the file has 40");
  std::filesystem::resize_file(dir.file("a.npy"), 11);
  CHECK_THROWS_WITH(read_npy_header(dir.file("a.npy")), StartsWith(dir.file("a.npy") + ": truncated .npy header"));
  CHECK_THROWS_WITH(read_npy_header(dir.file("none.npy")), dir.file("none.npy") + ": cannot open file");
}

TEST_CASE("workload_npy_non_finite_values_are_rejected") {
  test::TestDir dir("nonfinite");
  std::filesystem::create_directories(dir.file("dump"));
  std::vector<float> q = ramp(8 * 4, 1.0f);
  const std::vector<float> k = ramp(8 * 4, 0.5f), v = ramp(8 * 4, -2.0f);
  write_npy(dir.file("dump/k.npy"), {1, 8, 4}, k);
  write_npy(dir.file("dump/v.npy"), {1, 8, 4}, v);
  const std::string yaml = dir.write("m.yaml", R"(name: m
layers: 1
heads: 1
kv_heads: 1
d: 4
seq_len: 8
data:
  source: npy
  files:
    - {q: dump/q.npy, k: dump/k.npy, v: dump/v.npy}
)");
  for (float bad : {std::nanf(""), INFINITY, -INFINITY}) {
    q[5] = bad;
    write_npy(dir.file("dump/q.npy"), {1, 8, 4}, q);
    const Workload w = load_workload(yaml);
    CHECK_THROWS_WITH(make_layer(w, 0),
                      Catch::Contains("q.npy: element 5 is") && Catch::Contains("tensors must be finite"));
  }
}
