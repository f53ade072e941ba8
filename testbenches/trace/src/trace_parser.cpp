#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "energon/hw/register_table.h"
#include "energon/trace/trace.h"

namespace energon::trace {
namespace {

struct OpInfo {
  const char* name;
  Op op;
  const char* usage;
};

/// The longest fill a trace may ask for (the DRAM presets hold 1 GiB; the router maps at most
/// 3.75 GiB): longer ones are a typo, refused at parse time.
constexpr uint64_t kMaxFillBytes = uint64_t(1) << 30;

const OpInfo kOps[] = {
    {"load", Op::load, "load <addr> <file>"},
    {"fill", Op::fill, "fill <addr> <length> <byte>"},
    {"desc", Op::desc, "desc <addr> <field>=<value>..."},
    {"write32", Op::write32, "write32 <addr> <value>"},
    {"read32", Op::read32, "read32 <addr> <mask> <expected>"},
    {"poll32", Op::poll32, "poll32 <addr> <mask> <expected> <timeout_ns>"},
    {"wait_irq", Op::wait_irq, "wait_irq <timeout_ns>"},
    {"check_irq", Op::check_irq, "check_irq <0|1>"},
    {"wait", Op::wait, "wait <ns>"},
    {"compare", Op::compare, "compare <addr> <file>"},
};

class LineParser {
 public:
  LineParser(const std::string& where, const Symbols& symbols) : where_(where), symbols_(symbols) {}

  [[noreturn]] void fail(const std::string& what) const { throw TraceError(where_ + ": " + what); }

  /// number | symbol, joined by '+' or '|'; numbers in C notation, may be negative.
  uint64_t eval(const std::string& expr) const {
    if (expr.empty()) fail("empty expression");
    uint64_t result = 0;
    char op = '+';
    size_t pos = 0;
    while (pos <= expr.size()) {
      size_t end = expr.find_first_of("+|", pos == 0 ? 1 : pos);  // a leading '-' or '+' is a sign
      if (end == std::string::npos) end = expr.size();
      const uint64_t term = eval_term(expr.substr(pos, end - pos), expr);
      result = op == '+' ? result + term : result | term;
      if (end == expr.size()) break;
      op = expr[end];
      pos = end + 1;
    }
    return result;
  }

 private:
  uint64_t eval_term(const std::string& term, const std::string& expr) const {
    if (term.empty()) fail("malformed expression '" + expr + "'");
    if (std::isdigit(static_cast<unsigned char>(term[0])) || term[0] == '-') {
      errno = 0;
      char* end = nullptr;
      const bool negative = term[0] == '-';
      const uint64_t v =
          negative ? uint64_t(std::strtoll(term.c_str(), &end, 0)) : std::strtoull(term.c_str(), &end, 0);
      if (errno != 0 || *end != '\0') fail("'" + term + "' is not a number");
      return v;
    }
    const auto it = symbols_.find(term);
    if (it == symbols_.end())
      fail("unknown name '" + term + "' (a register, REGS, MEM, or a constant such as IRQ_DONE)");
    return it->second;
  }

  std::string where_;
  const Symbols& symbols_;
};

bool file_exists(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return f.good();
}

std::string resolve(const std::string& file, const std::string& base_dir, const std::vector<std::string>& dirs,
                    const LineParser& p) {
  if (!file.empty() && file[0] == '/') {
    if (file_exists(file)) return file;
    p.fail("data file '" + file + "' not found");
  }
  std::vector<std::string> tried;
  std::vector<std::string> search = {base_dir.empty() ? "." : base_dir};
  search.insert(search.end(), dirs.begin(), dirs.end());
  for (const std::string& dir : search) {
    std::string path = dir + "/" + file;
    if (file_exists(path)) return path;
    tried.push_back(dir);
  }
  std::string list;
  for (const std::string& d : tried) list += (list.empty() ? "" : ", ") + d;
  p.fail("data file '" + file + "' not found in " + list + " (generated files: pass --data-dir)");
}

/// field, field[i], round[i].sub or topk.sub → the store it denotes.
DescStore desc_field(const std::string& key, uint64_t value, const LineParser& p) {
  std::string head = key, sub;
  const size_t dot = key.find('.');
  if (dot != std::string::npos) {
    head = key.substr(0, dot);
    sub = key.substr(dot + 1);
  }
  uint32_t index = 0;
  bool indexed = false;
  const size_t br = head.find('[');
  if (br != std::string::npos) {
    if (head.back() != ']') p.fail("malformed field '" + key + "'");
    const std::string idx = head.substr(br + 1, head.size() - br - 2);
    // Digits only and range-checked before narrowing: plane_bits[4294967296] must not become [0].
    if (idx.empty() || idx.size() > 9 || idx.find_first_not_of("0123456789") != std::string::npos)
      p.fail("malformed index in '" + key + "' (expected a small whole number)");
    index = uint32_t(std::stoul(idx));
    head = head.substr(0, br);
    indexed = true;
  }
  for (const hw::FieldSpec& f : hw::kDescFields) {
    if (head != f.name) continue;
    if (index >= f.count) p.fail("index " + std::to_string(index) + " out of range for '" + head + "'");
    if (f.count > 1 && !indexed) p.fail("field '" + head + "' is an array: write " + head + "[i]");
    const bool is_select = std::string(f.type).rfind("energon_select_t", 0) == 0;
    uint32_t offset = f.offset + index * f.element_bytes();
    uint32_t bytes = f.element_bytes();
    if (is_select) {
      if (sub.empty())
        p.fail("'" + key + "' is a selection rule: write " + key + ".<rule|q_bits|k_bits|alpha_q8|k|k_fraction_ppm>");
      const hw::FieldSpec* s = nullptr;
      for (const hw::FieldSpec& sf : hw::kSelectFields)
        if (sub == sf.name) s = &sf;
      if (!s) p.fail("unknown selection-rule field '" + sub + "' in '" + key + "'");
      offset += s->offset;
      bytes = s->bytes;
    } else if (!sub.empty()) {
      p.fail("field '" + head + "' has no sub-field '" + sub + "'");
    }
    if (bytes < 8 && (value >> (8 * bytes)) != 0 && (int64_t(value) >> (8 * bytes - 1)) != -1)
      p.fail("value of '" + key + "' does not fit in " + std::to_string(bytes) + " byte(s)");
    return {offset, bytes, value};
  }
  p.fail("unknown descriptor field '" + head + "' (see the descriptor table in docs/register-map.md)");
}

}  // namespace

Symbols platform_symbols(uint64_t regs_base, uint64_t mem_base) {
  Symbols s;
  for (const hw::RegisterSpec& r : hw::kRegisters) s[r.name] = regs_base + r.offset;
  for (const hw::NamedConstant& c : hw::kConstants) s[std::string(c.name).substr(8)] = c.value;  // drop ENERGON_
  for (const hw::ErrorSpec& e : hw::kErrors) s[std::string("ERR_") + e.name] = e.value;
  s["REGS"] = regs_base;
  s["MEM"] = mem_base;
  return s;
}

std::vector<Command> parse_trace(std::istream& in, const std::string& name, const std::string& base_dir,
                                 const Symbols& symbols, const std::vector<std::string>& data_dirs) {
  std::vector<Command> commands;
  std::string line;
  unsigned number = 0;
  while (std::getline(in, line)) {
    ++number;
    const std::string where = name + ":" + std::to_string(number);
    std::string text = line.substr(0, line.find('#'));
    std::istringstream words(text);
    std::vector<std::string> w;
    for (std::string s; words >> s;) w.push_back(s);
    if (w.empty()) continue;
    const LineParser p(where, symbols);
    const OpInfo* info = nullptr;
    for (const OpInfo& o : kOps)
      if (w[0] == o.name) info = &o;
    if (!info) {
      std::string names;
      for (const OpInfo& o : kOps) names += std::string(names.empty() ? "" : ", ") + o.name;
      p.fail("unknown command '" + w[0] + "' (expected one of " + names + ")");
    }
    const auto need = [&](size_t n) {
      if (w.size() != n + 1) p.fail("'" + w[0] + "' takes " + std::to_string(n) + " argument(s): " + info->usage);
    };
    Command c;
    c.op = info->op;
    c.where = where;
    c.text = text.substr(text.find_first_not_of(" \t"));
    while (!c.text.empty() && std::isspace(static_cast<unsigned char>(c.text.back()))) c.text.pop_back();
    switch (c.op) {
      case Op::load:
      case Op::compare:
        need(2);
        c.addr = p.eval(w[1]);
        c.path = resolve(w[2], base_dir, data_dirs, p);
        break;
      case Op::fill:
        need(3);
        c.addr = p.eval(w[1]);
        c.length = p.eval(w[2]);
        c.value = p.eval(w[3]);
        if (c.value > 0xFF) p.fail("fill byte " + w[3] + " does not fit in 8 bits");
        if (c.length > 0 && c.addr > UINT64_MAX - (c.length - 1))
          p.fail("fill of " + std::to_string(c.length) + " bytes at " + w[1] + " passes the end of the address space");
        if (c.length > kMaxFillBytes)
          p.fail("fill length " + std::to_string(c.length) + " above the " + std::to_string(kMaxFillBytes) +
                 "-byte limit (the platform's largest DRAM window)");
        break;
      case Op::desc:
        if (w.size() < 2) p.fail("'desc' needs an address: " + std::string(info->usage));
        c.addr = p.eval(w[1]);
        for (size_t i = 2; i < w.size(); ++i) {
          const size_t eq = w[i].find('=');
          if (eq == std::string::npos || eq == 0) p.fail("expected <field>=<value>, got '" + w[i] + "'");
          c.fields.push_back(desc_field(w[i].substr(0, eq), p.eval(w[i].substr(eq + 1)), p));
        }
        break;
      case Op::write32:
        need(2);
        c.addr = p.eval(w[1]);
        c.value = p.eval(w[2]);
        break;
      case Op::read32:
        need(3);
        c.addr = p.eval(w[1]);
        c.mask = p.eval(w[2]);
        c.expected = p.eval(w[3]);
        break;
      case Op::poll32:
        need(4);
        c.addr = p.eval(w[1]);
        c.mask = p.eval(w[2]);
        c.expected = p.eval(w[3]);
        c.time_ns = p.eval(w[4]);
        break;
      case Op::check_irq:
        need(1);
        c.value = p.eval(w[1]);
        if (c.value > 1) p.fail("check_irq takes 0 or 1");
        break;
      case Op::wait_irq:
      case Op::wait:
        need(1);
        c.time_ns = p.eval(w[1]);
        break;
    }
    if ((c.op == Op::write32 || c.op == Op::read32 || c.op == Op::poll32) &&
        ((c.value | c.mask | c.expected) >> 32) != 0)
      p.fail("value does not fit in 32 bits");
    if ((c.op == Op::read32 || c.op == Op::poll32) && (c.expected & ~c.mask) != 0)
      p.fail("expected value has bits outside the mask: it can never match");
    commands.push_back(std::move(c));
  }
  return commands;
}

std::vector<Command> parse_trace(const std::string& path, const Symbols& symbols,
                                 const std::vector<std::string>& data_dirs) {
  std::error_code ec;
  const std::filesystem::file_status st = std::filesystem::status(path, ec);
  if (ec || !std::filesystem::exists(st)) throw TraceError(path + ": no such trace file");
  if (!std::filesystem::is_regular_file(st)) throw TraceError(path + ": not a regular file (expected a trace file)");
  if (std::filesystem::file_size(path, ec) > (64u << 20))
    throw TraceError(path + ": larger than 64 MiB (expected a trace file)");
  std::ifstream in(path);
  if (!in) throw TraceError(path + ": cannot open trace file");
  const size_t slash = path.find_last_of('/');
  const std::string dir = slash == std::string::npos ? "." : path.substr(0, slash);
  std::vector<Command> commands = parse_trace(in, path, dir, symbols, data_dirs);
  if (commands.empty()) throw TraceError(path + ": no commands (an empty trace tests nothing)");
  return commands;
}

}  // namespace energon::trace
