// The native echo: once a session's DTLS has given the SRTP keys (AEAD_AES_128_GCM), the relay stops
// Node reading the session's UDP socket and polls it here, in the main loop (uv_poll, no threads: all
// session state stays on the one JavaScript thread). Per readiness: recvmmsg a batch; each datagram that
// is RTP from the user's nominated address, within the size cap and the byte budget JavaScript granted
// (the session's bitrate cap), and authentic with the browser's keys is re-encrypted in place with the
// relay's keys (relay SSRC and payload type written, sequence number and timestamp kept: what
// lean-echo.ts does) and sent back with one sendmmsg. Everything else (STUN consent, DTLS, SRTCP, the data
// channel, other sources) goes to JavaScript in one call per batch, which hands it to werift as before.
// What JavaScript needs per packet (sequence numbers, timestamps, arrival times) waits in a fixed ring.
// N-API only, so the add-on does not depend on one Node version's V8.
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <node_api.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <uv.h>

#include "srtp-gcm.h"

namespace svc {

constexpr int kBatch = 32;
// A receive buffer larger than the cap, so an oversize datagram is seen as oversize (MSG_TRUNC beyond it).
constexpr int kBufferBytes = 2048;
constexpr int kRing = 512;

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
};

struct Session {
  uv_poll_t poll;
  napi_env env = nullptr;
  napi_ref on_batch = nullptr;
  napi_async_context async = nullptr;
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
  bool polling = false;
  bool handle_closed = false;
  bool finalized = false;
  // Figures JavaScript reads (stats()).
  double echoed = 0, refused = 0, oversized = 0, passed_bytes = 0, send_failed = 0, handed = 0;
  double last_sent_ms = 0;
  Received ring[kRing];
  int ring_start = 0, ring_count = 0;
};

// One set of receive buffers for the process: a readiness callback uses them and is done before the next.
static uint8_t g_buffers[kBatch][kBufferBytes];
static sockaddr_storage g_from[kBatch];
static iovec g_iov[kBatch];
static mmsghdr g_msgs[kBatch];
static mmsghdr g_out[kBatch];
static iovec g_out_iov[kBatch];

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

static void MaybeFree(Session* s) {
  if (s->handle_closed && s->finalized) delete s;
}

static void OnClosed(uv_handle_t* h) {
  Session* s = static_cast<Session*>(h->data);
  s->handle_closed = true;
  MaybeFree(s);
}

// Stops polling and closes this add-on's copy of the socket; the session's echo is then JavaScript's.
static void Detach(Session* s) {
  if (!s->polling) return;
  s->polling = false;
  uv_poll_stop(&s->poll);
  uv_close(reinterpret_cast<uv_handle_t*>(&s->poll), OnClosed);
  close(s->fd);
  s->fd = -1;
  if (s->on_batch) {
    napi_delete_reference(s->env, s->on_batch);
    s->on_batch = nullptr;
  }
  if (s->async) {
    napi_async_destroy(s->env, s->async);
    s->async = nullptr;
  }
}

// An audio packet from the peer: true when it was taken (echo queued, or refused as not authentic).
static bool TakeRtp(Session* s, uint8_t* p, int len, double now, int* out_len) {
  int payload = 0;
  int64_t roc = 0;
  int end = s->remote.Unprotect(p, len, &s->rollover, &payload, &roc);
  if (end < 0) {
    s->refused++;
    return true;
  }
  Received& r = s->ring[(s->ring_start + s->ring_count) % kRing];
  r.arrival_ms = now;
  r.seq = static_cast<uint16_t>((p[2] << 8) | p[3]);
  r.timestamp = (uint32_t(p[4]) << 24) | (uint32_t(p[5]) << 16) | (uint32_t(p[6]) << 8) | p[7];
  r.ssrc = (uint32_t(p[8]) << 24) | (uint32_t(p[9]) << 16) | (uint32_t(p[10]) << 8) | p[11];
  r.payload_octets = static_cast<uint16_t>(end - payload);
  s->ring_count++;
  p[1] = (p[1] & 0x80) | (s->payload_type & 0x7f);
  p[8] = s->ssrc >> 24;
  p[9] = s->ssrc >> 16;
  p[10] = s->ssrc >> 8;
  p[11] = s->ssrc;
  if (!s->local.Protect(p, end, payload, roc)) {
    s->refused++;
    return true;
  }
  *out_len = end + kGcmTag;
  return true;
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

// Hands the batch's other datagrams (indices in `others`) to JavaScript, which also drains the ring.
static void CallJs(Session* s, const int* others, int n_others, const int* lengths) {
  napi_env env = s->env;
  napi_handle_scope scope;
  if (napi_open_handle_scope(env, &scope) != napi_ok) return;
  napi_value list;
  napi_create_array_with_length(env, n_others * 3, &list);
  for (int k = 0; k < n_others; k++) {
    int i = others[k];
    napi_value buf, port;
    void* data;
    napi_create_buffer_copy(env, lengths[i], g_buffers[i], &data, &buf);
    napi_create_int32(env, PortOf(g_from[i]), &port);
    napi_set_element(env, list, k * 3, buf);
    napi_set_element(env, list, k * 3 + 1, AddressValue(env, g_from[i]));
    napi_set_element(env, list, k * 3 + 2, port);
  }
  napi_value fn, recv, result;
  if (s->on_batch && napi_get_reference_value(env, s->on_batch, &fn) == napi_ok && fn) {
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

static void OnReadable(uv_poll_t* handle, int status, int events) {
  Session* s = static_cast<Session*>(handle->data);
  if (!s->polling || status < 0 || !(events & UV_READABLE)) return;
  for (int i = 0; i < kBatch; i++) {
    g_iov[i] = {g_buffers[i], static_cast<size_t>(kBufferBytes)};
    memset(&g_msgs[i].msg_hdr, 0, sizeof(msghdr));
    g_msgs[i].msg_hdr.msg_name = &g_from[i];
    g_msgs[i].msg_hdr.msg_namelen = sizeof(sockaddr_storage);
    g_msgs[i].msg_hdr.msg_iov = &g_iov[i];
    g_msgs[i].msg_hdr.msg_iovlen = 1;
  }
  int n = recvmmsg(s->fd, g_msgs, kBatch, MSG_DONTWAIT, nullptr);
  if (n <= 0) return;
  double now = NowMs();
  int others[kBatch];
  int lengths[kBatch];
  int n_others = 0, n_out = 0;
  for (int i = 0; i < n; i++) {
    int len = static_cast<int>(g_msgs[i].msg_len);
    lengths[i] = len;
    if (len > s->max_datagram || (g_msgs[i].msg_hdr.msg_flags & MSG_TRUNC)) {
      s->oversized++;
      continue;
    }
    uint8_t* p = g_buffers[i];
    bool ours = SameAddress(g_from[i], s->peer) && IsRtp(p, len) && len <= s->budget && s->ring_count < kRing;
    if (!ours) {
      others[n_others++] = i;
      continue;
    }
    s->budget -= len;
    s->passed_bytes += len;
    int out_len = 0;
    TakeRtp(s, p, len, now, &out_len);
    if (out_len > 0) {
      g_out_iov[n_out] = {p, static_cast<size_t>(out_len)};
      memset(&g_out[n_out].msg_hdr, 0, sizeof(msghdr));
      g_out[n_out].msg_hdr.msg_name = &s->peer;
      g_out[n_out].msg_hdr.msg_namelen = s->peer_len;
      g_out[n_out].msg_hdr.msg_iov = &g_out_iov[n_out];
      g_out[n_out].msg_hdr.msg_iovlen = 1;
      n_out++;
    }
  }
  for (int sent = 0; sent < n_out;) {
    int k = sendmmsg(s->fd, g_out + sent, n_out - sent, MSG_DONTWAIT);
    if (k <= 0) {
      if (k < 0 && errno == EINTR) continue;
      // A full send queue: these echoes are lost, as a datagram the kernel drops would be.
      s->send_failed += n_out - sent;
      break;
    }
    sent += k;
    s->echoed += k;
  }
  if (n_out > 0) s->last_sent_ms = now;
  s->handed += n_others;
  if (n_others > 0 || s->ring_count >= kRing / 2) CallJs(s, others, n_others, lengths);
}

// ---- N-API ----

static Session* SessionOf(napi_env env, napi_value v) {
  void* data = nullptr;
  if (napi_get_value_external(env, v, &data) != napi_ok) return nullptr;
  return static_cast<Session*>(data);
}

static void Finalize(napi_env, void* data, void*) {
  Session* s = static_cast<Session*>(data);
  Detach(s);
  s->finalized = true;
  MaybeFree(s);
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

static double Number(napi_env env, napi_value obj, const char* name, double fallback) {
  napi_value v;
  double d;
  if (napi_get_named_property(env, obj, name, &v) != napi_ok) return fallback;
  if (napi_get_value_double(env, v, &d) != napi_ok) return fallback;
  return d;
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

// attach({ fd, peerAddress, peerPort, remoteKey, remoteSalt, localKey, localSalt, ssrc, payloadType,
//          maxDatagram, budget, roc, highestSeq, onBatch }) -> handle
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

  Session* s = new Session();
  s->poll.data = nullptr;
  s->env = env;
  if (!Peer(env, opts, &s->peer, &s->peer_len)) {
    delete s;
    return Throw(env, "attach: peer address expected");
  }
  if (!s->remote.Init(rk, rs, false) || !s->local.Init(lk, ls, true)) {
    delete s;
    return Throw(env, "attach: OpenSSL refused the keys");
  }
  s->ssrc = static_cast<uint32_t>(Number(env, opts, "ssrc", 0));
  s->payload_type = static_cast<uint8_t>(Number(env, opts, "payloadType", 0));
  s->max_datagram = static_cast<int>(Number(env, opts, "maxDatagram", 1500));
  if (s->max_datagram > kBufferBytes - 1) s->max_datagram = kBufferBytes - 1;
  s->budget = static_cast<int64_t>(Number(env, opts, "budget", 0));
  s->rollover.roc = static_cast<int64_t>(Number(env, opts, "roc", 0));
  s->rollover.highest = static_cast<int32_t>(Number(env, opts, "highestSeq", -1));

  uv_loop_t* loop = nullptr;
  napi_get_uv_event_loop(env, &loop);
  // A copy of the descriptor: libuv allows one watcher per descriptor, and Node's handle keeps its own
  // (it still sends werift's DTLS and STUN answers on it).
  s->fd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
  if (s->fd < 0 || uv_poll_init(loop, &s->poll, s->fd) != 0) {
    if (s->fd >= 0) close(s->fd);
    delete s;
    return Throw(env, "attach: cannot poll the socket");
  }
  s->poll.data = s;
  napi_create_reference(env, on_batch, 1, &s->on_batch);
  napi_value name;
  napi_create_string_utf8(env, "svc-native-echo", NAPI_AUTO_LENGTH, &name);
  napi_async_init(env, nullptr, name, &s->async);
  s->polling = true;
  uv_poll_start(&s->poll, UV_READABLE, OnReadable);
  napi_value handle;
  napi_create_external(env, s, Finalize, nullptr, &handle);
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

// drain(handle, Float64Array) -> entries written: [seq, timestamp, ssrc, arrivalMs, payloadOctets] each.
static napi_value Drain(napi_env env, napi_callback_info info) {
  Session* s;
  double* out;
  size_t length;
  if (!SessionAndArray(env, info, 5, &s, &out, &length)) return Throw(env, "drain: handle and Float64Array expected");
  int n = 0;
  while (s->ring_count > 0 && static_cast<size_t>(n + 1) * 5 <= length) {
    const Received& r = s->ring[s->ring_start];
    double* e = out + n * 5;
    e[0] = r.seq;
    e[1] = r.timestamp;
    e[2] = r.ssrc;
    e[3] = r.arrival_ms;
    e[4] = r.payload_octets;
    s->ring_start = (s->ring_start + 1) % kRing;
    s->ring_count--;
    n++;
  }
  napi_value result;
  napi_create_int32(env, n, &result);
  return result;
}

// stats(handle, Float64Array(8)): echoed, refused, oversized, passedBytes, sendFailed, handed, lastSentMs, budget.
static napi_value Stats(napi_env env, napi_callback_info info) {
  Session* s;
  double* o;
  size_t length;
  if (!SessionAndArray(env, info, 8, &s, &o, &length)) return Throw(env, "stats: handle and Float64Array(8) expected");
  o[0] = s->echoed;
  o[1] = s->refused;
  o[2] = s->oversized;
  o[3] = s->passed_bytes;
  o[4] = s->send_failed;
  o[5] = s->handed;
  o[6] = s->last_sent_ms;
  o[7] = static_cast<double>(s->budget);
  return nullptr;
}

// setBudget(handle, bytes): what the session's bitrate cap still allows until the next call.
static napi_value SetBudget(napi_env env, napi_callback_info info) {
  napi_value args[2];
  if (!Arg(env, info, 2, args)) return Throw(env, "setBudget: handle and bytes expected");
  Session* s = SessionOf(env, args[0]);
  double bytes = 0;
  if (!s || napi_get_value_double(env, args[1], &bytes) != napi_ok) return Throw(env, "setBudget: bad arguments");
  s->budget = bytes > 0 ? static_cast<int64_t>(bytes) : 0;
  return nullptr;
}

// setPeer(handle, { peerAddress, peerPort }): the user's browser nominated another address.
static napi_value SetPeer(napi_env env, napi_callback_info info) {
  napi_value args[2];
  if (!Arg(env, info, 2, args)) return Throw(env, "setPeer: handle and address expected");
  Session* s = SessionOf(env, args[0]);
  if (!s || !Peer(env, args[1], &s->peer, &s->peer_len)) return Throw(env, "setPeer: bad address");
  return nullptr;
}

// detach(handle): stops polling and closes the add-on's descriptor, before the socket itself closes.
static napi_value DetachJs(napi_env env, napi_callback_info info) {
  napi_value args[1];
  if (!Arg(env, info, 1, args)) return Throw(env, "detach: handle expected");
  Session* s = SessionOf(env, args[0]);
  if (!s) return Throw(env, "detach: handle expected");
  Detach(s);
  return nullptr;
}

// polling(handle) -> whether the add-on still polls the socket.
static napi_value Polling(napi_env env, napi_callback_info info) {
  napi_value args[1];
  if (!Arg(env, info, 1, args)) return Throw(env, "polling: handle expected");
  Session* s = SessionOf(env, args[0]);
  napi_value result;
  napi_get_boolean(env, s && s->polling, &result);
  return result;
}

static napi_value NowMsJs(napi_env env, napi_callback_info) {
  napi_value v;
  napi_create_double(env, NowMs(), &v);
  return v;
}

static napi_value Init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"attach", nullptr, Attach, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"drain", nullptr, Drain, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"stats", nullptr, Stats, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"setBudget", nullptr, SetBudget, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"setPeer", nullptr, SetPeer, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"detach", nullptr, DetachJs, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"polling", nullptr, Polling, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"nowMs", nullptr, NowMsJs, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  return exports;
}

}  // namespace svc

NAPI_MODULE(NODE_GYP_MODULE_NAME, svc::Init)
