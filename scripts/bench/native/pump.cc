// bench:relay-cpu's native callers: once a werift caller has finished ICE and DTLS (JavaScript, set-up only),
// its UDP socket and SRTP keys come here, and one thread per load-generator process sends every stream's
// audio and reads its echoes: one SRTP AEAD_AES_128_GCM packet (RFC 7714) per stream every interval, each
// stream at its own phase, the payload carrying the send time; echoes read with recvmmsg, authenticated and
// decrypted with the relay's keys, their round trip taken from the kernel's receive time. STUN and DTLS go
// back to JavaScript (pump.drain), so werift's consent checks keep the session alive; RTCP is counted and
// dropped (the callers keep no receive statistics). Benchmark-only: built at run time by build.ts.
//
// The thread wakes once per tick (timerfd), reads every socket with something queued, then sends what is
// due: a stream's packet leaves within one tick of its time. JavaScript calls hold the same mutex.
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <node_api.h>
#include <openssl/evp.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace {

constexpr int kHeader = 12;
constexpr int kTag = 16;
constexpr int kMaxDatagram = 1500;
constexpr uint16_t kMagic = 0x5ec0;
// The payload: magic (2), stream (4), packet number (4), send time in ns since the Unix epoch (8), filler.
constexpr int kMinPayload = 18;
constexpr int kMaxPayload = 1200;
constexpr size_t kMaxQueued = 4096;
constexpr size_t kMaxRtts = 4'000'000;
constexpr int kBatch = 16;

int64_t RealtimeNs() {
  timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return int64_t(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}
int64_t MonotonicNs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return int64_t(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

void Put16(uint8_t* p, uint16_t v) { p[0] = v >> 8; p[1] = v & 0xff; }
void Put32(uint8_t* p, uint32_t v) { Put16(p, v >> 16); Put16(p + 2, v & 0xffff); }
void Put64(uint8_t* p, uint64_t v) { Put32(p, uint32_t(v >> 32)); Put32(p + 4, uint32_t(v)); }
uint16_t Get16(const uint8_t* p) { return uint16_t(p[0] << 8 | p[1]); }
uint32_t Get32(const uint8_t* p) { return uint32_t(Get16(p)) << 16 | Get16(p + 2); }
uint64_t Get64(const uint8_t* p) { return uint64_t(Get32(p)) << 32 | Get32(p + 4); }

// RFC 7714 §8.1: IV = (0x0000 ‖ SSRC ‖ ROC ‖ SEQ) ⊕ salt (12 bytes).
void GcmIv(uint8_t iv[12], const uint8_t salt[12], const uint8_t* rtp, uint32_t roc) {
  uint8_t plain[12] = {0, 0};
  memcpy(plain + 2, rtp + 8, 4);
  Put32(plain + 6, roc);
  memcpy(plain + 10, rtp + 2, 2);
  for (int i = 0; i < 12; i++) iv[i] = plain[i] ^ salt[i];
}

// Where the RTP payload starts (CSRCs and header extension skipped), or -1 if the header does not fit.
int PayloadOffset(const uint8_t* p, int end) {
  if (end < kHeader || (p[0] >> 6) != 2) return -1;
  int off = kHeader + 4 * (p[0] & 0x0f);
  if (p[0] & 0x10) {
    if (off + 4 > end) return -1;
    off += 4 + 4 * Get16(p + off + 2);
  }
  return off <= end ? off : -1;
}

// One direction's AES-128-GCM: the key schedule set once, only the IV per packet.
struct Gcm {
  EVP_CIPHER_CTX* ctx = nullptr;
  uint8_t salt[12];
  bool encrypt = true;
  Gcm(const uint8_t key[16], const uint8_t s[12], bool enc) : encrypt(enc) {
    memcpy(salt, s, 12);
    ctx = EVP_CIPHER_CTX_new();
    if (enc) EVP_EncryptInit_ex(ctx, EVP_aes_128_gcm(), nullptr, key, nullptr);
    else EVP_DecryptInit_ex(ctx, EVP_aes_128_gcm(), nullptr, key, nullptr);
  }
  ~Gcm() { EVP_CIPHER_CTX_free(ctx); }
  Gcm(const Gcm&) = delete;
  Gcm& operator=(const Gcm&) = delete;

  // rtp[0, len) protected in place; the tag is written at rtp + len (room for kTag bytes). Returns the length.
  int Protect(uint8_t* rtp, int len, int payloadOffset, uint32_t roc) {
    uint8_t iv[12];
    GcmIv(iv, salt, rtp, roc);
    int n = 0;
    if (!EVP_EncryptInit_ex(ctx, nullptr, nullptr, nullptr, iv)) return -1;
    if (!EVP_EncryptUpdate(ctx, nullptr, &n, rtp, payloadOffset)) return -1;
    if (!EVP_EncryptUpdate(ctx, rtp + payloadOffset, &n, rtp + payloadOffset, len - payloadOffset)) return -1;
    if (!EVP_EncryptFinal_ex(ctx, rtp + len, &n)) return -1;
    if (!EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, kTag, rtp + len)) return -1;
    return len + kTag;
  }
  // srtp[0, len) authenticated and decrypted in place: the plain packet's length, or -1 if not authentic.
  int Unprotect(uint8_t* srtp, int len, uint32_t roc) {
    int end = len - kTag;
    int off = PayloadOffset(srtp, end);
    if (off < 0) return -1;
    uint8_t iv[12];
    GcmIv(iv, salt, srtp, roc);
    int n = 0;
    if (!EVP_DecryptInit_ex(ctx, nullptr, nullptr, nullptr, iv)) return -1;
    if (!EVP_DecryptUpdate(ctx, nullptr, &n, srtp, off)) return -1;
    // In place: a packet that does not authenticate is dropped whatever it now holds.
    if (!EVP_DecryptUpdate(ctx, srtp + off, &n, srtp + off, end - off)) return -1;
    if (!EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, kTag, srtp + end)) return -1;
    int f = 0;
    return EVP_DecryptFinal_ex(ctx, srtp + end, &f) > 0 ? end : -1;
  }
};

// RFC 3711 §3.3.1: the rollover counter of a received sequence number, from the highest seen so far.
struct Rollover {
  uint32_t roc = 0;
  int32_t highest = -1;
  int64_t Estimate(uint16_t seq) const {
    if (highest < 0) return 0;
    if (highest < 0x8000) return seq - highest > 0x8000 ? int64_t(roc) - 1 : roc;
    return highest - 0x8000 > seq ? int64_t(roc) + 1 : roc;
  }
  void Commit(uint16_t seq, uint32_t r) {
    if (highest < 0 || r > roc) { roc = r; highest = seq; }
    else if (r == roc && seq > highest) highest = seq;
  }
};

// A plain RTP packet of this benchmark: 12-byte header, then the payload. `out` holds len + kTag bytes.
int BuildPacket(uint8_t* out, int payloadBytes, uint8_t pt, uint16_t seq, uint32_t ts, uint32_t ssrc,
                uint32_t stream, uint32_t number, int64_t sendNs) {
  out[0] = 0x80;
  out[1] = pt & 0x7f;
  Put16(out + 2, seq);
  Put32(out + 4, ts);
  Put32(out + 8, ssrc);
  uint8_t* p = out + kHeader;
  memset(p, 0x55, payloadBytes);
  Put16(p, kMagic);
  Put32(p + 2, stream);
  Put32(p + 6, number);
  Put64(p + 10, uint64_t(sendNs));
  return kHeader + payloadBytes;
}

struct Payload {
  bool ok;
  uint32_t stream;
  uint32_t number;
  int64_t sendNs;
};
Payload ReadPayload(const uint8_t* p, int len) {
  if (len < kMinPayload || Get16(p) != kMagic) return {false, 0, 0, 0};
  return {true, Get32(p + 2), Get32(p + 6), int64_t(Get64(p + 10))};
}

struct Stream {
  int fd = -1;
  bool live = false;
  bool sending = false;
  sockaddr_in remote{};
  uint32_t ssrc = 0;
  uint8_t pt = 111;
  uint64_t index = 0;  // packet index of the next send: ROC << 16 | SEQ
  uint32_t ts = 0;
  int64_t nextSendNs = 0;
  uint64_t sent = 0, echoed = 0, sent0 = 0, echoed0 = 0;
  uint64_t slipped = 0;
  Gcm* enc = nullptr;
  Gcm* dec = nullptr;
  Rollover rollover;
};

struct Queued {
  uint32_t stream;
  std::string data;
  std::string address;
  uint16_t port;
};

struct Pump {
  std::mutex mu;
  std::vector<Stream> streams;
  std::vector<Queued> queued;
  std::vector<double> rttMs;
  bool measuring = false;
  uint64_t rtcp = 0, unauthentic = 0, foreign = 0, queueDropped = 0, sendErrors = 0, ticks = 0, lateTicks = 0;
  int payloadBytes = 80;
  int64_t intervalNs = 20'000'000;
  int64_t tickNs = 1'000'000;
  int timerFd = -1, sockEp = -1;
  std::atomic<bool> running{false};
  std::thread thread;
  std::mt19937_64 rng{std::random_device{}()};

  int64_t Phase() { return int64_t(rng() % uint64_t(intervalNs)); }

  void Receive(uint32_t idx, Stream& s, uint8_t* buf, int len, int64_t rxNs, const sockaddr_in& from) {
    uint8_t b0 = buf[0];
    if (b0 <= 3 || (b0 >= 20 && b0 <= 63)) {
      // STUN (consent answers) or DTLS: werift's, in JavaScript.
      if (queued.size() >= kMaxQueued) { queueDropped++; return; }
      char ip[INET_ADDRSTRLEN];
      inet_ntop(AF_INET, &from.sin_addr, ip, sizeof ip);
      queued.push_back({idx, std::string(reinterpret_cast<char*>(buf), len), ip, ntohs(from.sin_port)});
      return;
    }
    if (b0 < 128 || b0 > 191 || len < kHeader + kTag) { foreign++; return; }
    if (buf[1] >= 192 && buf[1] <= 223) { rtcp++; return; }
    uint16_t seq = Get16(buf + 2);
    int64_t roc = s.rollover.Estimate(seq);
    if (roc < 0) { unauthentic++; return; }
    int plainLen = s.dec->Unprotect(buf, len, uint32_t(roc));
    if (plainLen < 0) { unauthentic++; return; }
    s.rollover.Commit(seq, uint32_t(roc));
    int off = PayloadOffset(buf, plainLen);
    Payload p = ReadPayload(buf + off, plainLen - off);
    if (!p.ok || p.stream != idx) { foreign++; return; }
    s.echoed++;
    if (measuring && rttMs.size() < kMaxRtts) rttMs.push_back(double(rxNs - p.sendNs) / 1e6);
  }

  void ReadAll(uint32_t idx) {
    Stream& s = streams[idx];
    uint8_t bufs[kBatch][kMaxDatagram];
    sockaddr_in from[kBatch];
    alignas(cmsghdr) char ctl[kBatch][CMSG_SPACE(sizeof(timespec))];
    iovec iov[kBatch];
    mmsghdr msgs[kBatch];
    for (;;) {
      for (int i = 0; i < kBatch; i++) {
        iov[i] = {bufs[i], kMaxDatagram};
        msgs[i].msg_hdr = {&from[i], sizeof from[i], &iov[i], 1, ctl[i], sizeof ctl[i], 0};
        msgs[i].msg_len = 0;
      }
      int n = recvmmsg(s.fd, msgs, kBatch, MSG_DONTWAIT, nullptr);
      if (n <= 0) return;
      int64_t now = RealtimeNs();
      for (int i = 0; i < n; i++) {
        int64_t rx = now;
        for (cmsghdr* c = CMSG_FIRSTHDR(&msgs[i].msg_hdr); c; c = CMSG_NXTHDR(&msgs[i].msg_hdr, c)) {
          if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS) {
            timespec ts;
            memcpy(&ts, CMSG_DATA(c), sizeof ts);
            rx = int64_t(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
          }
        }
        if (msgs[i].msg_len == 0 || (msgs[i].msg_hdr.msg_flags & MSG_TRUNC)) { foreign++; continue; }
        Receive(idx, s, bufs[i], int(msgs[i].msg_len), rx, from[i]);
      }
      if (n < kBatch) return;
    }
  }

  void Send(uint32_t idx, Stream& s) {
    uint8_t pkt[kHeader + kMaxPayload + kTag];
    int len = BuildPacket(pkt, payloadBytes, s.pt, uint16_t(s.index), s.ts, s.ssrc, idx, uint32_t(s.sent),
                          RealtimeNs());
    int total = s.enc->Protect(pkt, len, kHeader, uint32_t(s.index >> 16));
    if (total < 0 || sendto(s.fd, pkt, total, MSG_DONTWAIT, reinterpret_cast<sockaddr*>(&s.remote),
                            sizeof s.remote) != total) {
      sendErrors++;
      return;
    }
    s.index++;
    s.ts += 960;  // 20 ms at 48 kHz (Opus)
    s.sent++;
  }

  void Run() {
    epoll_event events[256];
    while (running.load()) {
      uint64_t expirations = 0;
      if (read(timerFd, &expirations, sizeof expirations) < 0 && errno != EAGAIN && errno != EINTR) break;
      std::lock_guard<std::mutex> lock(mu);
      ticks++;
      if (expirations > 1) lateTicks++;
      for (;;) {
        int n = epoll_wait(sockEp, events, 256, 0);
        for (int i = 0; i < n; i++) {
          uint32_t idx = events[i].data.u32;
          if (idx < streams.size() && streams[idx].live) ReadAll(idx);
        }
        if (n < 256) break;
      }
      int64_t now = MonotonicNs();
      for (uint32_t idx = 0; idx < streams.size(); idx++) {
        Stream& s = streams[idx];
        if (!s.live || !s.sending || s.nextSendNs > now) continue;
        Send(idx, s);
        s.nextSendNs += intervalNs;
        // Fell behind by more than an interval: like a timer, it does not send the missed packets in a burst.
        if (s.nextSendNs <= now) {
          s.slipped++;
          s.nextSendNs = now + intervalNs;
        }
      }
    }
  }
};

Pump* pump = nullptr;

// --- N-API glue ---------------------------------------------------------------------------------------

napi_value Throw(napi_env env, const char* msg) {
  napi_throw_error(env, nullptr, msg);
  return nullptr;
}
napi_value Undefined(napi_env env) {
  napi_value v;
  napi_get_undefined(env, &v);
  return v;
}
napi_value Num(napi_env env, double x) {
  napi_value v;
  napi_create_double(env, x, &v);
  return v;
}
bool Args(napi_env env, napi_callback_info info, size_t want, napi_value* argv) {
  size_t argc = want;
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  if (argc < want) {
    napi_throw_type_error(env, nullptr, "missing arguments");
    return false;
  }
  return true;
}
bool GetNum(napi_env env, napi_value v, double* out) {
  if (napi_get_value_double(env, v, out) != napi_ok) {
    napi_throw_type_error(env, nullptr, "expected a number");
    return false;
  }
  return true;
}
// A Buffer of exactly `len` bytes (or at least `len` when atLeast).
bool GetBytes(napi_env env, napi_value v, size_t len, const uint8_t** out, size_t* got = nullptr) {
  void* data;
  size_t n;
  if (napi_get_buffer_info(env, v, &data, &n) != napi_ok || (got ? n < len : n != len)) {
    napi_throw_type_error(env, nullptr, "expected a Buffer of the right length");
    return false;
  }
  *out = static_cast<const uint8_t*>(data);
  if (got) *got = n;
  return true;
}
napi_value Bytes(napi_env env, const uint8_t* p, size_t n) {
  napi_value v;
  void* data;
  napi_create_buffer_copy(env, n, p, &data, &v);
  return v;
}
void Set(napi_env env, napi_value obj, const char* key, napi_value v) { napi_set_named_property(env, obj, key, v); }

Stream* LiveStream(napi_env env, double idx) {
  if (!pump || idx < 0 || idx >= pump->streams.size() || !pump->streams[size_t(idx)].live) {
    Throw(env, "no such stream");
    return nullptr;
  }
  return &pump->streams[size_t(idx)];
}

// start(payloadBytes, intervalMs, tickUs)
napi_value Start(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  if (!Args(env, info, 3, argv)) return nullptr;
  double payload, intervalMs, tickUs;
  if (!GetNum(env, argv[0], &payload) || !GetNum(env, argv[1], &intervalMs) || !GetNum(env, argv[2], &tickUs)) {
    return nullptr;
  }
  if (pump) return Throw(env, "pump already started");
  if (payload < kMinPayload || payload > kMaxPayload) return Throw(env, "payload bytes out of range");
  if (intervalMs < 1 || intervalMs > 1000 || tickUs < 100 || tickUs > 20'000) return Throw(env, "interval or tick out of range");
  Pump* p = new Pump();
  p->payloadBytes = int(payload);
  p->intervalNs = int64_t(intervalMs * 1e6);
  p->tickNs = int64_t(tickUs * 1e3);
  p->timerFd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
  p->sockEp = epoll_create1(EPOLL_CLOEXEC);
  itimerspec spec{{0, long(p->tickNs)}, {0, long(p->tickNs)}};
  if (p->timerFd < 0 || p->sockEp < 0 || timerfd_settime(p->timerFd, 0, &spec, nullptr) < 0) {
    delete p;
    return Throw(env, "cannot create the pump's timer or epoll");
  }
  pump = p;
  p->running = true;
  p->thread = std::thread([p] { p->Run(); });
  return Undefined(env);
}

// add(fd, remoteIp, remotePort, ssrc, payloadType, localKey, localSalt, remoteKey, remoteSalt, sending) -> index
napi_value Add(napi_env env, napi_callback_info info) {
  napi_value argv[10];
  if (!Args(env, info, 10, argv)) return nullptr;
  if (!pump) return Throw(env, "pump not started");
  double fd, port, ssrc, pt;
  char ip[64];
  size_t ipLen;
  if (!GetNum(env, argv[0], &fd) || !GetNum(env, argv[2], &port) || !GetNum(env, argv[3], &ssrc) ||
      !GetNum(env, argv[4], &pt)) {
    return nullptr;
  }
  if (napi_get_value_string_utf8(env, argv[1], ip, sizeof ip, &ipLen) != napi_ok) return Throw(env, "bad address");
  const uint8_t *lk, *ls, *rk, *rs;
  size_t lsLen, rsLen;
  if (!GetBytes(env, argv[5], 16, &lk) || !GetBytes(env, argv[6], 12, &ls, &lsLen) || !GetBytes(env, argv[7], 16, &rk) ||
      !GetBytes(env, argv[8], 12, &rs, &rsLen)) {
    return nullptr;
  }
  bool sending;
  napi_get_value_bool(env, argv[9], &sending);
  Stream s;
  s.fd = int(fd);
  s.remote.sin_family = AF_INET;
  s.remote.sin_port = htons(uint16_t(port));
  if (inet_pton(AF_INET, ip, &s.remote.sin_addr) != 1) return Throw(env, "remote address is not IPv4");
  s.ssrc = uint32_t(ssrc);
  s.pt = uint8_t(pt);
  s.enc = new Gcm(lk, ls, true);
  s.dec = new Gcm(rk, rs, false);
  int on = 1;
  setsockopt(s.fd, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof on);
  std::lock_guard<std::mutex> lock(pump->mu);
  uint32_t idx = uint32_t(pump->streams.size());
  s.index = 1 + (pump->rng() % 1000);
  s.ts = uint32_t(pump->rng());
  s.sending = sending;
  s.nextSendNs = MonotonicNs() + pump->Phase();
  s.live = true;
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.u32 = idx;
  if (epoll_ctl(pump->sockEp, EPOLL_CTL_ADD, s.fd, &ev) < 0) {
    delete s.enc;
    delete s.dec;
    return Throw(env, "cannot poll the socket");
  }
  pump->streams.push_back(s);
  return Num(env, idx);
}

// remove(index): stops reading and sending on its socket; call before the socket is closed.
napi_value Remove(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  double idx;
  if (!Args(env, info, 1, argv) || !GetNum(env, argv[0], &idx)) return nullptr;
  if (!pump) return Undefined(env);
  std::lock_guard<std::mutex> lock(pump->mu);
  if (idx < 0 || idx >= pump->streams.size()) return Undefined(env);
  Stream& s = pump->streams[size_t(idx)];
  if (!s.live) return Undefined(env);
  epoll_ctl(pump->sockEp, EPOLL_CTL_DEL, s.fd, nullptr);
  s.live = false;
  delete s.enc;
  delete s.dec;
  s.enc = s.dec = nullptr;
  return Undefined(env);
}

// sending(index, on): a stream starts (at a random point of its interval) or stops sending.
napi_value Sending(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  double idx;
  bool on;
  if (!Args(env, info, 2, argv) || !GetNum(env, argv[0], &idx)) return nullptr;
  napi_get_value_bool(env, argv[1], &on);
  if (!pump) return Throw(env, "pump not started");
  std::lock_guard<std::mutex> lock(pump->mu);
  Stream* s = LiveStream(env, idx);
  if (!s) return nullptr;
  if (on && !s->sending) s->nextSendNs = MonotonicNs() + pump->Phase();
  s->sending = on;
  return Undefined(env);
}

// echoed(index): echoes received since the stream was added.
napi_value Echoed(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  double idx;
  if (!Args(env, info, 1, argv) || !GetNum(env, argv[0], &idx)) return nullptr;
  if (!pump) return Throw(env, "pump not started");
  std::lock_guard<std::mutex> lock(pump->mu);
  Stream* s = LiveStream(env, idx);
  return s ? Num(env, double(s->echoed)) : nullptr;
}

// mark(): the window starts: per-stream counts from here, round trips collected from here.
napi_value Mark(napi_env env, napi_callback_info) {
  if (!pump) return Throw(env, "pump not started");
  std::lock_guard<std::mutex> lock(pump->mu);
  for (Stream& s : pump->streams) {
    s.sent0 = s.sent;
    s.echoed0 = s.echoed;
  }
  pump->rttMs.clear();
  pump->measuring = true;
  return Undefined(env);
}

napi_value NumArray(napi_env env, const std::vector<double>& xs) {
  napi_value arr;
  napi_create_array_with_length(env, xs.size(), &arr);
  for (size_t i = 0; i < xs.size(); i++) napi_set_element(env, arr, uint32_t(i), Num(env, xs[i]));
  return arr;
}

// report(): per stream index (removed ones too) sent, echoed and slips since mark; round trips; counters.
napi_value Report(napi_env env, napi_callback_info) {
  if (!pump) return Throw(env, "pump not started");
  std::vector<double> sent, echoed, slipped, live, rtt;
  napi_value out;
  napi_create_object(env, &out);
  {
    std::lock_guard<std::mutex> lock(pump->mu);
    pump->measuring = false;
    for (const Stream& s : pump->streams) {
      sent.push_back(double(s.sent - s.sent0));
      echoed.push_back(double(s.echoed - s.echoed0));
      slipped.push_back(double(s.slipped));
      live.push_back(s.live ? 1 : 0);
    }
    rtt.swap(pump->rttMs);
    Set(env, out, "rtcp", Num(env, double(pump->rtcp)));
    Set(env, out, "unauthentic", Num(env, double(pump->unauthentic)));
    Set(env, out, "foreign", Num(env, double(pump->foreign)));
    Set(env, out, "queueDropped", Num(env, double(pump->queueDropped)));
    Set(env, out, "sendErrors", Num(env, double(pump->sendErrors)));
    Set(env, out, "ticks", Num(env, double(pump->ticks)));
    Set(env, out, "lateTicks", Num(env, double(pump->lateTicks)));
  }
  Set(env, out, "sent", NumArray(env, sent));
  Set(env, out, "echoed", NumArray(env, echoed));
  Set(env, out, "slipped", NumArray(env, slipped));
  Set(env, out, "live", NumArray(env, live));
  napi_value ab, f64;
  void* data;
  napi_create_arraybuffer(env, rtt.size() * sizeof(double), &data, &ab);
  if (!rtt.empty()) memcpy(data, rtt.data(), rtt.size() * sizeof(double));
  napi_create_typedarray(env, napi_float64_array, rtt.size(), ab, 0, &f64);
  Set(env, out, "rttMs", f64);
  return out;
}

// drain(): the STUN and DTLS datagrams received since the last call, as [stream, data, address, port].
napi_value Drain(napi_env env, napi_callback_info) {
  if (!pump) return Throw(env, "pump not started");
  std::vector<Queued> q;
  {
    std::lock_guard<std::mutex> lock(pump->mu);
    q.swap(pump->queued);
  }
  napi_value arr;
  napi_create_array_with_length(env, q.size(), &arr);
  for (size_t i = 0; i < q.size(); i++) {
    napi_value item, addr;
    napi_create_array_with_length(env, 4, &item);
    napi_set_element(env, item, 0, Num(env, q[i].stream));
    napi_set_element(env, item, 1, Bytes(env, reinterpret_cast<const uint8_t*>(q[i].data.data()), q[i].data.size()));
    napi_create_string_utf8(env, q[i].address.c_str(), q[i].address.size(), &addr);
    napi_set_element(env, item, 2, addr);
    napi_set_element(env, item, 3, Num(env, q[i].port));
    napi_set_element(env, arr, uint32_t(i), item);
  }
  return arr;
}

// stop(): the thread ends within a tick; every stream is removed (their sockets stay JavaScript's).
napi_value Stop(napi_env env, napi_callback_info) {
  if (!pump) return Undefined(env);
  pump->running = false;
  pump->thread.join();
  for (Stream& s : pump->streams) {
    delete s.enc;
    delete s.dec;
  }
  close(pump->timerFd);
  close(pump->sockEp);
  delete pump;
  pump = nullptr;
  return Undefined(env);
}

// --- Pure parts, exported for the unit test: the same code the pump sends and receives with. ---

// buildPacket(payloadBytes, pt, seq, ts, ssrc, stream, number, sendNs) -> plain RTP
napi_value BuildPacketJs(napi_env env, napi_callback_info info) {
  napi_value argv[8];
  double a[8];
  if (!Args(env, info, 8, argv)) return nullptr;
  for (int i = 0; i < 8; i++) if (!GetNum(env, argv[i], &a[i])) return nullptr;
  if (a[0] < kMinPayload || a[0] > kMaxPayload) return Throw(env, "payload bytes out of range");
  uint8_t pkt[kHeader + kMaxPayload];
  int len = BuildPacket(pkt, int(a[0]), uint8_t(a[1]), uint16_t(a[2]), uint32_t(a[3]), uint32_t(a[4]),
                        uint32_t(a[5]), uint32_t(a[6]), int64_t(a[7]));
  return Bytes(env, pkt, len);
}

// readPayload(payload) -> { stream, number, sendNs } or null
napi_value ReadPayloadJs(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  const uint8_t* p;
  size_t n;
  if (!Args(env, info, 1, argv) || !GetBytes(env, argv[0], 0, &p, &n)) return nullptr;
  Payload r = ReadPayload(p, int(n));
  if (!r.ok) {
    napi_value v;
    napi_get_null(env, &v);
    return v;
  }
  napi_value out;
  napi_create_object(env, &out);
  Set(env, out, "stream", Num(env, r.stream));
  Set(env, out, "number", Num(env, r.number));
  Set(env, out, "sendNs", Num(env, double(r.sendNs)));
  return out;
}

// gcmProtect(key, salt, rtp, roc) -> srtp
napi_value GcmProtectJs(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  const uint8_t *key, *salt, *rtp;
  size_t saltLen, rtpLen;
  double roc;
  if (!Args(env, info, 4, argv) || !GetBytes(env, argv[0], 16, &key) || !GetBytes(env, argv[1], 12, &salt, &saltLen) ||
      !GetBytes(env, argv[2], kHeader, &rtp, &rtpLen) || !GetNum(env, argv[3], &roc)) {
    return nullptr;
  }
  if (rtpLen + kTag > kMaxDatagram) return Throw(env, "packet too long");
  int off = PayloadOffset(rtp, int(rtpLen));
  if (off < 0) return Throw(env, "not an RTP packet");
  uint8_t buf[kMaxDatagram];
  memcpy(buf, rtp, rtpLen);
  Gcm gcm(key, salt, true);
  int n = gcm.Protect(buf, int(rtpLen), off, uint32_t(roc));
  if (n < 0) return Throw(env, "encryption failed");
  return Bytes(env, buf, n);
}

// gcmUnprotect(key, salt, srtp, roc) -> plain RTP, or null when it does not authenticate
napi_value GcmUnprotectJs(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  const uint8_t *key, *salt, *srtp;
  size_t saltLen, len;
  double roc;
  if (!Args(env, info, 4, argv) || !GetBytes(env, argv[0], 16, &key) || !GetBytes(env, argv[1], 12, &salt, &saltLen) ||
      !GetBytes(env, argv[2], 0, &srtp, &len) || !GetNum(env, argv[3], &roc)) {
    return nullptr;
  }
  napi_value none;
  napi_get_null(env, &none);
  if (len < kHeader + kTag || len > kMaxDatagram) return none;
  uint8_t buf[kMaxDatagram];
  memcpy(buf, srtp, len);
  Gcm gcm(key, salt, false);
  int n = gcm.Unprotect(buf, int(len), uint32_t(roc));
  return n < 0 ? none : Bytes(env, buf, n);
}

napi_value Init(napi_env env, napi_value exports) {
  const struct {
    const char* name;
    napi_callback fn;
  } fns[] = {
      {"start", Start},           {"add", Add},
      {"remove", Remove},         {"sending", Sending},
      {"echoed", Echoed},         {"mark", Mark},
      {"report", Report},         {"drain", Drain},
      {"stop", Stop},             {"buildPacket", BuildPacketJs},
      {"readPayload", ReadPayloadJs}, {"gcmProtect", GcmProtectJs},
      {"gcmUnprotect", GcmUnprotectJs},
  };
  for (const auto& f : fns) {
    napi_value v;
    napi_create_function(env, f.name, NAPI_AUTO_LENGTH, f.fn, nullptr, &v);
    napi_set_named_property(env, exports, f.name, v);
  }
  return exports;
}

}  // namespace

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
