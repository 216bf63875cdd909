// Input text checked at the edge: UTF-8, no NUL.
#include "faultline/core/text_input.hpp"

#include <fmt/format.h>

#include "faultline/core/utf8.hpp"

namespace faultline::core {

std::optional<TextFlaw> find_text_flaw(std::string_view text) {
  constexpr std::string_view k_encoded_replacement = "\xEF\xBF\xBD";  // a genuine U+FFFD
  std::size_t line = 1;
  std::size_t column = 1;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t start = pos;
    const char32_t cp = next_code_point(text, pos);
    const bool invalid = cp == k_replacement_char && text.substr(start, pos - start) != k_encoded_replacement;
    if (invalid || cp == 0) {
      return TextFlaw{invalid ? TextFlaw::Kind::InvalidUtf8 : TextFlaw::Kind::Nul, start, line, column,
                      static_cast<unsigned char>(text[start])};
    }
    if (cp == U'\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return std::nullopt;
}

std::string describe_flaw(const TextFlaw& flaw) {
  if (flaw.kind == TextFlaw::Kind::Nul) return "a NUL byte (0x00)";
  return fmt::format("byte {:#04x} is not valid UTF-8", flaw.byte);
}

Result<void> check_text_file(std::string_view text, std::string_view source, ErrorKind kind) {
  const auto flaw = find_text_flaw(text);
  if (!flaw) return {};
  const std::string where = fmt::format("{}:{}:{}", source, flaw->line, flaw->column);
  if (flaw->kind == TextFlaw::Kind::Nul) {
    return fail(kind, fmt::format("{}: {} is not text; faultline refuses it rather than drop it", where, describe_flaw(*flaw)),
                "remove the NUL bytes (tr -d '\\000' < FILE > FILE.new), and check what wrote them");
  }
  return fail(kind, fmt::format("{}: {}; faultline reads text as UTF-8", where, describe_flaw(*flaw)),
              "save it as UTF-8 (e.g. iconv -f LATIN1 -t UTF-8 FILE > FILE.new)");
}

Result<void> check_argument_text(std::string_view text, std::size_t position, std::string_view option) {
  const auto flaw = find_text_flaw(text);
  if (!flaw) return {};
  const std::string which = option.empty() ? fmt::format("argument {}", position)
                                           : fmt::format("argument {} ({})", position, option);
  const std::string what = flaw->kind == TextFlaw::Kind::Nul
                               ? fmt::format("holds a NUL byte at offset {}", flaw->offset)
                               : fmt::format("is not valid UTF-8 (byte {:#04x} at offset {})", flaw->byte, flaw->offset);
  return fail(ErrorKind::Usage, fmt::format("{} {}; faultline needs UTF-8 text", which, what),
              "check the terminal's or the script's encoding (LANG=C.UTF-8, or a UTF-8 locale)");
}

}  // namespace faultline::core
