// Search excerpts as plain text (private to the confluence module).
#pragma once

#include <string>
#include <string_view>

namespace faultline::confluence::detail {

// A /rest/api/search excerpt or title as plain text: the @@@hl@@@ / @@@endhl@@@ highlight
// markers and HTML tags removed, then entities decoded (&amp; &lt; &gt; &quot; &apos; &nbsp;
// a few typographic names, &#NNN; &#xHH;; unknown ones stay as written), control characters
// dropped and whitespace (no-break space included) collapsed to single spaces, trimmed.
// Tags go before entities are decoded, so an escaped "&lt;b&gt;" stays visible text.
std::string plain_excerpt(std::string_view excerpt);

}  // namespace faultline::confluence::detail
