// The native echo: once a session's DTLS has given the SRTP keys (AEAD_AES_128_GCM), the relay stops
// Node reading the session's UDP socket and reads it here. Per readiness: recvmmsg a batch; each datagram
// that is RTP from the user's nominated address, within the size cap and the byte budget JavaScript
// granted (the session's bitrate cap), and authentic with the browser's keys is re-encrypted in place with
// the relay's keys (relay SSRC and payload type written, sequence number and timestamp kept: what
// lean-echo.ts does) and sent back with one sendmmsg. Everything else (STUN consent, DTLS, SRTCP, the data
// channel, other sources) goes to JavaScript, which hands it to werift as before. What JavaScript needs per
// packet (sequence numbers, timestamps, arrival times, whether it went out) waits in a fixed ring.
//
// Two ways to wait for the sockets, chosen per session at attach:
// - thread (the default): one echo thread per Node environment waits on all its sessions with epoll, so
//   the echo no longer waits for the JavaScript thread (werift's timers and RTCP for hundreds of sessions,
//   garbage collection, signalling): at 500 streams those stalls put hundreds of milliseconds on the echo.
//   A session's state is shared under its mutex; the other datagrams are queued and handed to JavaScript
//   in the main loop (uv_async_send). Detach takes the mutex, so once it returns the thread no longer
//   touches the descriptor.
// - main loop: uv_poll in Node's loop, everything on the JavaScript thread (the relay's first native
//   echo; kept to compare the two in one benchmark run: --native-echo-thread off).
// N-API only, so the add-on does not depend on one Node version's V8.
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <node_api.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <uv.h>

#include <atomic>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "srtp-gcm.h"

namespace svc {

constexpr int kBatch = 32;
// A receive buffer larger than the cap, so an oversize datagram is seen as oversize (MSG_TRUNC beyond it).
constexpr int kBufferBytes = 2048;
constexpr int kRing = 512;
// The most datagrams one session queues for the main loop (thread mode); more are dropped and counted, as
// the kernel would drop them from a socket nobody reads: a flood while JavaScript is busy must not grow
// the relay's memory without bound. About what the socket's default receive buffer holds.
constexpr size_t kMaxQueued = 512;
// At most 15 characters (the kernel's comm).
constexpr char kThreadName[] = "svc-echo";
// --native-echo-priority short-slice: the time slice the echo thread asks of Linux's EEVDF scheduler
// (sched_attr.sched_runtime, kernel 6.12+; 0.1 ms is the shortest it grants). An ordinary thread may ask
// for it without privilege: it keeps the same share of the CPU (its nice is unchanged, so a flood cannot
// take more of the relay's CPU than before) but gets earlier deadlines, so a readable socket can preempt
// the main thread's JavaScript sooner. Older kernels accept and ignore it.
constexpr uint64_t kSliceNs = 100000;
// --native-echo-priority high: the echo thread runs under SCHED_FIFO only while it has used less than its
// budget of the CPU in the current 100 ms window (kFifoBudgetPercent). Past it (a flood to a handed-over
// port: the thread reads every datagram before it can drop it) it demotes itself to ordinary scheduling
// until the next window, so the relay's signalling, health checks and werift's timers keep the rest of the
// CPU instead of the kernel's real-time throttle's 5 %. At 500 streams the echo needs about 35-45 %.
constexpr uint64_t kFifoWindowNs = 100000000;
constexpr int kFifoBudgetPercent = 60;

static double NowMs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

struct Received {
  double arrival_ms;
  uint32_t timestamp;
  uint32_t ssrc;
  uint16_t seq;
  uint16_t payload_octets;
  bool echoed;
};

// A datagram the echo did not take, waiting for the main loop (thread mode).
struct Other {
  std::vector<uint8_t> data;
  sockaddr_storage from;
};

struct Instance;

struct Session {
  std::mutex mu;
  Instance* instance = nullptr;
  napi_env env = nullptr;
  napi_ref on_batch = nullptr;
  napi_async_context async = nullptr;
  bool threaded = false;
  uint64_t id = 0;
  uv_poll_t* poll = nullptr;  // main-loop mode
  int fd = -1;
  sockaddr_storage peer{};
  socklen_t peer_len = 0;
  GcmDirection remote;  // the browser's keys: decrypts what it sends
  GcmDirection local;   // the relay's keys: encrypts the echo
  Rollover rollover;
  uint32_t ssrc = 0;
  uint8_t payload_type = 0;
  int max_datagram = 1500;
  int64_t budget = 0;
  // passed_bytes when JavaScript last read the figures: a budget it sets after that reading is what the
  // cap allowed then, so what passed since is taken off it (the thread keeps echoing meanwhile).
  double passed_at_stats = 0;
  bool polling = false;
  bool queued = false;  // waiting in the instance's ready list (thread mode)
  std::vector<Other> others;
  // Figures JavaScript reads (stats()).
  double echoed = 0, refused = 0, oversized = 0, passed_bytes = 0, send_failed = 0, handed = 0;
  double queue_dropped = 0;
  double last_sent_ms = 0;
  Received ring[kRing];
  int ring_start = 0, ring_count = 0;
};

using SessionRef = std::shared_ptr<Session>;

// Receive and send buffers for one reader: the main loop has one, the echo thread another.
struct Batch {
  uint8_t buffers[kBatch][kBufferBytes];
  sockaddr_storage from[kBatch];
  iovec iov[kBatch];
  mmsghdr msgs[kBatch];
  mmsghdr out[kBatch];
  iovec out_iov[kBatch];
  int out_ring[kBatch];
  int lengths[kBatch];
  int others[kBatch];
};

// One Node environment's echo thread and what it shares with the main loop.
struct Instance {
  napi_env env = nullptr;
  std::mutex mu;  // sessions, ready; never taken while waiting for a session's mutex elsewhere
  std::unordered_map<uint64_t, SessionRef> sessions;
  std::vector<SessionRef> ready;
  uint64_t next_id = 1;
  int epfd = -1;
  int wake = -1;
  std::thread thread;
  // The echo thread's kernel task id: setpriority and /proc/<pid>/task/<tid> name threads by it.
  pid_t tid = 0;
  std::atomic<bool> stopping{false};
  uv_async_t* async = nullptr;
  // SCHED_FIFO within a budget ('high'): set by SetPriority, applied by the echo thread (FifoBudget).
  std::mutex prio_mu;
  std::atomic<bool> want_fifo{false};
  bool fifo_now = false;  // under prio_mu
  int budget_percent = kFifoBudgetPercent;
  uint64_t window_start_ns = 0;
  uint64_t window_cpu_ns = 0;
  std::atomic<uint64_t> fifo_demoted{0};
  Batch thread_batch;
  Batch loop_batch;
};

struct PollHandle {
  uv_poll_t poll;
  SessionRef session;
};

static bool SameAddress(const sockaddr_storage& a, const sockaddr_storage& b) {
  if (a.ss_family != b.ss_family) return false;
  if (a.ss_family == AF_INET) {
    auto& x = reinterpret_cast<const sockaddr_in&>(a);
    auto& y = reinterpret_cast<const sockaddr_in&>(b);
    return x.sin_port == y.sin_port && x.sin_addr.s_addr == y.sin_addr.s_addr;
  }
  if (a.ss_family == AF_INET6) {
    auto& x = reinterpret_cast<const sockaddr_in6&>(a);
    auto& y = reinterpret_cast<const sockaddr_in6&>(b);
    return x.sin6_port == y.sin6_port && memcmp(&x.sin6_addr, &y.sin6_addr, 16) == 0;
  }
  return false;
}

// An audio packet from the peer: its ring slot when its echo is ready to send, -1 when it was refused.
static int TakeRtp(Session* s, uint8_t* p, int len, double now, int* out_len) {
  int payload = 0;
  int64_t roc = 0;
  int end = s->remote.Unprotect(p, len, &s->rollover, &payload, &roc);
  if (end < 0) {
    s->refused++;
    return -1;
  }
  int slot = (s->ring_start + s->ring_count) % kRing;
  Received& r = s->ring[slot];
  r.arrival_ms = now;
  r.seq = static_cast<uint16_t>((p[2] << 8) | p[3]);
  r.timestamp = (uint32_t(p[4]) << 24) | (uint32_t(p[5]) << 16) | (uint32_t(p[6]) << 8) | p[7];
  r.ssrc = (uint32_t(p[8]) << 24) | (uint32_t(p[9]) << 16) | (uint32_t(p[10]) << 8) | p[11];
  r.payload_octets = static_cast<uint16_t>(end - payload);
  r.echoed = false;
  s->ring_count++;
  p[1] = (p[1] & 0x80) | (s->payload_type & 0x7f);
  p[8] = s->ssrc >> 24;
  p[9] = s->ssrc >> 16;
  p[10] = s->ssrc >> 8;
  p[11] = s->ssrc;
  if (!s->local.Protect(p, end, payload, roc)) {
    s->refused++;
    return -1;
  }
  *out_len = end + kGcmTag;
  return slot;
}

// One readiness of a session's socket, with its mutex held: reads a batch, echoes what is the echo's,
// and returns how many others (b->others) are for JavaScript.
static int ReadBatch(Session* s, Batch* b) {
  for (int i = 0; i < kBatch; i++) {
    b->iov[i] = {b->buffers[i], static_cast<size_t>(kBufferBytes)};
    memset(&b->msgs[i].msg_hdr, 0, sizeof(msghdr));
    b->msgs[i].msg_hdr.msg_name = &b->from[i];
    b->msgs[i].msg_hdr.msg_namelen = sizeof(sockaddr_storage);
    b->msgs[i].msg_hdr.msg_iov = &b->iov[i];
    b->msgs[i].msg_hdr.msg_iovlen = 1;
  }
  int n = recvmmsg(s->fd, b->msgs, kBatch, MSG_DONTWAIT, nullptr);
  if (n <= 0) return 0;
  double now = NowMs();
  int n_others = 0, n_out = 0;
  for (int i = 0; i < n; i++) {
    int len = static_cast<int>(b->msgs[i].msg_len);
    b->lengths[i] = len;
    if (len > s->max_datagram || (b->msgs[i].msg_hdr.msg_flags & MSG_TRUNC)) {
      s->oversized++;
      continue;
    }
    uint8_t* p = b->buffers[i];
    bool ours = SameAddress(b->from[i], s->peer) && IsRtp(p, len) && len <= s->budget && s->ring_count < kRing;
    if (!ours) {
      b->others[n_others++] = i;
      continue;
    }
    s->budget -= len;
    s->passed_bytes += len;
    int out_len = 0;
    int slot = TakeRtp(s, p, len, now, &out_len);
    if (slot < 0) continue;
    b->out_iov[n_out] = {p, static_cast<size_t>(out_len)};
    memset(&b->out[n_out].msg_hdr, 0, sizeof(msghdr));
    b->out[n_out].msg_hdr.msg_name = &s->peer;
    b->out[n_out].msg_hdr.msg_namelen = s->peer_len;
    b->out[n_out].msg_hdr.msg_iov = &b->out_iov[n_out];
    b->out[n_out].msg_hdr.msg_iovlen = 1;
    b->out_ring[n_out] = slot;
    n_out++;
  }
  int sent = 0;
  while (sent < n_out) {
    int k = sendmmsg(s->fd, b->out + sent, n_out - sent, MSG_DONTWAIT);
    if (k < 0 && errno == EINTR) continue;
    if (k <= 0) break;
    for (int j = sent; j < sent + k; j++) s->ring[b->out_ring[j]].echoed = true;
    sent += k;
  }
  // A full send queue: these echoes are lost, as a datagram the kernel drops would be, and not counted
  // as echoed (the ring says so per packet, for the per-second counts and the sender report).
  s->echoed += sent;
  s->send_failed += n_out - sent;
  if (sent > 0) s->last_sent_ms = now;
  s->handed += n_others;
  return n_others;
}

static napi_value AddressValue(napi_env env, const sockaddr_storage& a) {
  char text[INET6_ADDRSTRLEN] = "";
  if (a.ss_family == AF_INET)
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in&>(a).sin_addr, text, sizeof text);
  else
    inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6&>(a).sin6_addr, text, sizeof text);
  napi_value v;
  napi_create_string_utf8(env, text, NAPI_AUTO_LENGTH, &v);
  return v;
}

static int PortOf(const sockaddr_storage& a) {
  return a.ss_family == AF_INET ? ntohs(reinterpret_cast<const sockaddr_in&>(a).sin_port)
                                : ntohs(reinterpret_cast<const sockaddr_in6&>(a).sin6_port);
}

struct OtherView {
  const uint8_t* data;
  size_t length;
  const sockaddr_storage* from;
};

// [Buffer, address, port] triples, as onBatch and detach give them to JavaScript.
static napi_value OthersList(napi_env env, const std::vector<OtherView>& others) {
  napi_value list;
  napi_create_array_with_length(env, others.size() * 3, &list);
  for (size_t k = 0; k < others.size(); k++) {
    napi_value buf, port;
    void* data;
    napi_create_buffer_copy(env, others[k].length, others[k].data, &data, &buf);
    napi_create_int32(env, PortOf(*others[k].from), &port);
    napi_set_element(env, list, k * 3, buf);
    napi_set_element(env, list, k * 3 + 1, AddressValue(env, *others[k].from));
    napi_set_element(env, list, k * 3 + 2, port);
  }
  return list;
}

// Hands datagrams to the session's onBatch (which also drains the ring), from a libuv callback.
static void CallJs(Session* s, const std::vector<OtherView>& others) {
  napi_env env = s->env;
  if (!s->on_batch) return;
  napi_handle_scope scope;
  if (napi_open_handle_scope(env, &scope) != napi_ok) return;
  napi_value list = OthersList(env, others);
  napi_value fn, recv, result;
  if (napi_get_reference_value(env, s->on_batch, &fn) == napi_ok && fn) {
    napi_get_global(env, &recv);
    napi_status status = napi_make_callback(env, s->async, recv, fn, 1, &list, &result);
    if (status == napi_pending_exception) {
      napi_value err;
      napi_get_and_clear_last_exception(env, &err);
      napi_fatal_exception(env, err);
    }
  }
  napi_close_handle_scope(env, scope);
}

// ---- main-loop mode ----

static void OnReadable(uv_poll_t* handle, int status, int events) {
  SessionRef s = static_cast<PollHandle*>(handle->data)->session;
  if (status < 0 || !(events & UV_READABLE)) return;
  Batch* b = &s->instance->loop_batch;
  int n_others;
  bool ring_pressed;
  {
    std::lock_guard<std::mutex> lock(s->mu);
    if (!s->polling) return;
    n_others = ReadBatch(s.get(), b);
    ring_pressed = s->ring_count >= kRing / 2;
  }
  if (n_others == 0 && !ring_pressed) return;
  std::vector<OtherView> views;
  for (int k = 0; k < n_others; k++) {
    int i = b->others[k];
    views.push_back({b->buffers[i], static_cast<size_t>(b->lengths[i]), &b->from[i]});
  }
  CallJs(s.get(), views);
}

static void OnPollClosed(uv_handle_t* h) { delete static_cast<PollHandle*>(h->data); }

// ---- thread mode ----

// sched_setattr's argument (linux/sched/types.h, SCHED_ATTR_SIZE_VER0); glibc has no wrapper before 2.41.
struct SchedAttr {
  uint32_t size;
  uint32_t policy;
  uint64_t flags;
  int32_t nice;
  uint32_t priority;
  uint64_t runtime;
  uint64_t deadline;
  uint64_t period;
};

// Ordinary scheduling at `nice`, with a slice of `slice_ns` (0: the kernel's default); "" or what the
// kernel refused.
static std::string AskSlice(pid_t tid, int nice, uint64_t slice_ns) {
  SchedAttr attr{};
  attr.size = sizeof attr;
  attr.policy = SCHED_OTHER;
  attr.nice = nice;
  attr.runtime = slice_ns;
  if (syscall(SYS_sched_setattr, tid, &attr, 0) == 0) return "";
  return std::string("slice: ") + strerror(errno);
}

// The slice the kernel gives the thread (ns), read back; 0 where the kernel does not say (before 6.12).
static uint64_t SliceOf(pid_t tid) {
  SchedAttr attr{};
  if (syscall(SYS_sched_getattr, tid, &attr, sizeof attr, 0) != 0 || attr.policy != SCHED_OTHER) return 0;
  return attr.runtime;
}

static uint64_t ClockNs(clockid_t clock) {
  timespec ts;
  clock_gettime(clock, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000ull + static_cast<uint64_t>(ts.tv_nsec);
}

// In the echo thread, once per wake-up while 'high' holds: a new window gives SCHED_FIFO back; more CPU than
// the budget in this window takes it away until the next (counted in fifo_demoted).
static void FifoBudget(Instance* in) {
  uint64_t now = ClockNs(CLOCK_MONOTONIC);
  uint64_t cpu = ClockNs(CLOCK_THREAD_CPUTIME_ID);
  std::lock_guard<std::mutex> lock(in->prio_mu);
  if (!in->want_fifo.load()) return;
  sched_param param{};
  if (now - in->window_start_ns >= kFifoWindowNs) {
    in->window_start_ns = now;
    in->window_cpu_ns = cpu;
    if (!in->fifo_now) {
      param.sched_priority = 1;
      in->fifo_now = pthread_setschedparam(pthread_self(), SCHED_FIFO, &param) == 0;
    }
  } else if (in->fifo_now && (cpu - in->window_cpu_ns) * 100 > kFifoWindowNs * in->budget_percent) {
    pthread_setschedparam(pthread_self(), SCHED_OTHER, &param);
    in->fifo_now = false;
    in->fifo_demoted++;
  }
}

static void EchoThread(Instance* in, std::promise<pid_t>* started) {
  started->set_value(static_cast<pid_t>(syscall(SYS_gettid)));
  epoll_event events[64];
  while (!in->stopping.load()) {
    int n = epoll_wait(in->epfd, events, 64, -1);
    if (n < 0) {
      if (errno == EINTR) continue;
      return;
    }
    if (in->want_fifo.load(std::memory_order_relaxed)) FifoBudget(in);
    bool notify = false;
    for (int e = 0; e < n; e++) {
      uint64_t id = events[e].data.u64;
      if (id == 0) {
        uint64_t count;
        if (read(in->wake, &count, sizeof count) < 0) {
          // nothing to read: another wake-up took it
        }
        continue;
      }
      SessionRef s;
      {
        std::lock_guard<std::mutex> lock(in->mu);
        auto it = in->sessions.find(id);
        if (it == in->sessions.end()) continue;
        s = it->second;
      }
      std::lock_guard<std::mutex> lock(s->mu);
      if (!s->polling) continue;
      Batch* b = &in->thread_batch;
      int n_others = ReadBatch(s.get(), b);
      for (int k = 0; k < n_others; k++) {
        int i = b->others[k];
        if (s->others.size() >= kMaxQueued) {
          s->queue_dropped++;
          continue;
        }
        s->others.push_back({std::vector<uint8_t>(b->buffers[i], b->buffers[i] + b->lengths[i]), b->from[i]});
      }
      if ((n_others > 0 || s->ring_count >= kRing / 2) && !s->queued) {
        s->queued = true;
        std::lock_guard<std::mutex> ready_lock(in->mu);
        in->ready.push_back(s);
        notify = true;
      }
    }
    if (notify) uv_async_send(in->async);
  }
}

// In the main loop: the queued datagrams of every session the thread flagged, to JavaScript.
static void OnQueued(uv_async_t* async) {
  Instance* in = static_cast<Instance*>(async->data);
  std::vector<SessionRef> ready;
  {
    std::lock_guard<std::mutex> lock(in->mu);
    ready.swap(in->ready);
  }
  for (auto& s : ready) {
    std::vector<Other> others;
    {
      std::lock_guard<std::mutex> lock(s->mu);
      others.swap(s->others);
      s->queued = false;
      if (!s->polling) continue;
    }
    std::vector<OtherView> views;
    for (auto& o : others) views.push_back({o.data.data(), o.data.size(), &o.from});
    CallJs(s.get(), views);
  }
}

static bool StartThread(Instance* in) {
  uv_loop_t* loop = nullptr;
  if (napi_get_uv_event_loop(in->env, &loop) != napi_ok) return false;
  in->epfd = epoll_create1(EPOLL_CLOEXEC);
  in->wake = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.u64 = 0;
  if (in->epfd < 0 || in->wake < 0 || epoll_ctl(in->epfd, EPOLL_CTL_ADD, in->wake, &ev) != 0) return false;
  in->async = new uv_async_t;
  uv_async_init(loop, in->async, OnQueued);
  in->async->data = in;
  // The echo thread's hand-over alone must not keep Node running.
  uv_unref(reinterpret_cast<uv_handle_t*>(in->async));
  std::promise<pid_t> started;
  std::future<pid_t> tid = started.get_future();
  in->thread = std::thread(EchoThread, in, &started);
  in->tid = tid.get();
  // Its name in /proc/<pid>/task/*/comm, top -H and ps -L, so operators (and bench:relay-cpu) find it.
  pthread_setname_np(in->thread.native_handle(), kThreadName);
  return true;
}

static void OnAsyncClosed(uv_handle_t* h) { delete reinterpret_cast<uv_async_t*>(h); }

// The environment ends (process exit, a worker's end): stop the thread before its sessions go. Detach
// after this finds no thread and a closed epoll descriptor (epoll_ctl then fails harmlessly).
static void Cleanup(void* data) {
  Instance* in = static_cast<Instance*>(data);
  if (in->thread.joinable()) {
    in->stopping.store(true);
    uint64_t one = 1;
    if (write(in->wake, &one, sizeof one) < 0) {
      // the eventfd cannot be full with one pending wake-up
    }
    in->thread.join();
  }
  if (in->async) uv_close(reinterpret_cast<uv_handle_t*>(in->async), OnAsyncClosed);
  in->async = nullptr;
  if (in->epfd >= 0) close(in->epfd);
  if (in->wake >= 0) close(in->wake);
  in->epfd = in->wake = -1;
  std::lock_guard<std::mutex> lock(in->mu);
  in->sessions.clear();
  in->ready.clear();
}

// ---- both modes ----

// Stops reading and closes this add-on's copy of the socket; the session's echo is then JavaScript's.
// Returns the datagrams the thread queued and JavaScript had not been given yet.
static std::vector<Other> Detach(Session* s) {
  std::vector<Other> left;
  {
    std::lock_guard<std::mutex> lock(s->mu);
    if (!s->polling) return left;
    s->polling = false;
    if (s->threaded) {
      // Before closing: epoll registrations belong to the socket, which Node's descriptor keeps open.
      epoll_ctl(s->instance->epfd, EPOLL_CTL_DEL, s->fd, nullptr);
      left.swap(s->others);
    } else {
      uv_poll_stop(s->poll);
      uv_close(reinterpret_cast<uv_handle_t*>(s->poll), OnPollClosed);
      s->poll = nullptr;
    }
    close(s->fd);
    s->fd = -1;
  }
  if (s->threaded) {
    std::lock_guard<std::mutex> lock(s->instance->mu);
    s->instance->sessions.erase(s->id);
  }
  if (s->on_batch) {
    napi_delete_reference(s->env, s->on_batch);
    s->on_batch = nullptr;
  }
  if (s->async) {
    napi_async_destroy(s->env, s->async);
    s->async = nullptr;
  }
  return left;
}

// ---- N-API ----

static Session* SessionOf(napi_env env, napi_value v) {
  void* data = nullptr;
  if (napi_get_value_external(env, v, &data) != napi_ok || !data) return nullptr;
  return static_cast<SessionRef*>(data)->get();
}

static void Finalize(napi_env, void* data, void*) {
  SessionRef* ref = static_cast<SessionRef*>(data);
  Detach(ref->get());
  delete ref;
}

static bool Bytes(napi_env env, napi_value obj, const char* name, const uint8_t** out, size_t need) {
  napi_value v;
  bool is_buffer = false;
  if (napi_get_named_property(env, obj, name, &v) != napi_ok) return false;
  if (napi_is_buffer(env, v, &is_buffer) != napi_ok || !is_buffer) return false;
  void* data;
  size_t len;
  if (napi_get_buffer_info(env, v, &data, &len) != napi_ok || len < need) return false;
  *out = static_cast<const uint8_t*>(data);
  return true;
}

// obj[name] read with `get` (napi_get_value_double, napi_get_value_bool), or the fallback.
template <typename T>
static T Property(napi_env env, napi_value obj, const char* name, T fallback,
                  napi_status (*get)(napi_env, napi_value, T*)) {
  napi_value v;
  T out;
  if (napi_get_named_property(env, obj, name, &v) != napi_ok) return fallback;
  if (get(env, v, &out) != napi_ok) return fallback;
  return out;
}

static double Number(napi_env env, napi_value obj, const char* name, double fallback) {
  return Property(env, obj, name, fallback, napi_get_value_double);
}

static bool Flag(napi_env env, napi_value obj, const char* name, bool fallback) {
  return Property(env, obj, name, fallback, napi_get_value_bool);
}

static bool Peer(napi_env env, napi_value obj, sockaddr_storage* out, socklen_t* len) {
  napi_value v;
  char text[INET6_ADDRSTRLEN + 1];
  size_t n = 0;
  if (napi_get_named_property(env, obj, "peerAddress", &v) != napi_ok) return false;
  if (napi_get_value_string_utf8(env, v, text, sizeof text, &n) != napi_ok) return false;
  int port = static_cast<int>(Number(env, obj, "peerPort", -1));
  if (port <= 0 || port > 65535) return false;
  memset(out, 0, sizeof *out);
  auto* v4 = reinterpret_cast<sockaddr_in*>(out);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(out);
  if (inet_pton(AF_INET, text, &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(port);
    *len = sizeof(sockaddr_in);
    return true;
  }
  if (inet_pton(AF_INET6, text, &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(port);
    *len = sizeof(sockaddr_in6);
    return true;
  }
  return false;
}

static napi_value Throw(napi_env env, const char* message) {
  napi_throw_error(env, nullptr, message);
  return nullptr;
}

static Instance* InstanceOf(napi_env env) {
  void* data = nullptr;
  napi_get_instance_data(env, &data);
  return static_cast<Instance*>(data);
}

// attach({ fd, peerAddress, peerPort, remoteKey, remoteSalt, localKey, localSalt, ssrc, payloadType,
//          maxDatagram, budget, roc, highestSeq, onBatch, thread }) -> handle
static napi_value Attach(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value opts;
  napi_get_cb_info(env, info, &argc, &opts, nullptr, nullptr);
  if (argc < 1) return Throw(env, "attach: options expected");
  const uint8_t *rk, *rs, *lk, *ls;
  if (!Bytes(env, opts, "remoteKey", &rk, 16) || !Bytes(env, opts, "remoteSalt", &rs, 12) ||
      !Bytes(env, opts, "localKey", &lk, 16) || !Bytes(env, opts, "localSalt", &ls, 12))
    return Throw(env, "attach: SRTP keys expected");
  napi_value on_batch;
  napi_valuetype type;
  if (napi_get_named_property(env, opts, "onBatch", &on_batch) != napi_ok ||
      napi_typeof(env, on_batch, &type) != napi_ok || type != napi_function)
    return Throw(env, "attach: onBatch expected");
  int fd = static_cast<int>(Number(env, opts, "fd", -1));
  if (fd < 0) return Throw(env, "attach: fd expected");
  Instance* in = InstanceOf(env);
  bool threaded = Flag(env, opts, "thread", true);
  if (threaded && in->epfd < 0) return Throw(env, "attach: the echo thread did not start");

  auto s = std::make_shared<Session>();
  s->instance = in;
  s->env = env;
  s->threaded = threaded;
  if (!Peer(env, opts, &s->peer, &s->peer_len)) return Throw(env, "attach: peer address expected");
  if (!s->remote.Init(rk, rs, false) || !s->local.Init(lk, ls, true))
    return Throw(env, "attach: OpenSSL refused the keys");
  s->ssrc = static_cast<uint32_t>(Number(env, opts, "ssrc", 0));
  s->payload_type = static_cast<uint8_t>(Number(env, opts, "payloadType", 0));
  s->max_datagram = static_cast<int>(Number(env, opts, "maxDatagram", 1500));
  if (s->max_datagram > kBufferBytes - 1) s->max_datagram = kBufferBytes - 1;
  s->budget = static_cast<int64_t>(Number(env, opts, "budget", 0));
  s->rollover.roc = static_cast<int64_t>(Number(env, opts, "roc", 0));
  s->rollover.highest = static_cast<int32_t>(Number(env, opts, "highestSeq", -1));

  // A copy of the descriptor: libuv allows one watcher per descriptor, and Node's handle keeps its own
  // (it still sends werift's DTLS and STUN answers on it).
  s->fd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
  if (s->fd < 0) return Throw(env, "attach: cannot copy the socket's descriptor");
  // The socket keeps the kernel's default buffers (212992 bytes: some 200 small datagrams, seconds of one
  // stream): a reader that keeps up needs no more, and larger ones would let a flood of one session hold
  // more of the kernel's memory. No stream lost packets at 500 with them (BENCHMARKS.md).
  napi_create_reference(env, on_batch, 1, &s->on_batch);
  napi_value name;
  napi_create_string_utf8(env, "svc-native-echo", NAPI_AUTO_LENGTH, &name);
  napi_async_init(env, nullptr, name, &s->async);
  s->polling = true;

  if (threaded) {
    {
      std::lock_guard<std::mutex> lock(in->mu);
      s->id = in->next_id++;
      in->sessions[s->id] = s;
    }
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u64 = s->id;
    if (epoll_ctl(in->epfd, EPOLL_CTL_ADD, s->fd, &ev) != 0) {
      Detach(s.get());
      return Throw(env, "attach: cannot watch the socket");
    }
  } else {
    uv_loop_t* loop = nullptr;
    napi_get_uv_event_loop(env, &loop);
    auto* ph = new PollHandle();
    if (uv_poll_init(loop, &ph->poll, s->fd) != 0) {
      delete ph;
      s->polling = false;
      close(s->fd);
      return Throw(env, "attach: cannot poll the socket");
    }
    ph->session = s;
    ph->poll.data = ph;
    s->poll = &ph->poll;
    uv_poll_start(&ph->poll, UV_READABLE, OnReadable);
  }
  napi_value handle;
  napi_create_external(env, new SessionRef(s), Finalize, nullptr, &handle);
  return handle;
}

static napi_value Arg(napi_env env, napi_callback_info info, size_t want, napi_value* args) {
  size_t argc = want;
  napi_get_cb_info(env, info, &argc, args, nullptr, nullptr);
  return argc < want ? nullptr : args[0];
}

// (handle, Float64Array of at least `min` numbers): the session and the array's numbers.
static bool SessionAndArray(napi_env env, napi_callback_info info, size_t min, Session** s, double** out,
                            size_t* length) {
  napi_value args[2];
  napi_typedarray_type type;
  void* data;
  if (!Arg(env, info, 2, args)) return false;
  *s = SessionOf(env, args[0]);
  if (!*s || napi_get_typedarray_info(env, args[1], &type, length, &data, nullptr, nullptr) != napi_ok ||
      type != napi_float64_array || *length < min)
    return false;
  *out = static_cast<double*>(data);
  return true;
}

constexpr int kDrainFields = 6;

// drain(handle, Float64Array) -> entries written: [seq, timestamp, ssrc, arrivalMs, payloadOctets, echoed].
static napi_value Drain(napi_env env, napi_callback_info info) {
  Session* s;
  double* out;
  size_t length;
  if (!SessionAndArray(env, info, kDrainFields, &s, &out, &length))
    return Throw(env, "drain: handle and Float64Array expected");
  int n = 0;
  {
    std::lock_guard<std::mutex> lock(s->mu);
    while (s->ring_count > 0 && static_cast<size_t>(n + 1) * kDrainFields <= length) {
      const Received& r = s->ring[s->ring_start];
      double* e = out + n * kDrainFields;
      e[0] = r.seq;
      e[1] = r.timestamp;
      e[2] = r.ssrc;
      e[3] = r.arrival_ms;
      e[4] = r.payload_octets;
      e[5] = r.echoed ? 1 : 0;
      s->ring_start = (s->ring_start + 1) % kRing;
      s->ring_count--;
      n++;
    }
  }
  napi_value result;
  napi_create_int32(env, n, &result);
  return result;
}

// stats(handle, Float64Array(8 or 9)): echoed, refused, oversized, passedBytes, sendFailed, handed, lastSentMs,
// budget, and queueDropped when there is room for it.
static napi_value Stats(napi_env env, napi_callback_info info) {
  Session* s;
  double* o;
  size_t length;
  if (!SessionAndArray(env, info, 8, &s, &o, &length)) return Throw(env, "stats: handle and Float64Array(8) expected");
  std::lock_guard<std::mutex> lock(s->mu);
  o[0] = s->echoed;
  o[1] = s->refused;
  o[2] = s->oversized;
  o[3] = s->passed_bytes;
  o[4] = s->send_failed;
  o[5] = s->handed;
  o[6] = s->last_sent_ms;
  o[7] = static_cast<double>(s->budget);
  if (length >= 9) o[8] = s->queue_dropped;
  s->passed_at_stats = s->passed_bytes;
  return nullptr;
}

// setBudget(handle, bytes): what the session's bitrate cap allowed at the last stats(), until the next call.
static napi_value SetBudget(napi_env env, napi_callback_info info) {
  napi_value args[2];
  if (!Arg(env, info, 2, args)) return Throw(env, "setBudget: handle and bytes expected");
  Session* s = SessionOf(env, args[0]);
  double bytes = 0;
  if (!s || napi_get_value_double(env, args[1], &bytes) != napi_ok) return Throw(env, "setBudget: bad arguments");
  std::lock_guard<std::mutex> lock(s->mu);
  bytes -= s->passed_bytes - s->passed_at_stats;
  s->budget = bytes > 0 ? static_cast<int64_t>(bytes) : 0;
  return nullptr;
}

// setPeer(handle, { peerAddress, peerPort }): the user's browser nominated another address.
static napi_value SetPeer(napi_env env, napi_callback_info info) {
  napi_value args[2];
  if (!Arg(env, info, 2, args)) return Throw(env, "setPeer: handle and address expected");
  Session* s = SessionOf(env, args[0]);
  sockaddr_storage peer;
  socklen_t len = 0;
  if (!s || !Peer(env, args[1], &peer, &len)) return Throw(env, "setPeer: bad address");
  std::lock_guard<std::mutex> lock(s->mu);
  s->peer = peer;
  s->peer_len = len;
  return nullptr;
}

// detach(handle) -> the datagrams not yet handed to JavaScript, as onBatch gets them. Stops reading and
// closes the add-on's descriptor: once it returns, the add-on no longer touches the socket (the socket may
// close, or Node read it again).
static napi_value DetachJs(napi_env env, napi_callback_info info) {
  napi_value args[1];
  if (!Arg(env, info, 1, args)) return Throw(env, "detach: handle expected");
  Session* s = SessionOf(env, args[0]);
  if (!s) return Throw(env, "detach: handle expected");
  std::vector<Other> left = Detach(s);
  std::vector<OtherView> views;
  for (auto& o : left) views.push_back({o.data.data(), o.data.size(), &o.from});
  return OthersList(env, views);
}

// polling(handle) -> whether the add-on still reads the socket.
static napi_value Polling(napi_env env, napi_callback_info info) {
  napi_value args[1];
  if (!Arg(env, info, 1, args)) return Throw(env, "polling: handle expected");
  Session* s = SessionOf(env, args[0]);
  bool polling = false;
  if (s) {
    std::lock_guard<std::mutex> lock(s->mu);
    polling = s->polling;
  }
  napi_value result;
  napi_get_boolean(env, polling, &result);
  return result;
}

static napi_value NowMsJs(napi_env env, napi_callback_info) {
  napi_value v;
  napi_create_double(env, NowMs(), &v);
  return v;
}

static void SetNamed(napi_env env, napi_value obj, const char* name, napi_value v) {
  napi_set_named_property(env, obj, name, v);
}

static napi_value Int(napi_env env, int n) {
  napi_value v;
  napi_create_int32(env, n, &v);
  return v;
}

static napi_value Text(napi_env env, const std::string& text) {
  napi_value v;
  napi_create_string_utf8(env, text.c_str(), text.size(), &v);
  return v;
}

// What the kernel says the echo thread runs with, read back rather than assumed.
static napi_value PriorityValue(napi_env env, Instance* in, const std::string& refused) {
  int policy = sched_getscheduler(in->tid);
  sched_param param{};
  sched_getparam(in->tid, &param);
  errno = 0;
  int nice = getpriority(PRIO_PROCESS, in->tid);
  const char* name = policy == SCHED_FIFO ? "fifo" : policy == SCHED_RR ? "rr" : policy == SCHED_OTHER ? "other" : "?";
  napi_value out;
  napi_create_object(env, &out);
  SetNamed(env, out, "policy", Text(env, name));
  SetNamed(env, out, "priority", Int(env, param.sched_priority));
  SetNamed(env, out, "nice", Int(env, nice));
  SetNamed(env, out, "tid", Int(env, in->tid));
  napi_value slice;
  napi_create_double(env, static_cast<double>(SliceOf(in->tid)) / 1000.0, &slice);
  SetNamed(env, out, "sliceUs", slice);
  napi_value demoted;
  napi_create_double(env, static_cast<double>(in->fifo_demoted.load()), &demoted);
  SetNamed(env, out, "fifoDemoted", demoted);
  if (!refused.empty()) SetNamed(env, out, "refused", Text(env, refused));
  return out;
}

// setPriority('high' | 'short-slice' | 'normal', budgetPercent?) -> { policy, priority, nice, tid, sliceUs,
// fifoDemoted, refused? }: what the echo thread got.
// 'high': SCHED_FIFO priority 1, so the echo thread runs as soon as a socket is readable instead of waiting
// for its turn behind the main thread, V8's helpers and every other ordinary task on its CPU, within its
// budget (FifoBudget: budgetPercent of each 100 ms window, default kFifoBudgetPercent). Without the
// privilege (CAP_SYS_NICE, or RLIMIT_RTPRIO >= 1; a container may also have no real-time budget), a nice 10
// below the process's for this thread only, or as low as RLIMIT_NICE lets it; failing both, unchanged.
// A refusal is reported (refused), never thrown: the relay runs either way. 'normal': the process's.
static napi_value SetPriority(napi_env env, napi_callback_info info) {
  napi_value args[2];
  size_t argc = 2;
  char mode[16] = "";
  size_t n = 0;
  if (napi_get_cb_info(env, info, &argc, args, nullptr, nullptr) != napi_ok || argc < 1 ||
      napi_get_value_string_utf8(env, args[0], mode, sizeof mode, &n) != napi_ok ||
      (strcmp(mode, "high") != 0 && strcmp(mode, "normal") != 0 && strcmp(mode, "short-slice") != 0))
    return Throw(env, "setPriority: 'high', 'short-slice' or 'normal' expected");
  // The real-time budget, percent of the CPU per window (default kFifoBudgetPercent; tests pass a small one).
  int32_t budget = kFifoBudgetPercent;
  if (argc >= 2 && (napi_get_value_int32(env, args[1], &budget) != napi_ok || budget < 1 || budget > 95))
    return Throw(env, "setPriority: budget percent from 1 to 95 expected");
  Instance* in = InstanceOf(env);
  if (!in->thread.joinable()) return Throw(env, "setPriority: the echo thread is not running");
  pthread_t thread = in->thread.native_handle();
  errno = 0;
  int process_nice = getpriority(PRIO_PROCESS, getpid());
  sched_param param{};
  std::string refused;
  std::lock_guard<std::mutex> lock(in->prio_mu);
  in->want_fifo.store(false);
  in->fifo_now = false;
  if (strcmp(mode, "high") != 0) {
    pthread_setschedparam(thread, SCHED_OTHER, &param);
    refused = AskSlice(in->tid, process_nice, strcmp(mode, "short-slice") == 0 ? kSliceNs : 0);
    if (!refused.empty()) setpriority(PRIO_PROCESS, in->tid, process_nice);
    return PriorityValue(env, in, refused);
  }
  param.sched_priority = 1;
  int rc = pthread_setschedparam(thread, SCHED_FIFO, &param);
  if (rc == 0) {
    clockid_t cpu_clock;
    in->budget_percent = budget;
    in->window_start_ns = ClockNs(CLOCK_MONOTONIC);
    in->window_cpu_ns = pthread_getcpuclockid(thread, &cpu_clock) == 0 ? ClockNs(cpu_clock) : 0;
    in->fifo_now = true;
    in->want_fifo.store(true);
    return PriorityValue(env, in, refused);
  }
  refused = std::string("SCHED_FIFO: ") + strerror(rc);
  int target = process_nice - 10 < -20 ? -20 : process_nice - 10;
  if (setpriority(PRIO_PROCESS, in->tid, target) == 0) return PriorityValue(env, in, refused);
  refused += std::string("; nice ") + std::to_string(target) + ": " + strerror(errno);
  // An unprivileged thread may go down to 20 - RLIMIT_NICE (systemd's LimitNICE=).
  rlimit limit{};
  if (getrlimit(RLIMIT_NICE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY) {
    int floor = 20 - static_cast<int>(limit.rlim_cur);
    if (floor > target && floor < process_nice && setpriority(PRIO_PROCESS, in->tid, floor) != 0)
      refused += std::string("; nice ") + std::to_string(floor) + ": " + strerror(errno);
  }
  return PriorityValue(env, in, refused);
}

// priority() -> what setPriority returns, without changing anything (the operator's demotion count).
static napi_value PriorityJs(napi_env env, napi_callback_info) {
  Instance* in = InstanceOf(env);
  if (!in->thread.joinable()) return Throw(env, "priority: the echo thread is not running");
  return PriorityValue(env, in, "");
}

static napi_value Init(napi_env env, napi_value exports) {
  // Never freed: a session's finalizer may run after the environment's cleanup and still looks at it
  // (one per Node environment, ending with it).
  auto* in = new Instance();
  in->env = env;
  napi_set_instance_data(env, in, nullptr, nullptr);
  // At load, not at the first session: its two descriptors (epoll, eventfd) and the thread are the
  // relay's from the start, so its open descriptors return to the idle count once every session ended.
  // Idle, the thread waits in epoll_wait and costs nothing.
  if (!StartThread(in)) return Throw(env, "the native echo's thread did not start");
  napi_add_env_cleanup_hook(env, Cleanup, in);
  napi_property_descriptor props[] = {
      {"attach", nullptr, Attach, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"drain", nullptr, Drain, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"stats", nullptr, Stats, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"setBudget", nullptr, SetBudget, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"setPeer", nullptr, SetPeer, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"detach", nullptr, DetachJs, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"polling", nullptr, Polling, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"nowMs", nullptr, NowMsJs, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"setPriority", nullptr, SetPriority, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"priority", nullptr, PriorityJs, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  return exports;
}

}  // namespace svc

NAPI_MODULE(NODE_GYP_MODULE_NAME, svc::Init)
