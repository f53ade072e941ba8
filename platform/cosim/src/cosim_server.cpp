#include "energon/cosim/cosim_server.h"

#include <cmath>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "energon/cosim/energon_cosim_protocol.h"
#include "energon/hw/energon_regs.h"

namespace energon::cosim {

namespace {

constexpr int kFrameRestTimeoutMs = 10000;                   // the rest of a started frame must come within this
constexpr uint64_t kMaxWaitPs = 1000ull * 1000000000000ull;  // 1000 s of simulated time per call

void put(std::vector<uint8_t>& b, uint64_t v, unsigned bytes) {
  for (unsigned i = 0; i < bytes; ++i) b.push_back(uint8_t(v >> (8 * i)));
}
uint64_t get(const uint8_t* p, unsigned bytes) {
  uint64_t v = 0;
  for (unsigned i = 0; i < bytes; ++i) v |= uint64_t(p[i]) << (8 * i);
  return v;
}
std::string sys_error(const std::string& what) { return what + ": " + std::strerror(errno); }
uint64_t to_ps(const sc_core::sc_time& t) { return uint64_t(std::llround(t.to_seconds() * 1e12)); }

/// Sends everything or gives up (the peer has gone); never raises SIGPIPE.
bool send_all(int fd, const uint8_t* p, size_t n) {
  while (n > 0) {
    const ssize_t k = ::send(fd, p, n, MSG_NOSIGNAL);
    if (k < 0 && errno == EINTR) continue;
    if (k <= 0) return false;
    p += k;
    n -= size_t(k);
  }
  return true;
}

}  // namespace

Endpoint Endpoint::parse(const std::string& address) {
  Endpoint e;
  if (address.rfind("tcp:", 0) == 0) {
    const std::string rest = address.substr(4);
    const size_t colon = rest.rfind(':');
    if (colon == std::string::npos)
      throw std::invalid_argument("--serve '" + address + "': expected tcp:127.0.0.1:PORT");
    e.tcp = true;
    e.host = rest.substr(0, colon);
    const std::string port = rest.substr(colon + 1);
    char* end = nullptr;
    const unsigned long p = std::strtoul(port.c_str(), &end, 10);
    if (port.empty() || *end != '\0' || p > 65535)
      throw std::invalid_argument("--serve '" + address + "': port '" + port + "' is not 0..65535");
    e.port = uint16_t(p);
    if (e.host == "localhost") e.host = "127.0.0.1";
    in_addr a{};
    if (inet_pton(AF_INET, e.host.c_str(), &a) != 1 || (ntohl(a.s_addr) >> 24) != 127)
      throw std::invalid_argument("--serve '" + address + "': host '" + e.host +
                                  "' is not a loopback address (127.x.x.x); the server listens on loopback only");
    return e;
  }
  e.path = address.rfind("unix:", 0) == 0 ? address.substr(5) : address;
  if (e.path.empty()) throw std::invalid_argument("--serve '" + address + "': empty socket path");
  if (e.path.size() >= sizeof(sockaddr_un{}.sun_path))
    throw std::invalid_argument("--serve '" + address + "': socket path longer than " +
                                std::to_string(sizeof(sockaddr_un{}.sun_path) - 1) + " bytes");
  return e;
}

std::string Endpoint::text() const { return tcp ? "tcp:" + host + ":" + std::to_string(port) : "unix:" + path; }

Server::Server(const Endpoint& endpoint, const PlatformInfo& info, std::ostream& log)
    : endpoint_(endpoint), info_(info), log_(log) {
  if (endpoint_.tcp) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (listen_fd_ < 0) throw std::runtime_error(sys_error("socket"));
    const int one = 1;
    ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(endpoint_.port);
    inet_pton(AF_INET, endpoint_.host.c_str(), &a.sin_addr);
    if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0)
      throw std::runtime_error(sys_error("--serve " + endpoint_.text() + ": bind"));
    socklen_t len = sizeof a;
    ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&a), &len);
    endpoint_.port = ntohs(a.sin_port);
  } else {
    struct stat st {};
    if (::lstat(endpoint_.path.c_str(), &st) == 0) {
      if (!S_ISSOCK(st.st_mode))
        throw std::runtime_error("--serve " + endpoint_.text() + ": the path exists and is not a socket");
      ::unlink(endpoint_.path.c_str());  // a stale socket of an earlier server
    }
    listen_fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (listen_fd_ < 0) throw std::runtime_error(sys_error("socket"));
    sockaddr_un a{};
    a.sun_family = AF_UNIX;
    std::memcpy(a.sun_path, endpoint_.path.c_str(), endpoint_.path.size() + 1);
    if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0)
      throw std::runtime_error(sys_error("--serve " + endpoint_.text() + ": bind"));
  }
  if (::listen(listen_fd_, 4) != 0) throw std::runtime_error(sys_error("--serve " + endpoint_.text() + ": listen"));
  address_ = endpoint_.text();
}

Server::~Server() {
  if (client_fd_ >= 0) ::close(client_fd_);
  if (listen_fd_ >= 0) ::close(listen_fd_);
  if (!endpoint_.tcp) ::unlink(endpoint_.path.c_str());
}

void Server::reply(uint16_t type, uint16_t status, uint32_t tag, const uint8_t* payload, size_t n) {
  send_frame(client_fd_, type, status, tag, payload, n);
}

void Server::send_frame(int fd, uint16_t type, uint16_t status, uint32_t tag, const uint8_t* payload, size_t n) {
  std::vector<uint8_t> b;
  b.reserve(ENERGON_COSIM_HEADER_BYTES + n);
  put(b, ENERGON_COSIM_HEADER_BYTES - 4 + n, 4);
  put(b, type | ENERGON_COSIM_RESPONSE, 2);
  put(b, status, 2);
  put(b, tag, 4);
  b.insert(b.end(), payload, payload + n);
  send_all(fd, b.data(), b.size());
}

void Server::reply_error(uint16_t type, uint16_t status, uint32_t tag, const std::string& message) {
  reply(type, status, tag, reinterpret_cast<const uint8_t*>(message.data()), message.size());
}

void Server::refuse_extra_client() {
  const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
  if (fd < 0) return;
  const std::string m = "another client is connected; the server serves one client at a time";
  send_frame(fd, ENERGON_COSIM_HELLO, ENERGON_COSIM_ST_BUSY, 0, reinterpret_cast<const uint8_t*>(m.data()), m.size());
  ::close(fd);
  log_ << "energon-vp --serve: refused a second connection\n";
}

Server::Read Server::read_frame(Frame& f) {
  uint8_t header[ENERGON_COSIM_HEADER_BYTES];
  size_t have = 0;
  for (;;) {
    pollfd p[2] = {{client_fd_, POLLIN, 0}, {listen_fd_, POLLIN, 0}};
    const int n = ::poll(p, 2, have == 0 ? -1 : kFrameRestTimeoutMs);
    if (n < 0 && errno == EINTR) continue;
    if (n == 0) {
      reply_error(0, ENERGON_COSIM_ST_BAD_MESSAGE, 0, "incomplete frame header: no more bytes within 10 s");
      return Read::fatal;
    }
    if (p[1].revents & POLLIN) refuse_extra_client();
    if (!(p[0].revents & (POLLIN | POLLHUP | POLLERR))) continue;
    const ssize_t k = ::recv(client_fd_, header + have, sizeof header - have, 0);
    if (k < 0 && errno == EINTR) continue;
    if (k <= 0) return have == 0 ? Read::closed : Read::fatal;
    have += size_t(k);
    if (have == sizeof header) break;
  }
  const uint32_t length = uint32_t(get(header, 4));
  f.type = uint16_t(get(header + 4, 2));
  f.tag = uint32_t(get(header + 8, 4));
  if (length < ENERGON_COSIM_HEADER_BYTES - 4) {
    reply_error(f.type, ENERGON_COSIM_ST_BAD_MESSAGE, f.tag,
                "frame length " + std::to_string(length) + " is shorter than the 8-byte header rest");
    return Read::fatal;
  }
  const uint32_t payload = length - (ENERGON_COSIM_HEADER_BYTES - 4);
  if (payload > ENERGON_COSIM_MAX_PAYLOAD) {
    reply_error(f.type, ENERGON_COSIM_ST_TOO_LARGE, f.tag,
                "payload of " + std::to_string(payload) + " bytes exceeds the limit of " +
                    std::to_string(ENERGON_COSIM_MAX_PAYLOAD) + "; closing the connection");
    return Read::fatal;
  }
  f.payload.resize(payload);
  size_t got = 0;
  while (got < payload) {
    pollfd p = {client_fd_, POLLIN, 0};
    const int n = ::poll(&p, 1, kFrameRestTimeoutMs);
    if (n < 0 && errno == EINTR) continue;
    if (n == 0) {
      reply_error(
          f.type, ENERGON_COSIM_ST_BAD_MESSAGE, f.tag,
          "frame payload incomplete: " + std::to_string(got) + " of " + std::to_string(payload) + " bytes within 10 s");
      return Read::fatal;
    }
    const ssize_t k = ::recv(client_fd_, f.payload.data() + got, payload - got, 0);
    if (k < 0 && errno == EINTR) continue;
    if (k <= 0) return Read::fatal;
    got += size_t(k);
  }
  return Read::frame;
}

bool Server::handle(platform::HostCpu& cpu, const Frame& f) {
  const uint8_t* p = f.payload.data();
  const size_t n = f.payload.size();
  std::vector<uint8_t> out;
  auto need = [&](size_t bytes, const char* layout) {
    if (n == bytes) return true;
    reply_error(f.type, ENERGON_COSIM_ST_BAD_MESSAGE, f.tag,
                std::string("payload of ") + std::to_string(n) + " bytes; expected " + std::to_string(bytes) + " (" +
                    layout + ")");
    return false;
  };
  auto ok = [&]() { reply(f.type, ENERGON_COSIM_ST_OK, f.tag, out.data(), out.size()); };
  if (!hello_ && f.type != ENERGON_COSIM_HELLO) {
    reply_error(f.type, ENERGON_COSIM_ST_NO_HELLO, f.tag, "send HELLO first");
    return true;
  }
  switch (f.type) {
    case ENERGON_COSIM_HELLO: {
      if (!need(4, "u32 version")) break;
      const uint32_t v = uint32_t(get(p, 4));
      if (v != ENERGON_COSIM_VERSION) {
        reply_error(
            f.type, ENERGON_COSIM_ST_VERSION, f.tag,
            "client speaks version " + std::to_string(v) + ", server version " + std::to_string(ENERGON_COSIM_VERSION));
        break;
      }
      hello_ = true;
      put(out, ENERGON_COSIM_VERSION, 4);
      for (uint64_t x : {info_.reg_base, info_.dram_base, info_.dram_size, info_.shared_base, info_.shared_size,
                         info_.clock_period_ps})
        put(out, x, 8);
      put(out, ENERGON_COSIM_MAX_PAYLOAD, 4);
      ok();
      break;
    }
    case ENERGON_COSIM_READ32:
    case ENERGON_COSIM_WRITE32: {
      const bool write = f.type == ENERGON_COSIM_WRITE32;
      if (!need(write ? 12 : 8, write ? "u64 address, u32 value" : "u64 address")) break;
      const uint64_t addr = get(p, 8);
      if (addr % 4 != 0) {
        reply_error(f.type, ENERGON_COSIM_ST_BAD_ARGUMENT, f.tag, "register address not 4-byte aligned");
        break;
      }
      const uint64_t errors = cpu.stats().bus_errors;
      uint32_t value = 0;
      if (write)
        cpu.write32(addr, uint32_t(get(p + 8, 4)));
      else
        value = cpu.read32(addr);
      if (cpu.stats().bus_errors != errors) {
        reply_error(f.type, ENERGON_COSIM_ST_BUS_ERROR, f.tag, "bus error at address " + std::to_string(addr));
        break;
      }
      if (!write) put(out, value, 4);
      ok();
      break;
    }
    case ENERGON_COSIM_MEM_WRITE: {
      if (n < 9) {
        reply_error(f.type, ENERGON_COSIM_ST_BAD_MESSAGE, f.tag, "expected u64 address and at least one byte");
        break;
      }
      if (!cpu.write_mem(get(p, 8), p + 8, n - 8)) {
        reply_error(f.type, ENERGON_COSIM_ST_BUS_ERROR, f.tag, "bus error writing memory");
        break;
      }
      ok();
      break;
    }
    case ENERGON_COSIM_MEM_READ: {
      if (!need(12, "u64 address, u32 length")) break;
      const uint32_t len = uint32_t(get(p + 8, 4));
      if (len == 0 || len > ENERGON_COSIM_MAX_PAYLOAD) {
        reply_error(f.type, ENERGON_COSIM_ST_BAD_ARGUMENT, f.tag,
                    "length " + std::to_string(len) + " not in 1.." + std::to_string(ENERGON_COSIM_MAX_PAYLOAD));
        break;
      }
      out.resize(len);
      if (!cpu.read_mem(get(p, 8), out.data(), len)) {
        out.clear();
        reply_error(f.type, ENERGON_COSIM_ST_BUS_ERROR, f.tag, "bus error reading memory");
        break;
      }
      ok();
      break;
    }
    case ENERGON_COSIM_WAIT_IRQ:
    case ENERGON_COSIM_ADVANCE: {
      if (!need(8, f.type == ENERGON_COSIM_ADVANCE ? "u64 duration_ps" : "u64 timeout_ps")) break;
      const uint64_t ps = get(p, 8);
      if (ps > kMaxWaitPs) {
        reply_error(f.type, ENERGON_COSIM_ST_BAD_ARGUMENT, f.tag, "more than 1000 s of simulated time in one call");
        break;
      }
      const sc_core::sc_time t(double(ps), sc_core::SC_PS);
      if (f.type == ENERGON_COSIM_WAIT_IRQ) {
        out.push_back(cpu.wait_for_irq(t) ? 1 : 0);
      } else {
        cpu.spend(t);
        cpu.sync();
      }
      put(out, to_ps(cpu.now()), 8);
      ok();
      break;
    }
    case ENERGON_COSIM_GET_TIME:
      if (!need(0, "no payload")) break;
      put(out, to_ps(cpu.now()), 8);
      ok();
      break;
    case ENERGON_COSIM_SHUTDOWN:
      if (!need(0, "no payload")) break;
      ok();
      return false;
    default:
      reply_error(f.type, ENERGON_COSIM_ST_UNKNOWN_TYPE, f.tag, "unknown message type " + std::to_string(f.type));
  }
  return true;
}

void Server::drain(platform::HostCpu& cpu) {
  // Let a job in flight finish so that the simulation ends in a consistent state (bounded).
  for (int i = 0; i < 1000000; ++i) {
    if (!(cpu.read32(info_.reg_base + ENERGON_REG_STATUS) & ENERGON_STATUS_BUSY)) return;
    cpu.spend_ns(1000);
    cpu.sync();
  }
  log_ << "energon-vp --serve: the accelerator was still busy after 1 s of simulated time\n";
}

void Server::operator()(platform::HostCpu& cpu) {
  for (;;) {
    pollfd p = {listen_fd_, POLLIN, 0};
    if (::poll(&p, 1, -1) < 0 && errno == EINTR) continue;
    client_fd_ = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (client_fd_ >= 0) break;
    if (errno != EINTR && errno != ECONNABORTED) throw std::runtime_error(sys_error("accept"));
  }
  log_ << "energon-vp --serve: client connected\n";
  for (;;) {
    Frame f;
    const Read r = read_frame(f);
    if (r != Read::frame) {
      end_reason_ = r == Read::closed ? "client disconnected" : "client sent a frame the server cannot read";
      break;
    }
    ++frames_;
    if (!handle(cpu, f)) {
      end_reason_ = "shutdown";
      break;
    }
  }
  ::close(client_fd_);
  client_fd_ = -1;
  if (end_reason_ != "shutdown") drain(cpu);
  log_ << "energon-vp --serve: " << end_reason_ << " after " << frames_ << " frames, simulated time "
       << cpu.now().to_string() << "\n";
}

}  // namespace energon::cosim
