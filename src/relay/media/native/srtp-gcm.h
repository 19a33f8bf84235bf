// SRTP with AEAD_AES_128_GCM (RFC 7714) for the native echo: one direction of one session, with the key
// schedule made once (OpenSSL's EVP context keeps it; only the IV changes per packet). The same layout and
// rollover-counter rules as src/relay/media/srtp.ts, which the lean echo uses: a packet a user's browser
// sends is refused unless its header fits, it is at most the size cap, and its tag verifies.
#pragma once
#include <openssl/evp.h>
#include <stdint.h>
#include <string.h>

namespace svc {

constexpr int kRtpHeader = 12;
constexpr int kGcmTag = 16;

// Where an RTP packet's payload starts, or -1 when its header does not fit in `end` bytes or it is not
// RTP version 2. Reads at most four fixed fields: no loop over anything the sender chose.
inline int RtpPayloadOffset(const uint8_t* p, int end) {
  if (end < kRtpHeader || (p[0] >> 6) != 2) return -1;
  int offset = kRtpHeader + 4 * (p[0] & 0x0f);
  if (p[0] & 0x10) {
    if (offset + 4 > end) return -1;
    offset += 4 + 4 * ((p[offset + 2] << 8) | p[offset + 3]);
  }
  return offset <= end ? offset : -1;
}

// RFC 3550 / 5761 demultiplexing: RTP starts with 128-191 and its second byte is outside RTCP's 192-223.
inline bool IsRtp(const uint8_t* p, int len) {
  return len >= kRtpHeader && p[0] >= 128 && p[0] <= 191 && !(p[1] >= 192 && p[1] <= 223);
}

// RFC 3711 §3.3.1: the packet index's rollover counter, estimated from the highest sequence number seen,
// committed only once a packet proved authentic (srtp.ts RolloverCounter).
struct Rollover {
  int64_t roc = 0;
  int32_t highest = -1;

  int64_t Estimate(int seq) const {
    if (highest < 0) return 0;
    if (highest < 0x8000) return seq - highest > 0x8000 ? roc - 1 : roc;
    return highest - 0x8000 > seq ? roc + 1 : roc;
  }
  void Commit(int seq, int64_t r) {
    if (highest < 0 || r > roc) {
      roc = r;
      highest = seq;
    } else if (r == roc && seq > highest) {
      highest = seq;
    }
  }
};

class GcmDirection {
 public:
  GcmDirection() = default;
  GcmDirection(const GcmDirection&) = delete;
  GcmDirection& operator=(const GcmDirection&) = delete;
  ~GcmDirection() {
    if (ctx_) EVP_CIPHER_CTX_free(ctx_);
  }

  // key: 16 bytes; salt: the first 12 bytes are used. `encrypt` picks the direction for good.
  bool Init(const uint8_t* key, const uint8_t* salt, bool encrypt) {
    encrypt_ = encrypt;
    memcpy(salt_, salt, 12);
    ctx_ = EVP_CIPHER_CTX_new();
    if (!ctx_) return false;
    return encrypt ? EVP_EncryptInit_ex(ctx_, EVP_aes_128_gcm(), nullptr, key, nullptr) == 1
                   : EVP_DecryptInit_ex(ctx_, EVP_aes_128_gcm(), nullptr, key, nullptr) == 1;
  }

  // Decrypts packet[0, len) in place when it authenticates; returns the plain packet's length (without
  // the tag) and sets payload offset and ROC, or -1 (the datagram is then no use to anyone).
  int Unprotect(uint8_t* p, int len, Rollover* rollover, int* payload_offset, int64_t* roc_out) {
    int end = len - kGcmTag;
    int payload = RtpPayloadOffset(p, end);
    if (payload < 0) return -1;
    int seq = (p[2] << 8) | p[3];
    int64_t roc = rollover->Estimate(seq);
    if (roc < 0) return -1;
    Iv(p, roc);
    int n = 0;
    if (EVP_DecryptInit_ex(ctx_, nullptr, nullptr, nullptr, iv_) != 1) return -1;
    if (EVP_DecryptUpdate(ctx_, nullptr, &n, p, payload) != 1) return -1;
    if (end > payload && EVP_DecryptUpdate(ctx_, p + payload, &n, p + payload, end - payload) != 1) return -1;
    if (EVP_CIPHER_CTX_ctrl(ctx_, EVP_CTRL_GCM_SET_TAG, kGcmTag, p + end) != 1) return -1;
    if (EVP_DecryptFinal_ex(ctx_, p + end, &n) != 1) return -1;
    rollover->Commit(seq, roc);
    *payload_offset = payload;
    *roc_out = roc;
    return end;
  }

  // Encrypts the plain packet p[0, end) in place and writes the tag at p[end] (the buffer holds it).
  bool Protect(uint8_t* p, int end, int payload, int64_t roc) {
    Iv(p, roc);
    int n = 0;
    if (EVP_EncryptInit_ex(ctx_, nullptr, nullptr, nullptr, iv_) != 1) return false;
    if (EVP_EncryptUpdate(ctx_, nullptr, &n, p, payload) != 1) return false;
    if (end > payload && EVP_EncryptUpdate(ctx_, p + payload, &n, p + payload, end - payload) != 1) return false;
    uint8_t none[16];
    if (EVP_EncryptFinal_ex(ctx_, none, &n) != 1) return false;
    return EVP_CIPHER_CTX_ctrl(ctx_, EVP_CTRL_GCM_GET_TAG, kGcmTag, p + end) == 1;
  }

 private:
  // RFC 7714 §8.1: salt XOR (0, 0, SSRC, ROC, SEQ).
  void Iv(const uint8_t* p, int64_t roc) {
    uint8_t x[12] = {0};
    memcpy(x + 2, p + 8, 4);
    uint32_t r = static_cast<uint32_t>(roc);
    x[6] = r >> 24;
    x[7] = r >> 16;
    x[8] = r >> 8;
    x[9] = r;
    x[10] = p[2];
    x[11] = p[3];
    for (int i = 0; i < 12; i++) iv_[i] = x[i] ^ salt_[i];
  }

  EVP_CIPHER_CTX* ctx_ = nullptr;
  bool encrypt_ = false;
  uint8_t salt_[12] = {0};
  uint8_t iv_[12] = {0};
};

}  // namespace svc
