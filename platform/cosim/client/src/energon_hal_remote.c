#define _POSIX_C_SOURCE 200809L
#include "energon/cosim/energon_hal_remote.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "energon/cosim/energon_cosim_protocol.h"

struct energon_remote {
  int fd;
  uint32_t tag;
  energon_hal_t hal;
  energon_remote_info_t info;
  uint64_t next_free;
  uint64_t frames;
  int last_status;
  char last_error[256];
  uint8_t* buf; /* response payload */
  size_t buf_size, buf_len;
};

static void put(uint8_t* b, uint64_t v, unsigned n) {
  for (unsigned i = 0; i < n; ++i) b[i] = (uint8_t)(v >> (8u * i));
}
static uint64_t get(const uint8_t* b, unsigned n) {
  uint64_t v = 0;
  for (unsigned i = 0; i < n; ++i) v |= (uint64_t)b[i] << (8u * i);
  return v;
}

static int fail(energon_remote_t* r, int status, const char* what) {
  r->last_status = status;
  snprintf(r->last_error, sizeof r->last_error, "%s", what);
  return -1;
}

static int io_all(energon_remote_t* r, void* p, size_t n, int sending) {
  uint8_t* b = p;
  while (n > 0) {
    const ssize_t k = sending ? send(r->fd, b, n, MSG_NOSIGNAL) : recv(r->fd, b, n, 0);
    if (k < 0 && errno == EINTR) continue;
    if (k <= 0) return fail(r, -1, k == 0 ? "the server closed the connection" : strerror(errno));
    b += k;
    n -= (size_t)k;
  }
  return 0;
}

/* One request, one response; the response payload lands in r->buf. Returns the status. */
static int call(energon_remote_t* r, uint16_t type, const uint8_t* a, size_t na, const uint8_t* b, size_t nb) {
  uint8_t h[ENERGON_COSIM_HEADER_BYTES];
  put(h, ENERGON_COSIM_HEADER_BYTES - 4 + na + nb, 4);
  put(h + 4, type, 2);
  put(h + 6, 0, 2);
  put(h + 8, ++r->tag, 4);
  if (io_all(r, h, sizeof h, 1) || (na && io_all(r, (void*)a, na, 1)) || (nb && io_all(r, (void*)b, nb, 1))) return -1;
  if (io_all(r, h, sizeof h, 0)) return -1;
  const uint32_t len = (uint32_t)get(h, 4);
  if (len < ENERGON_COSIM_HEADER_BYTES - 4 || len - (ENERGON_COSIM_HEADER_BYTES - 4) > ENERGON_COSIM_MAX_PAYLOAD)
    return fail(r, -1, "malformed response frame");
  r->buf_len = len - (ENERGON_COSIM_HEADER_BYTES - 4);
  if (r->buf_len > r->buf_size) {
    uint8_t* nbuf = realloc(r->buf, r->buf_len);
    if (!nbuf) return fail(r, -1, "out of memory for a response");
    r->buf = nbuf;
    r->buf_size = r->buf_len;
  }
  if (r->buf_len && io_all(r, r->buf, r->buf_len, 0)) return -1;
  ++r->frames;
  const int status = (int)get(h + 6, 2);
  if (get(h + 4, 2) != (type | ENERGON_COSIM_RESPONSE) || get(h + 8, 4) != r->tag)
    return fail(r, -1, "response does not match the request");
  if (status != 0) {
    const size_t n = r->buf_len < sizeof r->last_error - 1 ? r->buf_len : sizeof r->last_error - 1;
    memcpy(r->last_error, r->buf, n);
    r->last_error[n] = '\0';
    r->last_status = status;
    return status;
  }
  r->last_status = 0;
  r->last_error[0] = '\0';
  return 0;
}

static uint32_t hal_read32(void* ctx, uint64_t addr) {
  energon_remote_t* r = ctx;
  uint8_t a[8];
  put(a, addr, 8);
  if (call(r, ENERGON_COSIM_READ32, a, 8, NULL, 0) != 0 || r->buf_len != 4) return 0xFFFFFFFFu;
  return (uint32_t)get(r->buf, 4);
}

static void hal_write32(void* ctx, uint64_t addr, uint32_t value) {
  uint8_t a[12];
  put(a, addr, 8);
  put(a + 8, value, 4);
  call(ctx, ENERGON_COSIM_WRITE32, a, 12, NULL, 0);
}

static int hal_wait(void* ctx, uint32_t timeout_us) {
  energon_remote_t* r = ctx;
  uint8_t a[8];
  put(a, (uint64_t)timeout_us * 1000000u, 8);
  if (call(r, ENERGON_COSIM_WAIT_IRQ, a, 8, NULL, 0) != 0 || r->buf_len != 9) return -1;
  return r->buf[0] ? 0 : 1;
}

static int hal_mem_write(void* ctx, uint64_t addr, const void* src, size_t bytes) {
  energon_remote_t* r = ctx;
  const uint8_t* s = src;
  while (bytes > 0) { /* frames of at most max_payload − 8 bytes */
    const size_t n = bytes < r->info.max_payload - 8u ? bytes : r->info.max_payload - 8u;
    uint8_t a[8];
    put(a, addr, 8);
    if (call(r, ENERGON_COSIM_MEM_WRITE, a, 8, s, n) != 0) return -1;
    addr += n, s += n, bytes -= n;
  }
  return 0;
}

static int hal_mem_read(void* ctx, uint64_t addr, void* dst, size_t bytes) {
  energon_remote_t* r = ctx;
  uint8_t* d = dst;
  while (bytes > 0) {
    const size_t n = bytes < r->info.max_payload ? bytes : r->info.max_payload;
    uint8_t a[12];
    put(a, addr, 8);
    put(a + 8, n, 4);
    if (call(r, ENERGON_COSIM_MEM_READ, a, 12, NULL, 0) != 0 || r->buf_len != n) return -1;
    memcpy(d, r->buf, n);
    addr += n, d += n, bytes -= n;
  }
  return 0;
}

static uint64_t hal_alloc(void* ctx, size_t bytes, size_t align) {
  energon_remote_t* r = ctx;
  if (align == 0 || (align & (align - 1)) != 0) return ENERGON_HAL_NO_MEMORY;
  const uint64_t at = (r->next_free + align - 1) & ~(uint64_t)(align - 1);
  const uint64_t end = r->info.shared_base + r->info.shared_size;
  if (at < r->next_free || at + bytes > end || at + bytes < at) return ENERGON_HAL_NO_MEMORY;
  r->next_free = at + bytes;
  return at;
}

static int open_socket(const char* address, char* error, size_t error_size) {
  if (strncmp(address, "tcp:", 4) == 0) {
    char host[256];
    const char* colon = strrchr(address + 4, ':');
    if (!colon || (size_t)(colon - address - 4) >= sizeof host) {
      snprintf(error, error_size, "'%s': expected tcp:HOST:PORT", address);
      return -1;
    }
    memcpy(host, address + 4, (size_t)(colon - address - 4));
    host[colon - address - 4] = '\0';
    struct addrinfo hints = {0}, *res = NULL;
    hints.ai_family = AF_INET;
    hints.ai_socktype = SOCK_STREAM;
    const int rc = getaddrinfo(host, colon + 1, &hints, &res);
    if (rc != 0) {
      snprintf(error, error_size, "'%s': %s", address, gai_strerror(rc));
      return -1;
    }
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0 || connect(fd, res->ai_addr, res->ai_addrlen) != 0) {
      snprintf(error, error_size, "'%s': %s", address, strerror(errno));
      if (fd >= 0) close(fd);
      freeaddrinfo(res);
      return -1;
    }
    freeaddrinfo(res);
    return fd;
  }
  const char* path = strncmp(address, "unix:", 5) == 0 ? address + 5 : address;
  struct sockaddr_un a = {0};
  if (strlen(path) == 0 || strlen(path) >= sizeof a.sun_path) {
    snprintf(error, error_size, "'%s': socket path empty or too long", address);
    return -1;
  }
  a.sun_family = AF_UNIX;
  memcpy(a.sun_path, path, strlen(path) + 1);
  const int fd = socket(AF_UNIX, SOCK_STREAM, 0);
  if (fd < 0 || connect(fd, (struct sockaddr*)&a, sizeof a) != 0) {
    snprintf(error, error_size, "'%s': %s", address, strerror(errno));
    if (fd >= 0) close(fd);
    return -1;
  }
  return fd;
}

energon_remote_t* energon_remote_connect(const char* address, char* error, size_t error_size) {
  char scratch[256];
  if (!error) error = scratch, error_size = sizeof scratch;
  const int fd = open_socket(address, error, error_size);
  if (fd < 0) return NULL;
  energon_remote_t* r = calloc(1, sizeof *r);
  if (!r) {
    close(fd);
    snprintf(error, error_size, "out of memory");
    return NULL;
  }
  r->fd = fd;
  uint8_t v[4];
  put(v, ENERGON_COSIM_VERSION, 4);
  if (call(r, ENERGON_COSIM_HELLO, v, 4, NULL, 0) != 0 || r->buf_len != 56) {
    snprintf(error, error_size, "'%s': HELLO refused: %s", address, r->last_error);
    energon_remote_close(r);
    return NULL;
  }
  const uint8_t* b = r->buf;
  r->info.version = (uint32_t)get(b, 4);
  r->info.reg_base = get(b + 4, 8);
  r->info.dram_base = get(b + 12, 8);
  r->info.dram_size = get(b + 20, 8);
  r->info.shared_base = get(b + 28, 8);
  r->info.shared_size = get(b + 36, 8);
  r->info.clock_period_ps = get(b + 44, 8);
  r->info.max_payload = (uint32_t)get(b + 52, 4);
  r->next_free = r->info.shared_base;
  r->hal.ctx = r;
  r->hal.read32 = hal_read32;
  r->hal.write32 = hal_write32;
  r->hal.wait_for_interrupt = hal_wait;
  r->hal.mem_write = hal_mem_write;
  r->hal.mem_read = hal_mem_read;
  r->hal.mem_alloc = hal_alloc;
  return r;
}

void energon_remote_close(energon_remote_t* r) {
  if (!r) return;
  close(r->fd);
  free(r->buf);
  free(r);
}

const energon_hal_t* energon_remote_hal(energon_remote_t* r) { return &r->hal; }

const energon_remote_info_t* energon_remote_platform(const energon_remote_t* r) { return &r->info; }

uint64_t energon_remote_alloc_mark(const energon_remote_t* r) { return r->next_free; }

void energon_remote_release_to(energon_remote_t* r, uint64_t mark) {
  if (mark >= r->info.shared_base && mark <= r->next_free) r->next_free = mark;
}

int energon_remote_time_ps(energon_remote_t* r, uint64_t* time_ps) {
  if (call(r, ENERGON_COSIM_GET_TIME, NULL, 0, NULL, 0) != 0 || r->buf_len != 8) return -1;
  *time_ps = get(r->buf, 8);
  return 0;
}

int energon_remote_advance(energon_remote_t* r, uint64_t ps) {
  uint8_t a[8];
  put(a, ps, 8);
  return call(r, ENERGON_COSIM_ADVANCE, a, 8, NULL, 0) == 0 ? 0 : -1;
}

int energon_remote_shutdown(energon_remote_t* r) {
  return call(r, ENERGON_COSIM_SHUTDOWN, NULL, 0, NULL, 0) == 0 ? 0 : -1;
}

int energon_remote_last_status(const energon_remote_t* r) { return r->last_status; }

const char* energon_remote_last_error(const energon_remote_t* r) { return r->last_error; }

uint64_t energon_remote_frames(const energon_remote_t* r) { return r->frames; }
