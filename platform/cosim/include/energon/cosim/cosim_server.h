// The co-simulation server (`energon-vp --serve ADDRESS`, docs/cosim.md): runs as the host CPU's
// program and turns the frames of one connected client into the host CPU's bus accesses,
// interrupt waits and time steps. Simulated time advances only inside those, so the same client
// program gives the same cycles every run.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "energon/platform/host_cpu.h"

namespace energon::cosim {

/// Where the server listens: "unix:PATH" or a bare path (Unix-domain socket), or
/// "tcp:127.0.0.1:PORT" (loopback only; PORT 0 picks a free one).
struct Endpoint {
  bool tcp = false;
  std::string path;  ///< unix
  std::string host;  ///< tcp
  uint16_t port = 0;
  /// Throws std::invalid_argument naming the text and what was expected.
  static Endpoint parse(const std::string& address);
  std::string text() const;
};

/// What HELLO tells the client about the platform.
struct PlatformInfo {
  uint64_t reg_base = 0, dram_base = 0, dram_size = 0, shared_base = 0, shared_size = 0;
  uint64_t clock_period_ps = 1000;
};

class Server {
 public:
  /// Binds and listens; throws std::runtime_error naming the address and the system error.
  Server(const Endpoint& endpoint, const PlatformInfo& info, std::ostream& log);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  /// The address actually bound (a TCP port 0 replaced by the port the system chose).
  const std::string& address() const { return address_; }
  /// The host program: waits for a client, serves it, returns after SHUTDOWN or when the client
  /// has gone (then first lets a job in flight finish).
  void operator()(platform::HostCpu& cpu);
  /// Why the program returned: "shutdown" or "client disconnected".
  const std::string& end_reason() const { return end_reason_; }
  uint64_t frames_served() const { return frames_; }

 private:
  struct Frame {
    uint16_t type = 0;
    uint32_t tag = 0;
    std::vector<uint8_t> payload;
  };
  enum class Read { frame, closed, fatal };

  Read read_frame(Frame& f);
  void reply(uint16_t type, uint16_t status, uint32_t tag, const uint8_t* payload, size_t n);
  static void send_frame(int fd, uint16_t type, uint16_t status, uint32_t tag, const uint8_t* payload, size_t n);
  void reply_error(uint16_t type, uint16_t status, uint32_t tag, const std::string& message);
  bool handle(platform::HostCpu& cpu, const Frame& f);  // false: SHUTDOWN served
  void refuse_extra_client();
  void drain(platform::HostCpu& cpu);

  Endpoint endpoint_;
  PlatformInfo info_;
  std::ostream& log_;
  std::string address_;
  int listen_fd_ = -1, client_fd_ = -1;
  bool hello_ = false;
  uint64_t frames_ = 0;
  std::string end_reason_;
};

}  // namespace energon::cosim
