// The RFC 4648 encodings of ENR texts and DNS tree names, both without padding:
// base64url ("enr:..." records, root signatures) and base32 (hash labels, tree keys).
#pragma once

#include <string>

#include "discovery/bytes.hpp"
#include "util/result.hpp"

namespace wakufleet::discovery {

std::string base64url_encode(ByteView data);
util::Result<Bytes> base64url_decode(std::string_view text);

std::string base32_encode(ByteView data);
util::Result<Bytes> base32_decode(std::string_view text);

}  // namespace wakufleet::discovery
