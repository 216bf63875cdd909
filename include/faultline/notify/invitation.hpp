// The meeting invitation by e-mail (iMIP, RFC 6047): a multipart/alternative mail with a plain
// text part and the iCalendar object, the shape Outlook and Exchange send. Pure.
#pragma once

#include <chrono>
#include <string_view>

#include "faultline/config/config.hpp"
#include "faultline/core/calendar.hpp"
#include "faultline/notify/mail.hpp"
#include "faultline/util/error.hpp"

namespace faultline::notify {

// The Message-ID of the invitation mail for one version of a meeting: unique per (uid,
// sequence, method), the same for the same triple on every run (a re-send after a lost answer
// is recognisable). "<faultline.<32 hex>@<domain of from>>".
std::string invitation_message_id(const core::CalendarEvent& event, std::string_view from);

// The invitation mail for `event` on the e-mail `channel`: From = channel.from (also the
// organizer when event.organizer.email is empty), To = the invited attendees' addresses
// (core::invited_attendees), Subject = event.summary ("Cancelled: " first for a CANCEL; RFC 2047
// when not ASCII), Date = `now`, invitation_message_id, MIME-Version, and a
// multipart/alternative body: `plain_text` as text/plain (UTF-8, base64) and
// core::write_icalendar's output as text/calendar; method=REQUEST|CANCEL; charset=UTF-8
// (base64). The boundary comes from a hash of the parts and never occurs in them. CRLF line
// endings; the SMTP password is only in envelope.password. Error (Config) when the channel has
// no sender or no attendee has an address.
Result<MailEnvelope> build_invitation_mail(const config::Channel& channel, const core::CalendarEvent& event,
                                           std::string_view plain_text,
                                           std::chrono::system_clock::time_point now);

}  // namespace faultline::notify
