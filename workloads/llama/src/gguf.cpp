#include "energon/llama/gguf.h"

#include <cmath>
#include <cstring>

#include "energon/llama/model_error.h"
#include "file_bytes.h"

namespace energon::llama {
namespace {

constexpr uint32_t kMaxDims = 4;               // GGML_MAX_DIMS
constexpr uint32_t kMaxArrayNesting = 4;       // deeper nesting is corruption, not a model
constexpr uint64_t kMaxElements = 1ull << 40;  // 4 TiB of float32: beyond any real model
// Bounds the memory a corrupted array count can cost (largest real vocabularies: ~256 Ki).
constexpr uint64_t kMaxArrayElements = 1ull << 22;

size_t scalar_size(GgufType t) {
  switch (t) {
    case GgufType::u8:
    case GgufType::i8:
    case GgufType::boolean:
      return 1;
    case GgufType::u16:
    case GgufType::i16:
      return 2;
    case GgufType::u32:
    case GgufType::i32:
    case GgufType::f32:
      return 4;
    case GgufType::u64:
    case GgufType::i64:
    case GgufType::f64:
      return 8;
    case GgufType::string:
      return 8;  // its length field at least
    case GgufType::array:
      return 12;  // element type + count at least
  }
  return 0;
}

bool known_type(uint32_t t) { return t <= static_cast<uint32_t>(GgufType::f64); }

const char* ggml_type_name(uint32_t t) {
  static const char* names[] = {"F32",     "F16",    "Q4_0",    "Q4_1",  "Q4_2",   "Q4_3",  "Q5_0",  "Q5_1",
                                "Q8_0",    "Q8_1",   "Q2_K",    "Q3_K",  "Q4_K",   "Q5_K",  "Q6_K",  "Q8_K",
                                "IQ2_XXS", "IQ2_XS", "IQ3_XXS", "IQ1_S", "IQ4_NL", "IQ3_S", "IQ2_S", "IQ4_XS",
                                "I8",      "I16",    "I32",     "I64",   "F64",    "IQ1_M", "BF16"};
  return t < sizeof(names) / sizeof(names[0]) ? names[t] : "unknown";
}

std::string dims_text(const std::vector<uint64_t>& dims) {
  std::string s = "[";
  for (size_t i = 0; i < dims.size(); ++i) s += (i ? ", " : "") + std::to_string(dims[i]);
  return s + "]";
}

class Parser {
 public:
  Parser(const std::string& path, const std::vector<uint8_t>& bytes) : in_(path, bytes) {}

  std::string read_gguf_string(const std::string& what) {
    const uint64_t n = in_.read<uint64_t>(what + " length");
    return in_.read_string(n, what);
  }

  GgufValue read_value(uint32_t raw_type, const std::string& key, uint32_t depth) {
    if (!known_type(raw_type))
      throw ModelError(in_.file(), "metadata key '" + key + "' has unknown value type " + std::to_string(raw_type));
    GgufValue v;
    v.type = static_cast<GgufType>(raw_type);
    const std::string what = "metadata '" + key + "'";
    switch (v.type) {
      case GgufType::u8:
        set_unsigned(v, in_.read<uint8_t>(what));
        break;
      case GgufType::u16:
        set_unsigned(v, in_.read<uint16_t>(what));
        break;
      case GgufType::u32:
        set_unsigned(v, in_.read<uint32_t>(what));
        break;
      case GgufType::u64:
        set_unsigned(v, in_.read<uint64_t>(what));
        break;
      case GgufType::i8:
        set_signed(v, in_.read<int8_t>(what));
        break;
      case GgufType::i16:
        set_signed(v, in_.read<int16_t>(what));
        break;
      case GgufType::i32:
        set_signed(v, in_.read<int32_t>(what));
        break;
      case GgufType::i64:
        set_signed(v, in_.read<int64_t>(what));
        break;
      case GgufType::f32:
        v.f = in_.read<float>(what);
        break;
      case GgufType::f64:
        v.f = in_.read<double>(what);
        break;
      case GgufType::boolean: {
        const uint8_t b = in_.read<uint8_t>(what);
        if (b > 1) throw ModelError(in_.file(), what + " is a bool with value " + std::to_string(b));
        v.b = b != 0;
        break;
      }
      case GgufType::string:
        v.str = read_gguf_string(what);
        break;
      case GgufType::array: {
        if (depth >= kMaxArrayNesting)
          throw ModelError(in_.file(), what + " nests arrays deeper than " + std::to_string(kMaxArrayNesting));
        const uint32_t et = in_.read<uint32_t>(what + " element type");
        if (!known_type(et)) throw ModelError(in_.file(), what + " is an array of unknown type " + std::to_string(et));
        v.element_type = static_cast<GgufType>(et);
        const uint64_t count = in_.read<uint64_t>(what + " element count");
        const size_t min_size = scalar_size(v.element_type);
        if (count > kMaxArrayElements)
          throw ModelError(in_.file(), "corrupted file: " + what + " declares " + std::to_string(count) +
                                           " elements (limit " + std::to_string(kMaxArrayElements) + ")");
        if (count > in_.remaining() / min_size)
          throw ModelError(in_.file(), "corrupted file: " + what + " declares " + std::to_string(count) +
                                           " elements but only " + std::to_string(in_.remaining()) + " bytes are left");
        v.array.reserve(static_cast<size_t>(count));
        for (uint64_t e = 0; e < count; ++e) v.array.push_back(read_value(et, key, depth + 1));
        break;
      }
    }
    return v;
  }

  detail::ByteCursor& in() { return in_; }

 private:
  static void set_unsigned(GgufValue& v, uint64_t x) {
    v.u = x;
    v.i = x <= uint64_t(INT64_MAX) ? static_cast<int64_t>(x) : 0;
  }
  static void set_signed(GgufValue& v, int64_t x) {
    v.i = x;
    v.u = x >= 0 ? static_cast<uint64_t>(x) : 0;
  }

  detail::ByteCursor in_;
};

bool is_integer(GgufType t) {
  switch (t) {
    case GgufType::u8:
    case GgufType::i8:
    case GgufType::u16:
    case GgufType::i16:
    case GgufType::u32:
    case GgufType::i32:
    case GgufType::u64:
    case GgufType::i64:
      return true;
    default:
      return false;
  }
}

}  // namespace

const char* to_string(GgufType t) {
  switch (t) {
    case GgufType::u8:
      return "uint8";
    case GgufType::i8:
      return "int8";
    case GgufType::u16:
      return "uint16";
    case GgufType::i16:
      return "int16";
    case GgufType::u32:
      return "uint32";
    case GgufType::i32:
      return "int32";
    case GgufType::f32:
      return "float32";
    case GgufType::boolean:
      return "bool";
    case GgufType::string:
      return "string";
    case GgufType::array:
      return "array";
    case GgufType::u64:
      return "uint64";
    case GgufType::i64:
      return "int64";
    case GgufType::f64:
      return "float64";
  }
  return "unknown";
}

uint64_t GgufTensorInfo::elements() const {
  uint64_t n = 1;
  for (uint64_t d : dims) n *= d;
  return n;
}

float half_to_float(uint16_t h) {
  const uint32_t sign = static_cast<uint32_t>(h >> 15) << 31;
  const uint32_t exp = (h >> 10) & 0x1f;
  const uint32_t mant = h & 0x3ff;
  uint32_t bits;
  if (exp == 0) {
    if (mant == 0) {
      bits = sign;
    } else {  // subnormal: value = mant · 2^-24, exact in float32
      const float f = std::ldexp(static_cast<float>(mant), -24);
      return sign ? -f : f;
    }
  } else if (exp == 31) {
    bits = sign | 0x7f800000u | (mant << 13);
  } else {
    bits = sign | ((exp + 112) << 23) | (mant << 13);
  }
  float f;
  std::memcpy(&f, &bits, sizeof f);
  return f;
}

GgufFile GgufFile::read(const std::string& path) {
  GgufFile g;
  g.path_ = path;
  g.bytes_ = detail::read_file_bytes(path, detail::kMaxModelFileBytes);
  Parser p(path, g.bytes_);
  auto& in = p.in();

  in.require(4, "the GGUF magic");
  const std::string magic = in.read_string(4, "magic");
  if (magic != "GGUF") throw ModelError(path, "bad magic: not a GGUF file (first bytes are not \"GGUF\")");
  g.version_ = in.read<uint32_t>("version");
  if (g.version_ != 2 && g.version_ != 3)
    throw ModelError(path,
                     "unsupported GGUF version " + std::to_string(g.version_) + " (only versions 2 and 3 are read)");
  const uint64_t n_tensors = in.read<uint64_t>("tensor count");
  const uint64_t n_kv = in.read<uint64_t>("metadata count");
  // Each metadata entry takes at least 8 (key length) + 4 (type) + 1 bytes, each tensor 24.
  if (n_kv > in.remaining() / 13)
    throw ModelError(path, "corrupted file: header declares " + std::to_string(n_kv) +
                               " metadata entries, more than the file can hold");
  if (n_tensors > in.remaining() / 24)
    throw ModelError(
        path, "corrupted file: header declares " + std::to_string(n_tensors) + " tensors, more than the file can hold");

  for (uint64_t k = 0; k < n_kv; ++k) {
    const std::string key = p.read_gguf_string("metadata key #" + std::to_string(k));
    const uint32_t type = in.read<uint32_t>("type of metadata '" + key + "'");
    GgufValue v = p.read_value(type, key, 0);
    if (!g.metadata_.emplace(key, std::move(v)).second)
      throw ModelError(path, "metadata key '" + key + "' appears twice");
  }

  if (const GgufValue* a = g.find("general.alignment")) {
    if (a->type != GgufType::u32 || a->u == 0 || (a->u & (a->u - 1)) != 0)
      throw ModelError(path, "general.alignment must be a uint32 power of two");
    g.alignment_ = a->u;
  }

  g.tensors_.reserve(static_cast<size_t>(n_tensors));
  for (uint64_t t = 0; t < n_tensors; ++t) {
    GgufTensorInfo info;
    info.name = p.read_gguf_string("tensor #" + std::to_string(t) + " name");
    const std::string what = "tensor '" + info.name + "'";
    const uint32_t n_dims = in.read<uint32_t>(what + " dimension count");
    if (n_dims == 0 || n_dims > kMaxDims)
      throw ModelError(
          path, what + " has " + std::to_string(n_dims) + " dimensions (1.." + std::to_string(kMaxDims) + " expected)");
    uint64_t elements = 1;
    for (uint32_t d = 0; d < n_dims; ++d) {
      const uint64_t ne = in.read<uint64_t>(what + " dimension");
      if (ne == 0 || ne > kMaxElements || elements > kMaxElements / ne)
        throw ModelError(path, "corrupted file: " + what + " has an implausible dimension " + std::to_string(ne));
      elements *= ne;
      info.dims.push_back(ne);
    }
    info.type = in.read<uint32_t>(what + " type");
    info.offset = in.read<uint64_t>(what + " offset");
    if (info.offset % g.alignment_ != 0)
      throw ModelError(path, what + " offset " + std::to_string(info.offset) + " is not a multiple of the alignment " +
                                 std::to_string(g.alignment_));
    if (!g.tensor_index_.emplace(info.name, g.tensors_.size()).second)
      throw ModelError(path, "tensor '" + info.name + "' appears twice");
    g.tensors_.push_back(std::move(info));
  }

  const uint64_t header_end = in.offset();
  g.data_offset_ = (header_end + g.alignment_ - 1) / g.alignment_ * g.alignment_;
  const uint64_t data_size = g.data_offset_ <= g.bytes_.size() ? g.bytes_.size() - g.data_offset_ : 0;
  for (const GgufTensorInfo& info : g.tensors_) {
    uint64_t elem_size = 0;
    if (info.type == static_cast<uint32_t>(GgmlType::f32)) elem_size = 4;
    if (info.type == static_cast<uint32_t>(GgmlType::f16)) elem_size = 2;
    if (elem_size == 0) continue;  // unsupported types are rejected when read
    const uint64_t nbytes = info.elements() * elem_size;
    if (info.offset > data_size || nbytes > data_size - info.offset)
      throw ModelError(path, "truncated file: tensor '" + info.name + "' " + dims_text(info.dims) + " needs bytes " +
                                 std::to_string(info.offset) + ".." + std::to_string(info.offset + nbytes) +
                                 " of the data section, which has " + std::to_string(data_size));
  }
  return g;
}

const GgufValue* GgufFile::find(const std::string& key) const {
  auto it = metadata_.find(key);
  return it == metadata_.end() ? nullptr : &it->second;
}

std::string GgufFile::get_string(const std::string& key) const {
  const GgufValue* v = find(key);
  if (!v) throw ModelError(path_, "missing metadata key '" + key + "'");
  if (v->type != GgufType::string)
    throw ModelError(path_, "metadata '" + key + "' is " + to_string(v->type) + ", expected string");
  return v->str;
}

uint64_t GgufFile::get_uint(const std::string& key) const {
  if (!find(key)) throw ModelError(path_, "missing metadata key '" + key + "'");
  return get_uint(key, 0);
}

uint64_t GgufFile::get_uint(const std::string& key, uint64_t fallback) const {
  const GgufValue* v = find(key);
  if (!v) return fallback;
  if (!is_integer(v->type) || (v->i < 0 && v->u == 0))
    throw ModelError(path_, "metadata '" + key + "' is " + to_string(v->type) + ", expected a non-negative integer");
  return v->u;
}

double GgufFile::get_float(const std::string& key) const {
  if (!find(key)) throw ModelError(path_, "missing metadata key '" + key + "'");
  return get_float(key, 0.0);
}

double GgufFile::get_float(const std::string& key, double fallback) const {
  const GgufValue* v = find(key);
  if (!v) return fallback;
  if (v->type != GgufType::f32 && v->type != GgufType::f64)
    throw ModelError(path_, "metadata '" + key + "' is " + to_string(v->type) + ", expected a float");
  return v->f;
}

const GgufTensorInfo* GgufFile::find_tensor(const std::string& name) const {
  auto it = tensor_index_.find(name);
  return it == tensor_index_.end() ? nullptr : &tensors_[it->second];
}

std::vector<float> GgufFile::tensor_as_float(const std::string& name,
                                             const std::vector<uint64_t>& expected_dims) const {
  const GgufTensorInfo* info = find_tensor(name);
  if (!info) throw ModelError(path_, "missing tensor '" + name + "'");
  if (info->dims != expected_dims)
    throw ModelError(
        path_, "tensor '" + name + "' has shape " + dims_text(info->dims) + ", expected " + dims_text(expected_dims));
  // The type before the allocation: only F32 and F16 tensors were checked against the data
  // section in read(), so another type's dimensions may claim up to kMaxElements.
  const bool f32 = info->type == static_cast<uint32_t>(GgmlType::f32);
  if (!f32 && info->type != static_cast<uint32_t>(GgmlType::f16))
    throw ModelError(path_, "tensor '" + name + "' has unsupported type " + ggml_type_name(info->type) + " (" +
                                std::to_string(info->type) + "); only F32 and F16 are supported");
  const uint64_t n = info->elements();
  const uint8_t* src = bytes_.data() + data_offset_ + info->offset;  // range checked in read()
  std::vector<float> out(static_cast<size_t>(n));
  if (f32) {
    std::memcpy(out.data(), src, static_cast<size_t>(n) * 4);
  } else {
    for (uint64_t e = 0; e < n; ++e) {
      uint16_t h;
      std::memcpy(&h, src + 2 * e, 2);
      out[static_cast<size_t>(e)] = half_to_float(h);
    }
  }
  return out;
}

}  // namespace energon::llama
