#include "discovery/keccak.hpp"

#include <bit>

namespace wakufleet::discovery {

namespace {

constexpr std::size_t kRate = 136;  // bytes absorbed per permutation: 1600 - 2*256 bits

constexpr std::array<std::uint64_t, 24> kRoundConstants = {
    0x0000000000000001ULL, 0x0000000000008082ULL, 0x800000000000808AULL, 0x8000000080008000ULL,
    0x000000000000808BULL, 0x0000000080000001ULL, 0x8000000080008081ULL, 0x8000000000008009ULL,
    0x000000000000008AULL, 0x0000000000000088ULL, 0x0000000080008009ULL, 0x000000008000000AULL,
    0x000000008000808BULL, 0x800000000000008BULL, 0x8000000000008089ULL, 0x8000000000008003ULL,
    0x8000000000008002ULL, 0x8000000000000080ULL, 0x000000000000800AULL, 0x800000008000000AULL,
    0x8000000080008081ULL, 0x8000000000008080ULL, 0x0000000080000001ULL, 0x8000000080008008ULL,
};

// Rotation offsets of the rho step, lane (x, y) at index x + 5y.
constexpr std::array<int, 25> kRotations = {0,  1,  62, 28, 27, 36, 44, 6,  55, 20, 3,  10, 43,
                                            25, 39, 41, 45, 15, 21, 8,  18, 2,  61, 56, 14};

using State = std::array<std::uint64_t, 25>;

void theta(State& a) {
  std::array<std::uint64_t, 5> column{};
  for (int x = 0; x < 5; ++x) column[x] = a[x] ^ a[x + 5] ^ a[x + 10] ^ a[x + 15] ^ a[x + 20];
  for (int x = 0; x < 5; ++x) {
    std::uint64_t d = column[(x + 4) % 5] ^ std::rotl(column[(x + 1) % 5], 1);
    for (int y = 0; y < 25; y += 5) a[x + y] ^= d;
  }
}

// rho and pi together: rotate each lane and move (x, y) to (y, 2x + 3y).
State rho_pi(const State& a) {
  State b{};
  for (int x = 0; x < 5; ++x)
    for (int y = 0; y < 5; ++y) b[y + 5 * ((2 * x + 3 * y) % 5)] = std::rotl(a[x + 5 * y], kRotations[x + 5 * y]);
  return b;
}

void chi(State& a, const State& b) {
  for (int y = 0; y < 25; y += 5)
    for (int x = 0; x < 5; ++x) a[x + y] = b[x + y] ^ (~b[(x + 1) % 5 + y] & b[(x + 2) % 5 + y]);
}

void keccak_f1600(State& a) {
  for (std::uint64_t constant : kRoundConstants) {
    theta(a);
    chi(a, rho_pi(a));
    a[0] ^= constant;  // iota
  }
}

// Lanes are little-endian 64-bit words.
void absorb_block(State& a, const std::uint8_t* block) {
  for (std::size_t lane = 0; lane < kRate / 8; ++lane) {
    std::uint64_t word = 0;
    for (int i = 7; i >= 0; --i) word = (word << 8) | block[lane * 8 + static_cast<std::size_t>(i)];
    a[lane] ^= word;
  }
  keccak_f1600(a);
}

}  // namespace

Hash256 keccak256(ByteView data) {
  State state{};
  std::size_t offset = 0;
  for (; data.size() - offset >= kRate; offset += kRate) absorb_block(state, data.data() + offset);

  // Last block: the remaining bytes, then Keccak's pad10*1 with domain bit 0x01.
  std::array<std::uint8_t, kRate> last{};
  std::size_t rest = data.size() - offset;
  for (std::size_t i = 0; i < rest; ++i) last[i] = data[offset + i];
  last[rest] ^= 0x01;
  last[kRate - 1] ^= 0x80;
  absorb_block(state, last.data());

  Hash256 out{};
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = static_cast<std::uint8_t>(state[i / 8] >> (8 * (i % 8)));
  return out;
}

}  // namespace wakufleet::discovery
