#!/usr/bin/env bash
# The README demo: starts the bundled sandbox (Jira + Confluence + chat emulator), points
# faultline at it, and walks the whole fault process: open, update, roll back, recover,
# review, actions, the board, the reminders and the statistics of a year. Needs no Atlassian
# account. The review file, the rendered report, the charts and the workbook stay in
# $DEMO_DIR (default: a new folder under /tmp), printed at the end.
#   scripts/demo.sh BUILD_DIR [cloud|datacenter]
set -euo pipefail
build="$(cd "${1:?usage: scripts/demo.sh BUILD_DIR [cloud|datacenter]}" && pwd)"
flavor="${2:-cloud}"
faultline="$build/faultline"
sandbox="$build/tests/sandbox/faultline-sandbox"

work="${DEMO_DIR:-$(mktemp -d -t faultline-demo-XXXXXX)}"
mkdir -p "$work"
sandbox_pid=""
cleanup() {
  [ -n "$sandbox_pid" ] && kill "$sandbox_pid" 2>/dev/null && wait "$sandbox_pid" 2>/dev/null || true
}
trap cleanup EXIT

# Prints a heading and the command as a person would type it (arguments with spaces quoted).
step() {
  printf '\n\033[1m== %s\033[0m\n$' "$1"
  shift
  for arg in "$@"; do
    case "$arg" in *" "*) printf ' "%s"' "$arg" ;; *) printf ' %s' "$arg" ;; esac
  done
  printf '\n'
}

"$sandbox" --flavor "$flavor" --port 0 --token demo-token >"$work/sandbox.out" 2>"$work/sandbox.err" &
sandbox_pid=$!
for _ in $(seq 100); do
  [ -s "$work/sandbox.out" ] && break
  sleep 0.05
done
base="$(head -n 1 "$work/sandbox.out")"
for _ in $(seq 100); do
  [ "$(wc -l <"$work/sandbox.out")" -ge 2 ] && break
  sleep 0.05
done
smtp="$(sed -n 2p "$work/sandbox.out")"  # the sandbox's SMTP capture: the review invitations land there
[ -n "$base" ] || { echo "demo: the sandbox did not start:" >&2; cat "$work/sandbox.err" >&2; exit 1; }
echo "sandbox ($flavor) at $base — issues at $base/browse/FAULT-1, ..."

if [ "$flavor" = cloud ]; then
  user="oncall@example.com"; confluence="$base/wiki"
else
  user="oncall"; confluence="$base/confluence"
fi
export DEMO_JIRA_TOKEN=demo-token NO_PROXY="127.0.0.1,localhost${NO_PROXY:+,$NO_PROXY}" no_proxy="127.0.0.1,localhost${no_proxy:+,$no_proxy}"
cd "$work"

step "Discover the site and write a config" \
  faultline init --non-interactive --jira-url "$base" --user "$user" --token-env DEMO_JIRA_TOKEN \
  --project FAULT --space OPS --confluence-url "$confluence" --output faultline.toml
"$faultline" init --non-interactive --jira-url "$base" --user "$user" --token-env DEMO_JIRA_TOKEN \
  --project FAULT --space OPS --confluence-url "$confluence" --output faultline.toml
sed -n '1,200p' faultline.toml

step "Check every dependency" faultline doctor
"$faultline" doctor

# The team's coordinator and a chat channel: the sandbox's generic hook stands in for WeCom,
# DingTalk, Feishu, Slack or Teams (its URL is a secret, read from the environment).
sed -i 's/^# coordinator = "dave"/coordinator = "dave"/' faultline.toml
cat >>faultline.toml <<TOML

[channels.availability]
kind = "generic"
url_env = "DEMO_AVAILABILITY_HOOK"

# The review invitations: the sandbox captures the mail (a relay on loopback may be plain SMTP).
[channels.reliability-mail]
kind = "email"
smtp_url = "$smtp"
from = "Faultline <faultline@example.com>"
to = ["reliability@example.com"]

# Each P1 gets its own response room: the sandbox emulates Slack's Web API (a bot token).
[rooms]
platform = "slack"
url = "$base/rooms/slack"
token_env = "DEMO_SLACK_BOT_TOKEN"
levels = ["P1"]
invite = ["handler", "coordinator", "team"]

[teams.payments]
lead = "dave"
members = ["alice", "bob"]

[routes]
"fault.opened" = ["availability"]
"fault.updated" = ["availability", "room"]
"fault.recovered" = ["availability", "room"]
"review.published" = ["availability", "room"]
"room.opened" = ["availability"]
"review.scheduled" = ["reliability-mail", "room"]
"actions.overdue" = ["availability"]
"fault.stale" = ["availability"]
"review.overdue" = ["availability"]
"report.published" = ["availability"]

[people.dave]
jira = "$( [ "$flavor" = cloud ] && echo 5b10a2844c20165700ede21d || echo dave )"
email = "dave@example.com"
slack = "U0DAVE"

[people.alice]
jira = "$( [ "$flavor" = cloud ] && echo 5b10a2844c20165700ede21a || echo alice )"
email = "alice@example.com"
slack = "U0ALICE"

[people.bob]
jira = "$( [ "$flavor" = cloud ] && echo 5b10a2844c20165700ede21b || echo bob )"
email = "bob@example.com"
TOML
export DEMO_AVAILABILITY_HOOK="$base/hooks/generic/availability" DEMO_SLACK_BOT_TOKEN=sandbox-slack-bot-token

step "The merged config, where each value came from (the token and the hook URL are masked)" faultline config show
"$faultline" config show

step "A P1 is confirmed: open it; it gets its own Slack room (bob has no Slack id: a warning, not a failure)" \
  faultline open --title "Checkout returns 500 for card payments" --level P1 --type "Code Defect" \
  --source customer --team payments --service checkout --started-at -20m --dedupe-key checkout-500
"$faultline" open --title "Checkout returns 500 for card payments" --level P1 --type "Code Defect" \
  --source customer --team payments --service checkout --started-at -20m --dedupe-key checkout-500
key="$("$faultline" list --json | sed -n 's/.*"key": *"\(FAULT-[0-9]*\)".*/\1/p' | head -n 1)"

step "The same alert fires again: no second fault, a comment on the first" \
  faultline open --title "Checkout returns 500 for card payments" --level P1 --dedupe-key checkout-500 --json
"$faultline" open --title "Checkout returns 500 for card payments" --level P1 --dedupe-key checkout-500 --json

step "Investigation: post progress" faultline update "$key" --status identified --cause "bad release 2.14.0" --eta 30m
"$faultline" update "$key" --status identified --message "Card payments fail after the 2.14.0 release" \
  --cause "bad release 2.14.0" --eta 30m

step "CI rolls the release back (safe to re-run)" faultline rollback --service checkout --from 2.14.0 --to 2.13.2 --fault "$key"
GITHUB_ACTIONS=true GITHUB_REPOSITORY=acme/checkout GITHUB_SHA=4f2a9c1 GITHUB_RUN_ID=9001 GITHUB_RUN_ATTEMPT=1 \
  GITHUB_SERVER_URL=https://github.example.com GITHUB_ACTOR=release-bot \
  "$faultline" rollback --service checkout --from 2.14.0 --to 2.13.2 --fault "$key"

step "Service restored: record the recovery (the review is due within 24 hours)" \
  faultline recover "$key" --how rollback --rollback-to 2.13.2 --data-repair not-needed --impact "12% of card payments failed for 35 minutes"
"$faultline" recover "$key" --how rollback --rollback-to 2.13.2 --data-repair not-needed \
  --impact "12% of card payments failed for 35 minutes"

step "The review meeting, within the 24 hours: an iCalendar invitation by mail, posted to the room" \
  faultline review schedule "$key" --at +3h --participants alice
"$faultline" review schedule "$key" --at +3h --participants alice

step "Running it again sends nothing; a new time updates the same event (SEQUENCE 1)" \
  faultline review schedule "$key" --at +4h --participants alice
"$faultline" review schedule "$key" --at +3h --participants alice
"$faultline" review schedule "$key" --at +4h --participants alice

step "The invitation as the mail server got it (the calendar part, decoded)" curl "$base/_sandbox/mail"
curl -s "$base/_sandbox/mail" | python3 -c '
import base64, json, sys
mail = json.load(sys.stdin)["mails"][-1]
print("to:", ", ".join(mail["to"]))
data = mail["data"]
part = data[data.index("Content-Type: text/calendar"):]
body = part[part.index("\r\n\r\n") + 4:part.index("\r\n--")]
print(base64.b64decode(body).decode().replace("\r\n", "\n"), end="")'

step "The fault: facts, times, timeline" faultline show "$key"
"$faultline" show "$key"

step "All faults, open or not" faultline list --all
"$faultline" list --all

step "Within 24 hours: scaffold the review from Jira (facts, times, timeline)" faultline review init "$key" -o "$key.review.md"
"$faultline" review init "$key" -o "$key.review.md"

# The team writes the review: two owned, dated actions and a few sections.
awk '
/^\+\+\+$/ { n++; if (n == 2) {
  print "[[action]]"; print "summary = \"Canary the card tokenizer before a full rollout\""
  print "owner = \"alice\""; print "due = \"+7d\""; print "kind = \"prevent\""; print ""
  print "[[action]]"; print "summary = \"Alert when card payment errors pass 2% for 5 minutes\""
  print "owner = \"bob\""; print "due = \"+3d\""; print "kind = \"detect\""
} }
{ print }
/^## Trigger$/ { print ""; print "Release 2.14.0 cut the card tokenizer timeout from 5 s to 500 ms." }
/^## Detection$/ { print ""; print "Customers reported failed payments 20 minutes before any alert fired." }
/^## What went well$/ { print ""; print "The rollback took under five minutes from the decision." }
' "$key.review.md" >"$key.review.tmp" && mv "$key.review.tmp" "$key.review.md"
step "The review file, as it goes into git" cat "$key.review.md"
sed -n '1,40p' "$key.review.md"
echo "..."

step "Render it locally first (no writes)" faultline review render "$key" "$key.review.md" --format html -o report.html
"$faultline" review render "$key" "$key.review.md" --format html -o report.html

step "Publish: the Confluence page, the action sub-tasks, the link, the status, the chat post" \
  faultline review publish "$key" "$key.review.md"
page_url="$("$faultline" review publish "$key" "$key.review.md")"
echo "$page_url"

step "Publish again: nothing changed, so nothing is written" faultline review publish "$key" "$key.review.md" --json
"$faultline" review publish "$key" "$key.review.md" --json | grep -E '"(created|updated|version|status)"' | sort | uniq -c

step "An action found later, outside the review" \
  faultline actions add "$key" --summary "Document the rollback runbook for checkout" --owner alice --due +14d --kind process
"$faultline" actions add "$key" --summary "Document the rollback runbook for checkout" --owner alice --due +14d --kind process

step "The fault's actions" faultline actions list "$key"
"$faultline" actions list "$key"

# Days pass: bob's alert action slips past its due date (the sandbox's Jira is edited directly).
overdue_key="$("$faultline" actions list "$key" | awk -F '\t' '/payment errors/ { print $1; exit }')"
yesterday="$(date -u -d yesterday +%F)"
if [ "$flavor" = cloud ]; then
  curl -s -o /dev/null -u "$user:demo-token" -X PUT -H 'Content-Type: application/json' \
    "$base/rest/api/3/issue/$overdue_key" -d "{\"fields\":{\"duedate\":\"$yesterday\"}}"
else
  curl -s -o /dev/null -H "Authorization: Bearer demo-token" -X PUT -H 'Content-Type: application/json' \
    "$base/rest/api/2/issue/$overdue_key" -d "{\"fields\":{\"duedate\":\"$yesterday\"}}"
fi
echo "(a week later: $overdue_key was due $yesterday)"

step "Once per project: the Jira filters and board for the three lanes (safe to re-run)" faultline setup board
"$faultline" setup board

step "The board: faults, overdue actions, pending actions" faultline board
"$faultline" board

step "A CI gate on overdue actions (exit 10 when any)" faultline actions --overdue --fail-on-overdue
set +e
"$faultline" actions --overdue --fail-on-overdue
echo "exit code: $?"
set -e

step "The cron job: remind owners of overdue actions, stale faults, missed reviews" faultline remind
"$faultline" remind

step "Cron runs again: nothing is sent twice" faultline remind --json
"$faultline" remind --json | { grep -oE '"(reason|event)": *"[^"]*"' || true; } | sort | uniq -c

# A year of history, as a team that used faultline since last winter would have it: 1 to 9
# faults a month (levels, types, sources, teams, times to detect and recover, reviews on
# time, late or missing) and 1 to 11 releases a month as Jira versions. The
# sandbox takes it as one seed document (the Jira REST API would take it issue by issue).
seed_history() {
  local teams=(payments orders search) services=(checkout order-api search-api)
  local types=("Code Defect" Configuration Capacity Dependency Network)
  local sources=(monitoring monitoring customer internal ci)
  local issues="" versions="" n=500 v=20000 m month faults i start
  iso() { date -u -d "@$1" "+%Y-%m-%dT%H:%M:%S$2"; }  # epoch seconds -> UTC ISO + suffix
  for m in $(seq 12 -1 0); do
    month="$(date -u -d "$(date -u +%Y-%m-01) -$m month" +%Y-%m)"
    faults=$(( (m * 7 + 3) % 9 + 1 ))
    for i in $(seq 1 "$faults"); do
      n=$((n + 1))
      start=$(( $(date -u -d "$month-$(printf %02d $(( (i * 3) % 27 + 1 ))) 02:00" +%s) + i * 37 * 60 ))
      [ "$m" -eq 0 ] && start=$(( $(date -u +%s) - i * 5 * 3600 ))  # this month: the past hours
      local t=$(( (n + m) % 3 )) ttr=$(( (n * 53) % 300 + 20 )) ttd=$(( (n * 7) % 40 + 2 ))
      local recovered=$(( start + ttr * 60 )) review=""
      case $((n % 4)) in
        0|1) review=",\"reviewed_at\":\"$(iso $(( recovered + (n % 20 + 2) * 3600 )) Z)\"" ;;
        2) review=",\"reviewed_at\":\"$(iso $(( recovered + 40 * 3600 )) Z)\"" ;;
      esac
      issues+="${issues:+,}{\"key\":\"FAULT-$n\",\"status\":\"10104\",\"created\":\"$(iso "$start" .000+0000)\",\"fields\":{\"project\":{\"key\":\"FAULT\"},\"issuetype\":{\"name\":\"Fault\"},\"summary\":\"Past fault $n\",\"labels\":[\"fault\"],\"customfield_10010\":{\"value\":\"P$(( n % 4 + 1 ))\"},\"customfield_10011\":{\"value\":\"${types[$((n % 5))]}\"},\"customfield_10012\":{\"value\":\"${sources[$(( (n + m) % 5 ))]}\"},\"customfield_10013\":\"${teams[$t]}\",\"customfield_10014\":\"retail\",\"customfield_10015\":\"${services[$t]}\",\"customfield_10016\":\"$(iso "$start" .000+0000)\",\"customfield_10017\":\"$(iso "$recovered" .000+0000)\"},\"properties\":[{\"key\":\"faultline\",\"value\":{\"schema\":1,\"detected_at\":\"$(iso $(( start + ttd * 60 )) Z)\"$review}}]}"
    done
    for i in $(seq 1 $(( faults + (m % 3) ))); do
      v=$((v + 1))
      local release="$month-$(printf %02d $(( (i * 5) % 27 + 1 )))"
      [ "$m" -eq 0 ] && release="$(date -u +%F)"  # this month: released today
      versions+="${versions:+,}{\"id\":\"$v\",\"name\":\"r$v\",\"projectId\":10000,\"released\":true,\"archived\":false,\"releaseDate\":\"$release\"}"
    done
  done
  printf '{"mode":"extend","jira":{"issues":[%s],"versions":[%s]}}' "$issues" "$versions"
}
seed_history >history.json
curl -s -o /dev/null -X POST -H 'Content-Type: application/json' --data-binary @history.json "$base/_sandbox/seed"
curl -s -o /dev/null -X POST -H 'Content-Type: application/json' -d '{}' "$base/_sandbox/index/catch-up"
printf '\n[stats]\nrelease_projects = ["FAULT"]\n' >>faultline.toml

step "A year of faults: counts, times, reviews, actions, releases (last 12 months and this one)" \
  faultline stats --xlsx faults.xlsx --charts charts
if [ -t 1 ]; then
  "$faultline" stats --xlsx faults.xlsx --charts charts
else  # piped, stats prints one tidy row per figure: show the first ones
  "$faultline" stats --xlsx faults.xlsx --charts charts >stats.tsv
  head -n 24 stats.tsv
  echo "... ($(wc -l <stats.tsv) rows in stats.tsv; on a terminal: a table per section)"
fi
step "The same as tidy CSV for pandas, R or a spreadsheet (first lines)" faultline stats --format csv
"$faultline" stats --format csv >stats.csv
head -n 8 stats.csv

step "Last month's report, rendered locally (HTML and its charts; nothing is written anywhere)" \
  faultline report monthly -o monthly/report.html
mkdir -p monthly
"$faultline" report monthly -o monthly/report.html
step "The same report published: one Confluence page per month, charts attached, one chat post" \
  faultline report monthly --publish
report_url="$("$faultline" report monthly --publish)"
echo "$report_url"
step "Published again with the same data: nothing is written" faultline report monthly --publish --json
"$faultline" report monthly --publish --json

step "One search over the tickets and the review pages (the phrase is only in the review)" \
  faultline search "tokenizer timeout"
"$faultline" search "tokenizer timeout"

step "The fault is reviewed: close its room (summary posted, channel archived)" faultline room close "$key"
"$faultline" room close "$key"

step "What the fault's Slack room received" curl "$base/_sandbox/rooms"
curl -s "$base/_sandbox/rooms" | python3 -c '
import json, sys
for room in json.load(sys.stdin)["rooms"]:
    print("#%s (%s; members %s; archived: %s)" % (room["name"], room["platform"], ", ".join(room["members"]),
                                                 room.get("archived")))
    for message in room["messages"]:
        print("-", message["body"].get("text", "").split("\n")[0][:100])'

step "What the chat group received" curl "$base/_sandbox/messages"
# One line per message: its event and title (the generic payload's last "title" is the message's).
curl -s "$base/_sandbox/messages" | sed 's/"event":/\n&/g' | sed -n 's/^"event":"\([^"]*\)".*"title":"\([^"]*\)".*/- \1: \2/p'
echo
echo "demo: done. The fault: $base/browse/$key"
echo "      The review: $page_url"
echo "      Last month's report: $report_url"
echo "      Open them in a browser while the sandbox runs; here it stops with the demo."
echo "      Kept in $work: the review file, report.html, faults.xlsx, charts/ (SVG and PNG) and monthly/."
