#include "energon/workload/npy.h"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <fstream>
#include <iterator>
#include <limits>

#include "energon/workload/workload_error.h"

namespace energon::workload {

namespace {

constexpr char kMagic[] = "\x93NUMPY";
constexpr size_t kMagicLen = 6;

[[noreturn]] void fail(const std::string& path, const std::string& what) { throw WorkloadError(path + ": " + what); }

size_t item_size(NpyDtype t) { return t == NpyDtype::f4 ? 4 : 2; }

uint32_t le32(const uint8_t* p) {
  return uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24;
}
uint16_t le16(const uint8_t* p) { return static_cast<uint16_t>(p[0] | p[1] << 8); }

std::vector<uint8_t> slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(path, "cannot open file");
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) fail(path, "read error");
  return bytes;
}

// The header is a Python dict literal: {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }
class HeaderParser {
 public:
  HeaderParser(const std::string& text, const std::string& path) : s_(text), path_(path) {}

  NpyHeader parse() {
    std::string descr;
    bool have_descr = false, have_order = false, have_shape = false, fortran = false;
    NpyHeader h;
    expect('{');
    while (true) {
      skip_space();
      if (peek() == '}') break;
      const std::string key = string_literal();
      expect(':');
      skip_space();
      if (key == "descr") {
        if (peek() != '\'' && peek() != '"')
          fail(path_, "unsupported dtype: structured arrays are not accepted (need <f4, <f2 or <i2)");
        descr = string_literal();
        have_descr = true;
      } else if (key == "fortran_order") {
        fortran = boolean();
        have_order = true;
      } else if (key == "shape") {
        h.shape = tuple();
        have_shape = true;
      } else {
        malformed("unexpected header key '" + key + "'");
      }
      skip_space();
      if (peek() == ',') {
        ++pos_;
        continue;
      }
      skip_space();
      if (peek() != '}') malformed("expected ',' or '}'");
    }
    if (!have_descr || !have_order || !have_shape) malformed("header must hold 'descr', 'fortran_order' and 'shape'");
    if (descr == "<f4")
      h.dtype = NpyDtype::f4;
    else if (descr == "<f2")
      h.dtype = NpyDtype::f2;
    else if (descr == "<i2")
      h.dtype = NpyDtype::i2;
    else if (!descr.empty() && descr[0] == '>')
      fail(path_, "unsupported dtype '" + descr + "': big-endian data (save as little-endian <f4, <f2 or <i2)");
    else
      fail(path_, "unsupported dtype '" + descr + "' (accepted: <f4, <f2, <i2)");
    if (fortran) fail(path_, "fortran_order is True: only C-order arrays are accepted (use np.ascontiguousarray)");
    return h;
  }

 private:
  char peek() const { return pos_ < s_.size() ? s_[pos_] : '\0'; }
  void skip_space() {
    while (pos_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[pos_]))) ++pos_;
  }
  void expect(char c) {
    skip_space();
    if (peek() != c) malformed(std::string("expected '") + c + "'");
    ++pos_;
  }
  std::string string_literal() {
    skip_space();
    const char quote = peek();
    if (quote != '\'' && quote != '"') malformed("expected a quoted string");
    const size_t end = s_.find(quote, pos_ + 1);
    if (end == std::string::npos) malformed("unterminated string");
    std::string out = s_.substr(pos_ + 1, end - pos_ - 1);
    pos_ = end + 1;
    return out;
  }
  bool boolean() {
    if (s_.compare(pos_, 4, "True") == 0) {
      pos_ += 4;
      return true;
    }
    if (s_.compare(pos_, 5, "False") == 0) {
      pos_ += 5;
      return false;
    }
    malformed("fortran_order must be True or False");
  }
  std::vector<uint64_t> tuple() {
    expect('(');
    std::vector<uint64_t> dims;
    while (true) {
      skip_space();
      if (peek() == ')') break;
      if (!std::isdigit(static_cast<unsigned char>(peek()))) malformed("shape must be a tuple of integers");
      uint64_t v = 0;
      while (std::isdigit(static_cast<unsigned char>(peek()))) {
        const uint64_t digit = uint64_t(s_[pos_++] - '0');
        if (v > (std::numeric_limits<uint64_t>::max() - digit) / 10) malformed("shape dimension too large");
        v = v * 10 + digit;
      }
      if (peek() == 'L') ++pos_;  // Python 2 long literal
      dims.push_back(v);
      skip_space();
      if (peek() == ',')
        ++pos_;
      else if (peek() != ')')
        malformed("expected ',' or ')' in shape");
    }
    ++pos_;
    return dims;
  }
  [[noreturn]] void malformed(const std::string& what) const {
    fail(path_, "malformed .npy header (" + what + " at character " + std::to_string(pos_) + ")");
  }

  const std::string& s_;
  const std::string& path_;
  size_t pos_ = 0;
};

// `b` holds at least the whole header when the file is long enough; `file_size` is the
// size of the whole file (the data need not be in `b`).
NpyHeader parse_header(const std::vector<uint8_t>& b, uint64_t file_size, const std::string& path) {
  if (b.size() < kMagicLen || std::memcmp(b.data(), kMagic, kMagicLen) != 0)
    fail(path, "not a NumPy .npy file (bad magic: expected \\x93NUMPY)");
  if (b.size() < 10) fail(path, "truncated .npy header");
  const uint8_t major = b[6], minor = b[7];
  if (major < 1 || major > 3 || minor != 0)
    fail(path, "unsupported .npy format version " + std::to_string(major) + "." + std::to_string(minor) +
                   " (accepted: 1.0, 2.0, 3.0)");
  const size_t prefix = major == 1 ? 10 : 12;
  if (b.size() < prefix) fail(path, "truncated .npy header");
  const uint64_t header_len = major == 1 ? le16(b.data() + 8) : le32(b.data() + 8);
  if (b.size() < prefix + header_len)
    fail(path, "truncated .npy header: header length " + std::to_string(header_len) + " but the file has " +
                   std::to_string(b.size()) + " bytes");
  const std::string text(reinterpret_cast<const char*>(b.data()) + prefix, header_len);
  NpyHeader h = HeaderParser(text, path).parse();
  h.data_offset = prefix + header_len;
  uint64_t elems = 1;
  for (uint64_t dim : h.shape) {
    if (dim != 0 && elems > std::numeric_limits<uint64_t>::max() / 8 / dim) fail(path, "shape too large");
    elems *= dim;
  }
  const uint64_t need = elems * item_size(h.dtype);
  const uint64_t have = file_size - h.data_offset;
  if (have < need)
    fail(path, "truncated: shape needs " + std::to_string(need) + " data bytes, the file has " + std::to_string(have));
  if (have > need) fail(path, std::to_string(have - need) + " unexpected bytes after the array data");
  return h;
}

std::string header_text(const char* descr, const std::vector<uint64_t>& shape) {
  std::string dims;
  for (size_t i = 0; i < shape.size(); ++i) dims += (i ? ", " : "") + std::to_string(shape[i]);
  if (shape.size() == 1) dims += ",";  // Python's one-element tuple
  return std::string("{'descr': '") + descr + "', 'fortran_order': False, 'shape': (" + dims + "), }";
}

void write_raw(const std::string& path, const char* descr, const std::vector<uint64_t>& shape, const void* data,
               size_t bytes, size_t elems) {
  uint64_t expected = 1;
  for (uint64_t dim : shape) expected *= dim;
  if (expected != elems)
    throw WorkloadError(path + ": cannot write .npy: shape holds " + std::to_string(expected) + " elements, data has " +
                        std::to_string(elems));
  std::string header = header_text(descr, shape);
  const bool v2 = header.size() + 11 > 65535;
  const size_t prefix = v2 ? 12 : 10;
  const size_t total = (prefix + header.size() + 1 + 63) / 64 * 64;  // data 64-byte aligned
  header.append(total - prefix - header.size() - 1, ' ');
  header += '\n';
  std::string out(kMagic, kMagicLen);
  out += static_cast<char>(v2 ? 2 : 1);
  out += '\0';
  const uint32_t len = static_cast<uint32_t>(header.size());
  out += static_cast<char>(len & 0xff);
  out += static_cast<char>((len >> 8) & 0xff);
  if (v2) {
    out += static_cast<char>((len >> 16) & 0xff);
    out += static_cast<char>((len >> 24) & 0xff);
  }
  out += header;
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  if (!f) throw WorkloadError(path + ": cannot create file");
  f.write(out.data(), static_cast<std::streamsize>(out.size()));
  // Elements are written little-endian byte by byte: correct on any host.
  const size_t item = elems ? bytes / elems : 0;
  std::vector<char> le(bytes);
  for (size_t e = 0; e < elems; ++e) {
    uint32_t bits = 0;
    if (item == 4) {
      std::memcpy(&bits, static_cast<const char*>(data) + e * 4, 4);
    } else {
      uint16_t half = 0;
      std::memcpy(&half, static_cast<const char*>(data) + e * 2, 2);
      bits = half;
    }
    for (size_t byte = 0; byte < item; ++byte) le[e * item + byte] = static_cast<char>((bits >> (8 * byte)) & 0xff);
  }
  f.write(le.data(), static_cast<std::streamsize>(le.size()));
  if (!f) throw WorkloadError(path + ": write error");
}

}  // namespace

const char* to_string(NpyDtype t) {
  switch (t) {
    case NpyDtype::f4:
      return "<f4";
    case NpyDtype::f2:
      return "<f2";
    case NpyDtype::i2:
      return "<i2";
  }
  return "?";
}

uint64_t NpyHeader::elements() const {
  uint64_t n = 1;
  for (uint64_t dim : shape) n *= dim;
  return n;
}

float half_to_float(uint16_t h) {
  const uint32_t sign = uint32_t(h >> 15) << 31;
  const uint32_t exp = (h >> 10) & 0x1f;
  uint32_t mant = h & 0x3ff;
  uint32_t bits;
  if (exp == 0x1f) {
    bits = sign | 0x7f800000u | (mant << 13);  // infinity or NaN, payload kept
  } else if (exp != 0) {
    bits = sign | ((exp + 112) << 23) | (mant << 13);  // rebias 15 → 127
  } else if (mant == 0) {
    bits = sign;
  } else {
    // Subnormal half: normalise; every half subnormal is a normal float.
    uint32_t e = 113;
    while ((mant & 0x400) == 0) {
      mant <<= 1;
      --e;
    }
    bits = sign | (e << 23) | ((mant & 0x3ff) << 13);
  }
  float f;
  std::memcpy(&f, &bits, sizeof f);
  return f;
}

NpyHeader read_npy_header(const std::string& path) {
  // Only the header is read: load-time checks of large dumps stay cheap.
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) fail(path, "cannot open file");
  const uint64_t file_size = static_cast<uint64_t>(in.tellg());
  in.seekg(0);
  auto read_prefix = [&](uint64_t n) {
    std::vector<uint8_t> b(static_cast<size_t>(std::min(n, file_size)));
    in.seekg(0);
    in.read(reinterpret_cast<char*>(b.data()), static_cast<std::streamsize>(b.size()));
    if (!in) fail(path, "read error");
    return b;
  };
  std::vector<uint8_t> b = read_prefix(12);
  if (b.size() >= 12 && std::memcmp(b.data(), kMagic, kMagicLen) == 0) {
    const uint64_t header_len = b[6] == 1 ? le16(b.data() + 8) : le32(b.data() + 8);
    b = read_prefix((b[6] == 1 ? 10 : 12) + header_len);
  }
  return parse_header(b, file_size, path);
}

NpyArray read_npy(const std::string& path) {
  const std::vector<uint8_t> b = slurp(path);
  NpyArray a;
  a.header = parse_header(b, b.size(), path);
  const uint64_t n = a.header.elements();
  a.data.resize(n);
  const uint8_t* p = b.data() + a.header.data_offset;
  switch (a.header.dtype) {
    case NpyDtype::f4:
      for (uint64_t i = 0; i < n; ++i) {
        const uint32_t bits = le32(p + 4 * i);
        std::memcpy(&a.data[i], &bits, sizeof bits);
      }
      break;
    case NpyDtype::f2:
      for (uint64_t i = 0; i < n; ++i) a.data[i] = half_to_float(le16(p + 2 * i));
      break;
    case NpyDtype::i2:
      for (uint64_t i = 0; i < n; ++i) a.data[i] = float(static_cast<int16_t>(le16(p + 2 * i)));
      break;
  }
  return a;
}

void write_npy(const std::string& path, const std::vector<uint64_t>& shape, const std::vector<float>& data) {
  write_raw(path, "<f4", shape, data.data(), data.size() * 4, data.size());
}

void write_npy_f2(const std::string& path, const std::vector<uint64_t>& shape, const std::vector<uint16_t>& half_bits) {
  write_raw(path, "<f2", shape, half_bits.data(), half_bits.size() * 2, half_bits.size());
}

void write_npy_i2(const std::string& path, const std::vector<uint64_t>& shape, const std::vector<int16_t>& data) {
  write_raw(path, "<i2", shape, data.data(), data.size() * 2, data.size());
}

}  // namespace energon::workload
