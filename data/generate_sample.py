#!/usr/bin/env python3
"""Writes the Quillfeather Labs sample archive that Lore's demo and tests use.

The story (people, conversations, issues, posts) is held here as data and
written out five ways under data/sample/:

  company.jsonl            Lore's own JSON Lines (SPEC section 8)
  slack-export.zip         a Slack workspace export
  github-migration.tar.gz  a GitHub organisation migration archive
  p2.wordpress.xml         a WordPress (P2) WXR 1.2 export
  meetings.jsonl           the records only JSON Lines carries (source "meetings"),
                           which the demo imports beside the three exports

Standard library only and deterministic: a fixed random seed, fixed
timestamps, fixed archive entry times, so that running it twice gives
byte-identical files. Run it from anywhere: python3 data/generate_sample.py
"""

import calendar
import gzip
import hashlib
import html
import io
import json
import os
import random
import re
import sys
import tarfile
import zipfile
from datetime import datetime, timedelta, timezone

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "sample")
RNG = random.Random(20230109)

ORG = "quillfeather"
SLACK_HOST = "quillfeather.slack.com"
SLACK_TEAM = "T04QFL7AB"
P2_HOST = "quillfeatherhq.wordpress.com"
P2_URL = "https://" + P2_HOST
# The P2 site runs on a fixed UTC-5 offset, so local and GMT dates differ.
P2_OFFSET = timedelta(hours=-5)
# Archive entries all get this time, so the archives do not depend on when
# the generator ran.
ENTRY_TIME = (2025, 6, 30, 12, 0, 0)

# ---------------------------------------------------------------------------
# People
# ---------------------------------------------------------------------------

# key, full name, Slack id, GitHub login, WordPress user id, team, title
PEOPLE_ROWS = [
    ("hannah", "Hannah Cole", "U04A1QF0H2", "hcole", 11, "leadership", "CEO"),
    ("omar", "Omar Haddad", "U04A2QF0D8", "ohaddad", 12, "leadership", "CTO"),
    ("maya", "Maya Okafor", "U04B7KQ2M1", "mokafor", 21, "platform", "Staff engineer, platform lead"),
    ("tomas", "Tomas Lindqvist", "U04C3RT8V5", "tlindqvist", 22, "platform", "Site reliability engineer"),
    ("priya", "Priya Raman", "U04D9WX1Z3", "priyar", 23, "platform", "Backend engineer"),
    ("jonah", "Jonah Whitfield", "U04E2HJ6K8", "jwhitfield", 31, "mobile", "Mobile lead (iOS)"),
    ("ines", "Ines Carvalho", "U04F5NP3Q7", "icarvalho", 32, "mobile", "Android engineer"),
    ("kenji", "Kenji Watanabe", "U06G8LM4T2", "kwatanabe", 33, "mobile", "Mobile engineer (joined 2024-05)"),
    ("lucia", "Lucia Ferraro", "U04H1VB7C9", "lferraro", 41, "design", "Design lead"),
    ("sam", "Sam Adeyemi", "U04J6DF2G4", "sadeyemi", 42, "design", "Product designer"),
    ("rosa", "Rosa Delgado", "U04K4SY9N6", "rdelgado", 51, "support", "Support lead"),
    ("felix", "Felix Brandt", "U04L7ZC5P1", "fbrandt", 52, "support", "Support engineer"),
]


class Person:
    def __init__(self, key, name, slack_id, login, wp_id, team, title):
        self.key, self.name, self.slack_id, self.login = key, name, slack_id, login
        self.wp_id, self.team, self.title = wp_id, team, title
        self.first, self.last = name.split(" ", 1)
        self.email = key + "@quillfeather.example"


PEOPLE = {row[0]: Person(*row) for row in PEOPLE_ROWS}
BY_SLACK = {p.slack_id: p for p in PEOPLE.values()}

# The deploy bot posts into #ops.
BOT_USER = "U05DPLBOT1"
BOT_ID = "B05DPL0Y42"
BOT_NAME = "deploybot"

# ---------------------------------------------------------------------------
# Slack conversations
# ---------------------------------------------------------------------------

# name, id, kind (channel, private, dm, mpim), members, purpose, created
CHANNELS = [
    ("general", "C04QF1GEN0", "channel", "*", "Company-wide announcements and everything else", "2023-01-03 09:00"),
    ("platform", "C04QF2PLT7", "channel", ["maya", "tomas", "priya", "omar", "jonah", "ines", "kenji"],
     "Platform team: Kestrel, the API, databases", "2023-01-03 09:05"),
    ("mobile", "C04QF3MOB2", "channel", ["jonah", "ines", "kenji", "maya", "priya", "sam", "lucia"],
     "iOS and Android apps", "2023-01-03 09:06"),
    ("design", "C04QF4DSN5", "channel", ["lucia", "sam", "jonah", "ines", "hannah", "kenji"],
     "Design crits, Lantern, Figma links", "2023-01-03 09:07"),
    ("support", "C04QF5SUP9", "channel", ["rosa", "felix", "maya", "ines", "hannah", "tomas"],
     "Customer support: ticket trends, escalations, macros", "2023-01-03 09:08"),
    ("ops", "C04QF6OPS3", "channel", ["tomas", "maya", "priya", "omar", "felix", "rosa", "jonah"],
     "Deploys, incidents, on-call. deploybot posts here.", "2023-01-03 09:09"),
    ("random", "C04QF7RND1", "channel", "*", "Non-work banter and links", "2023-01-03 09:10"),
    ("leadership", "G04QF8LDR6", "private", ["hannah", "omar", "maya", "lucia", "rosa"],
     "Leadership team (private)", "2023-01-04 10:00"),
    ("D04QF9MT11", "D04QF9MT11", "dm", ["maya", "tomas"], "", "2023-01-05 11:00"),
    ("mpdm-hannah--omar--rosa-1", "G05QFAMP22", "mpim", ["hannah", "omar", "rosa"],
     "Group messaging with: @hannah @omar @rosa", "2024-08-30 16:00"),
]
CHAN = {c[0]: c for c in CHANNELS}
CHAN_BY_ID = {c[1]: c for c in CHANNELS}


def members_of(name):
    members = CHAN[name][3]
    if members == "*":
        return [p.key for p in PEOPLE.values() if p.key != "kenji"] + ["kenji"]
    return list(members)


# ---------------------------------------------------------------------------
# Inline markup shared by every source
#
#   {@maya}                 a person
#   {#ops}                  a Slack channel
#   {!here}                 a Slack broadcast
#   {https://x}             a bare link
#   {https://x|label}       a labelled link
#   `code`                  inline code (as written)
# ---------------------------------------------------------------------------

TOKEN = re.compile(r"\{(@[a-z]+|#[a-z0-9-]+|![a-z]+|(?:https?://|SLACK\[)[^}|]+(?:\|[^}]+)?)\}")
# Permalinks of Slack messages, "SLACK[channel YYYY-MM-DDTHH:MM]" -> URL; filled
# once every Slack message has its ts.
SLACK_LINKS = {}


def tokens(text):
    """Splits `text` into ("text", s) and markup tokens."""
    out, pos = [], 0
    for m in TOKEN.finditer(text):
        if m.start() > pos:
            out.append(("text", text[pos:m.start()]))
        t = m.group(1)
        if t[0] == "@":
            out.append(("user", t[1:]))
        elif t[0] == "#":
            out.append(("channel", t[1:]))
        elif t[0] == "!":
            out.append(("broadcast", t[1:]))
        else:
            url, _, label = t.partition("|")
            if url.startswith("SLACK["):
                url = SLACK_LINKS[url[6:-1]]
            out.append(("link", url, label))
        pos = m.end()
    if pos < len(text):
        out.append(("text", text[pos:]))
    return out


def slack_escape(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def to_slack(text):
    """The text as Slack stores it: <@U..>, <#C..|name>, <url|label>."""
    parts = []
    for t in tokens(text):
        if t[0] == "text":
            parts.append(slack_escape(t[1]))
        elif t[0] == "user":
            parts.append("<@%s>" % PEOPLE[t[1]].slack_id)
        elif t[0] == "channel":
            parts.append("<#%s|%s>" % (CHAN[t[1]][1], t[1]))
        elif t[0] == "broadcast":
            parts.append("<!%s>" % t[1])
        else:
            parts.append("<%s|%s>" % (t[1], slack_escape(t[2])) if t[2] else "<%s>" % t[1])
    return "".join(parts)


def slack_blocks(text):
    """A rich_text block with the same content, as modern exports carry it."""
    elements = []
    for t in tokens(text):
        if t[0] == "text":
            # Inline code spans become styled text elements.
            for i, piece in enumerate(t[1].split("`")):
                if not piece:
                    continue
                el = {"type": "text", "text": piece}
                if i % 2 == 1:
                    el["style"] = {"code": True}
                elements.append(el)
        elif t[0] == "user":
            elements.append({"type": "user", "user_id": PEOPLE[t[1]].slack_id})
        elif t[0] == "channel":
            elements.append({"type": "channel", "channel_id": CHAN[t[1]][1]})
        elif t[0] == "broadcast":
            elements.append({"type": "broadcast", "range": t[1]})
        else:
            el = {"type": "link", "url": t[1]}
            if t[2]:
                el["text"] = t[2]
            elements.append(el)
    block_id = hashlib.sha1(text.encode()).hexdigest()[:5]
    return [{"type": "rich_text", "block_id": block_id,
             "elements": [{"type": "rich_text_section", "elements": elements}]}]


def slack_plain(text):
    """What a person reads in Slack: names resolved, markup gone."""
    text = re.sub(r"\*([^*\n]+)\*", r"\1", text)
    parts = []
    for t in tokens(text):
        if t[0] == "text":
            parts.append(t[1].replace("`", ""))
        elif t[0] == "user":
            parts.append("@" + PEOPLE[t[1]].name)
        elif t[0] == "channel":
            parts.append("#" + t[1])
        elif t[0] == "broadcast":
            parts.append("@" + t[1])
        else:
            parts.append(t[2] or t[1])
    return "".join(parts)


def to_markdown(text):
    """GitHub Markdown: people by login, links as [label](url)."""
    parts = []
    for t in tokens(text):
        if t[0] == "text":
            parts.append(t[1])
        elif t[0] == "user":
            parts.append("@" + PEOPLE[t[1]].login)
        elif t[0] in ("channel", "broadcast"):
            parts.append("#" + t[1])
        else:
            parts.append("[%s](%s)" % (t[2], t[1]) if t[2] else t[1])
    return "".join(parts)


def markdown_plain(text):
    """Markdown as a person reads it on GitHub."""
    md = to_markdown_plain_links(text)
    lines = []
    for line in md.split("\n"):
        if line.startswith("```"):
            continue
        line = re.sub(r"^#{1,6} ", "", line)
        line = re.sub(r"^(\s*)[-*] ", r"\1", line)
        line = re.sub(r"^> ?", "", line)
        line = line.replace("**", "").replace("`", "")
        lines.append(line)
    return "\n".join(lines).strip()


def to_markdown_plain_links(text):
    parts = []
    for t in tokens(text):
        if t[0] == "text":
            parts.append(t[1])
        elif t[0] == "user":
            parts.append("@" + PEOPLE[t[1]].login)
        elif t[0] in ("channel", "broadcast"):
            parts.append("#" + t[1])
        else:
            parts.append(t[2] or t[1])
    return "".join(parts)


def inline_html(text):
    parts = []
    for t in tokens(text):
        if t[0] == "text":
            pieces = html.escape(t[1], quote=False).split("`")
            parts.append("".join(("<code>%s</code>" % p) if i % 2 else p for i, p in enumerate(pieces)))
        elif t[0] == "user":
            parts.append('<a href="%s/author/%s/">@%s</a>' % (P2_URL, t[1], t[1]))
        elif t[0] in ("channel", "broadcast"):
            parts.append("#" + t[1])
        else:
            parts.append('<a href="%s">%s</a>' % (html.escape(t[1]), html.escape(t[2] or t[1], quote=False)))
    return "".join(parts)


def inline_plain(text):
    parts = []
    for t in tokens(text):
        if t[0] == "text":
            parts.append(t[1].replace("`", ""))
        elif t[0] == "user":
            parts.append("@" + t[1])
        elif t[0] in ("channel", "broadcast"):
            parts.append("#" + t[1])
        else:
            parts.append(t[2] or t[1])
    return "".join(parts)


def mentioned(text):
    """People a text mentions, by key, in order, each once."""
    seen = []
    for t in tokens(text):
        if t[0] == "user" and t[1] not in seen:
            seen.append(t[1])
    return seen


def has_link(text):
    return any(t[0] == "link" for t in tokens(text))


def has_code(text):
    return "`" in text


# ---------------------------------------------------------------------------
# Dates
# ---------------------------------------------------------------------------

def parse_when(s, base=None):
    """'YYYY-MM-DD HH:MM' or, after a base date, 'HH:MM' or '+Nd HH:MM'."""
    if len(s) == 5 and base is not None:
        return base.replace(hour=int(s[:2]), minute=int(s[3:]), second=0)
    if s.startswith("+") and base is not None:
        days, hm = s[1:].split("d ")
        d = base + timedelta(days=int(days))
        return d.replace(hour=int(hm[:2]), minute=int(hm[3:]), second=0)
    return datetime.strptime(s, "%Y-%m-%d %H:%M").replace(tzinfo=timezone.utc)


def with_seconds(dt):
    return dt.replace(second=RNG.randint(0, 59))


def iso(dt):
    return dt.strftime("%Y-%m-%dT%H:%M:%SZ")


def epoch(dt):
    return calendar.timegm(dt.utctimetuple())


# ---------------------------------------------------------------------------
# P2 posts are linked from everywhere, so their addresses come first.
# key: (post id, GMT date, slug)
# ---------------------------------------------------------------------------

P2_INDEX = {
    "priorities-2023": (101, "2023-01-06 15:00", "2023-priorities"),
    "kestrel-rfc": (118, "2023-02-14 14:30", "rfc-kestrel-a-crdt-sync-engine-to-replace-heron"),
    "titles-decision": (131, "2023-03-29 16:10", "decision-note-titles-use-lww-bodies-use-rga"),
    "android-dupes-pm": (140, "2023-04-20 18:00", "postmortem-duplicate-notes-on-android"),
    "support-q1": (146, "2023-05-15 14:00", "support-quarterly-q1-2023"),
    "kestrel-go": (152, "2023-06-01 17:00", "decision-kestrel-is-a-go"),
    "lantern-proposal": (167, "2023-08-07 13:00", "proposal-lantern-one-design-system-for-web-and-mobile"),
    "atlas-rfc": (181, "2023-10-02 15:30", "rfc-atlas-leaving-heroku-for-kubernetes"),
    "freeze-2023": (190, "2023-11-13 16:00", "holiday-deploy-freeze-2023"),
    "review-2023": (199, "2023-12-20 17:00", "2023-in-review"),
    "atlas-staging": (205, "2024-01-22 15:00", "atlas-status-staging-is-on-kubernetes"),
    "outage-pm": (211, "2024-02-15 20:00", "postmortem-47-minute-api-outage-during-atlas-step-3"),
    "kestrel-1": (219, "2024-03-05 15:00", "kestrel-1-0-is-out"),
    "lantern-a11y": (226, "2024-04-10 14:00", "lantern-accessibility-audit-results"),
    "welcome-kenji": (233, "2024-05-06 16:00", "welcome-kenji"),
    "compaction": (240, "2024-06-12 15:00", "tombstone-compaction-what-we-learned"),
    "atlas-retro": (248, "2024-07-23 15:00", "atlas-retrospective"),
    "pricing-draft": (252, "2024-08-05 18:00", "pricing-change-draft-numbers"),
    "pricing": (259, "2024-09-03 15:00", "pricing-update-pro-is-8-and-a-new-teams-tier"),
    "support-pricing": (261, "2024-09-04 14:00", "support-playbook-for-the-pricing-change"),
    "freeze-2024": (270, "2024-11-18 16:00", "holiday-deploy-freeze-2024-and-the-exception-template"),
    "review-2024": (276, "2024-12-19 17:00", "2024-in-review"),
    "kestrel-2": (283, "2025-01-15 15:00", "kestrel-2-0-offline-first-and-herons-sunset-date"),
    "lag-review": (291, "2025-03-24 16:00", "incident-review-kestrel-replication-lag"),
    "adr-decision": (296, "2025-04-09 15:00", "decision-adrs-for-architecture-p2-for-discussion"),
    "android8": (302, "2025-05-12 14:00", "proposal-drop-android-8"),
    "lantern-1": (308, "2025-06-20 16:00", "lantern-1-0-shipped"),
    "draft-kestrel3": (311, "2025-06-25 16:00", "kestrel-3-ideas"),
}


def p2_local(gmt):
    return gmt + P2_OFFSET


def p2(key):
    """The permalink of a P2 post."""
    post_id, when, slug = P2_INDEX[key]
    local = p2_local(parse_when(when))
    return "%s/%s/%s/" % (P2_URL, local.strftime("%Y/%m/%d"), slug)


GH = "https://github.com/" + ORG + "/"

# ---------------------------------------------------------------------------
# Slack story
# ---------------------------------------------------------------------------

SLACK = []  # threads: dict(channel, root, replies)


def msg(when, who, text, **opts):
    return dict(when=when, who=who, text=text, **opts)


def thread(channel, when, who, text, replies=(), **opts):
    SLACK.append(dict(channel=channel, root=msg(when, who, text, **opts), replies=list(replies)))


def bot(when, text):
    SLACK.append(dict(channel="ops", root=msg(when, BOT_NAME, text, bot=True), replies=[]))


def joined(channel, when, who):
    SLACK.append(dict(channel=channel, root=msg(when, who, "", join=True), replies=[]))


# --- 2023 ------------------------------------------------------------------

thread("general", "2023-01-09 14:05", "hannah",
       "Welcome back and happy 2023, everyone! Three priorities this year:\n"
       "1. Sync that never loses or duplicates a note\n"
       "2. One design system so web, iOS and Android stop drifting apart\n"
       "3. Get off Heroku before the bill eats the runway\n"
       "The longer version is on P2: {" + p2("priorities-2023") + "|2023 priorities}",
       [msg("14:12", "omar", "Kestrel RFC from {@maya} lands next month. It is the answer to priority 1."),
        msg("14:20", "rosa", "Support wish list, in order: duplicate notes after offline edits (31% of December tickets), "
            "login loops on Android, PDF export timeouts."),
        msg("14:31", "lucia", "Priority 2 is going to need a name. Working title: Lantern :bulb:")],
       reactions=[("tada", ["omar", "maya", "rosa", "lucia", "jonah"]), ("rocket", ["tomas"])])

thread("random", "2023-01-11 12:40", "tomas", "The office espresso machine has a firmware update. I am not deploying it on a Friday.",
       [msg("12:44", "felix", "change freeze for the coffee machine, respect")],
       reactions=[("joy", ["felix", "priya", "ines"])])

thread("support", "2023-01-17 16:00", "rosa",
       "Weekly ticket digest (Jan 9-15): 212 tickets, median first response 3h10m.\n"
       "Top drivers: duplicate notes after offline edits (66), Android login loop (29), PDF export timeout (17).\n"
       "Duplicate notes again. {@maya} is Heron still merging on the server with the old diff3 code?",
       [msg("16:22", "maya", "Yes. Heron diffs the whole note body on every sync and picks a winner when the diff3 merge fails. "
            "That is where the duplicates come from: the loser becomes a \"conflicted copy\". Kestrel is meant to kill that path."),
        msg("16:25", "felix", "Can we at least rename \"conflicted copy\"? Customers think we lost their data."),
        msg("16:40", "rosa", "Logging it as a support ask. Felix, make a macro for now?")])

thread("platform", "2023-02-14 15:02", "maya",
       "Kestrel RFC is up: {" + p2("kestrel-rfc") + "}\n"
       "TL;DR: replace Heron's server-side diff/merge with a CRDT. RGA sequence for note bodies, LWW registers "
       "for title and tags, hybrid logical clocks (HLC) for ordering, tombstone compaction once a week. "
       "Please poke holes before Friday.",
       [msg("15:20", "priya", "Tombstones worry me. Our heaviest notes have 40k+ edits. If we keep a tombstone per deleted "
            "character the op log grows without bound until compaction runs."),
        msg("15:24", "maya", "Right, that is why compaction is in v1 and not later. Proposal: compact once every replica "
            "has acked past a version vector. Details in section 4."),
        msg("15:41", "tomas", "Ops question: where do ops live? If it is Postgres JSONB rows per op we are looking at "
            "~900M rows in year one. Separate table, partitioned by note id hash?"),
        msg("16:02", "omar", "What about Android clients on 4.x that will never upgrade? Heron has to keep serving them."),
        msg("16:10", "maya", "Heron stays up as a translation layer until the old clients are below 2% of MAU. "
            "I will add a sunset section."),
        msg("+1d 09:15", "priya", "A CRDT is not magic either: every op has to be idempotent, or a retried "
            "request applies twice. I want op ids in the wire format from day one.", reactions=[("100", ["maya", "tomas"])])],
       reactions=[("eyes", ["priya", "tomas", "omar", "jonah"])])

thread("platform", "2023-03-08 10:30", "priya",
       "Prototype RGA merge for note bodies is up for review: {" + GH + "kestrel/pull/2}. "
       "Property tests run 10k random interleavings; all converge.",
       [msg("10:52", "maya", "Reviewing this afternoon. Does it handle concurrent inserts at the same position?"),
        msg("11:03", "priya", "Yes, ties break on (HLC timestamp, replica id). `test_merge_interleaved` covers it."),
        msg("+1d 08:47", "maya", "Approved with two nits. Nice work."),
        msg("+1d 09:02", "tomas", "anyone else seeing `test_merge_interleaved` flake on CI? failed twice on main this morning"),
        msg("+1d 09:30", "priya", "Seed was not fixed in the property test. Fixed in the next commit, sorry!")])

thread("platform", "2023-03-15 13:12", "tomas", "TIL `pg_repack` can rebuild the notes table without a long lock. Heron's notes table is 61% bloat.",
       [msg("13:20", "maya", "Do it on a Sunday please :sweat_smile:")])

thread("mobile", "2023-04-11 08:14", "ines",
       "Android users are reporting duplicate notes after airplane mode. Repro: edit a note offline on two devices, "
       "reconnect both within a minute. Issue: {" + GH + "quill-app/issues/480}",
       [msg("08:30", "jonah", "iOS does not reproduce. Android retries the sync POST on reconnect without an idempotency key?"),
        msg("08:41", "ines", "Correct. The retry creates a second note because the server thinks it is new."),
        msg("09:05", "rosa", "Support is seeing this too: 60+ tickets since Saturday. Should I call it an incident?"),
        msg("09:07", "maya", "Yes. Opening it in {#ops}. Ines, can you own the client fix?"),
        msg("09:10", "ines", "On it.")],
       reactions=[("rotating_light", ["rosa", "maya"])])

thread("ops", "2023-04-11 09:12", "maya",
       "Incident: duplicate notes on Android after offline edits. Impact: a few hundred users per day since the 4.8.0 "
       "release. Cause: non-idempotent sync retries. Client fix in progress ({@ines}); server-side dedupe by client "
       "note id as a stopgap ({@priya}).",
       [msg("11:40", "priya", "Server-side dedupe deployed. New duplicates stopped at 11:31 UTC."),
        msg("+3d 15:00", "ines", "Client fix merged: {" + GH + "quill-app/pull/483}. 4.8.1 rolling out at 20%."),
        msg("+9d 18:05", "ines", "Postmortem: {" + p2("android-dupes-pm") + "}")])

thread("platform", "2023-04-19 17:45", "tomas",
       "Heron CPU spikes again at 17:00 UTC every day. The reconciliation job is O(n^2) on notes with more than 5k edits.",
       [msg("17:52", "maya", "Known. We are not optimising Heron any more. Can we move the job to 03:00 UTC as a band-aid?"),
        msg("18:01", "tomas", "Moved. Also added an alert on reconciliation runtime over 20 minutes.")])

thread("platform", "2023-05-10 11:00", "maya",
       "Kestrel vs Heron on the replay benchmark (100k ops, 12 replicas). Kestrel converges in 1.8s, Heron in 41s, "
       "and Heron produced 37 conflicted copies. Chart attached.",
       [msg("11:10", "omar", "That chart is going in the board deck."),
        msg("11:16", "priya", "Note this is without compaction. With compaction the op log is ~8x smaller.")],
       files=[("kestrel-bench-may.png", "image/png", 84213)],
       reactions=[("chart_with_upwards_trend", ["omar", "priya", "hannah"])])

thread("general", "2023-06-02 13:00", "hannah",
       "Decision: we are building Kestrel. Maya's team owns it, Heron goes into maintenance mode, target for 1.0 is Q1 2024. "
       "Why, and what we are not doing: {" + p2("kestrel-go") + "}",
       [msg("13:05", "maya", "Thank you all for the sharp RFC comments. It is a much better design because of them."),
        msg("13:09", "jonah", "Mobile is in. We will need a Swift and a Kotlin binding for the core.")],
       reactions=[("tada", ["maya", "priya", "tomas", "ines", "jonah", "lucia"])])

thread("mobile", "2023-07-18 15:30", "jonah",
       "Spike result: we can compile the Kestrel core (Rust) for iOS with UniFFI and call it from Swift. Binary grows by 1.9 MB.",
       [msg("15:42", "ines", "Same on Android through JNI, +2.3 MB per ABI. Acceptable."),
        msg("15:50", "priya", "Please do not fork the merge code. One core, two bindings.")])

thread("design", "2023-08-07 14:00", "lucia",
       "Lantern proposal is on P2: {" + p2("lantern-proposal") + "}\n"
       "One Figma library, design tokens as the source of truth, generated into CSS variables, Swift and Kotlin. "
       "Components for web first, mobile next.",
       [msg("14:15", "sam", "+1. Our web app currently has 23 different greys."),
        msg("14:30", "jonah", "Generating tokens with Style Dictionary works well, we tried it in the 4.x redesign."),
        msg("14:42", "lucia", "Great, Style Dictionary it is unless someone objects by Friday."),
        msg("+2d 10:05", "ines", "Android ask: dark mode tokens from day one, not as a follow-up.")],
       reactions=[("bulb", ["sam", "jonah", "hannah"])])

thread("platform", "2023-09-12 09:40", "priya",
       "Heads up: Kestrel protocol v2 changes op encoding. Every op now carries an idempotent op id "
       "(`client_id` + monotonic counter); the server drops ops it has already applied. PR: {" + GH + "kestrel/pull/6}",
       [msg("09:55", "jonah", "Do clients need to persist the counter across reinstalls?"),
        msg("10:02", "priya", "No, a reinstall gets a new client_id. The counter only has to survive app restarts."),
        msg("10:04", "jonah", "Perfect, that is easy on iOS.")])

thread("design", "2023-09-20 16:20", "sam",
       "Colour contrast audit: 14 of 40 text/background pairs fail WCAG AA. Report attached, worst offender is the "
       "grey-on-grey timestamp in the note list.",
       [msg("16:35", "lucia", "Lantern's neutral ramp fixes 11 of them. The other three are brand colours, I will talk to {@hannah}."),
        msg("16:40", "hannah", "Happy to tweak the brand teal if it means people can read it.")],
       files=[("contrast-audit-2023-09.pdf", "application/pdf", 412330)])

thread("platform", "2023-10-03 10:00", "omar",
       "Atlas RFC is up: {" + p2("atlas-rfc") + "}. We move off Heroku onto kubernetes (EKS) over Q1-Q2 2024. "
       "Detailed plan in the private infra repo: {" + GH + "infra/issues/1}",
       [msg("10:20", "maya", "My honest worry: kubernetes is a lot of machinery for a platform team of three."),
        msg("10:31", "tomas", "Fair, but Heroku is $38k/month now and we cannot pin Postgres versions. Managed EKS plus Helm is boring enough."),
        msg("10:45", "omar", "That is the debate I want on P2 so it is written down. Please comment there."),
        msg("11:02", "priya", "As long as the migration is reversible per service, I am in.")])

thread("ops", "2023-11-14 15:00", "omar",
       "{!channel} :snowflake: Holiday deploy freeze: Nov 20 00:00 UTC through Jan 3. No production deploys of the API, "
       "web or Kestrel during the freeze. Exceptions need two approvals ({@omar} and {@maya}). "
       "Why and how: {" + p2("freeze-2023") + "}",
       [msg("15:10", "tomas", "Does the deploy freeze cover infra and terraform changes too?"),
        msg("15:14", "omar", "Yes, except security patches."),
        msg("15:20", "priya", "Do Kestrel beta flag flips count as deploys?"),
        msg("15:26", "omar", "Flag flips are config. Allowed, with a note in this channel."),
        msg("15:40", "felix", "Support will pin the freeze dates in our macros.")],
       reactions=[("snowflake", ["tomas", "priya", "maya", "felix"])], pinned=True)

thread("general", "2023-11-14 15:05", "omar",
       "Reminder for everyone, not only engineers: deploy freeze from Nov 20 to Jan 3. Details in {#ops}.")

thread("support", "2023-12-04 10:10", "felix",
       "PDF export crashes for notes with more than 200 images. Three enterprise customers this morning. "
       "Issue: {" + GH + "quill-app/issues/495}",
       [msg("10:25", "priya", "It loads every image into memory before rendering. I can stream them, small change."),
        msg("10:27", "rosa", "We are in the freeze though. Does this qualify for an exception?")])

thread("ops", "2023-12-05 09:30", "priya",
       "Freeze exception request: fix for the PDF export crash ({" + GH + "quill-app/pull/496}). "
       "Customer impact: enterprise exports failing. Risk: low, export path only, behind the `pdf_stream` flag.",
       [msg("09:41", "omar", "Approved."),
        msg("09:58", "maya", "Approved. Deploy before 15:00 so we can watch it."),
        msg("13:12", "priya", "Deployed 13:05 UTC, no errors in 40 exports so far.")])

thread("general", "2023-12-20 17:30", "hannah",
       "Our 2023 in review is on P2: {" + p2("review-2023") + "}. Thank you all. See you on Jan 3!",
       reactions=[("heart", ["omar", "maya", "rosa", "lucia", "sam", "felix", "ines"])])

# --- 2024 ------------------------------------------------------------------

thread("D04QF9MT11", "2024-01-10 16:02", "maya",
       "do you have time tomorrow to pair on the migration runner? I want every step idempotent before we touch prod",
       [msg("16:05", "tomas", "yes. 10:00? I will bring the list of steps that are not re-runnable today"),
        msg("16:06", "maya", "perfect"),
        msg("+1d 12:30", "tomas", "notes from today: steps 2, 3 and 7 now check state before acting. Step 3 (Postgres "
            "major upgrade) is the scary one, it needs a PITR snapshot first")])

thread("platform", "2024-01-16 11:00", "tomas",
       "First Atlas milestone: staging runs on kubernetes. Migration scripts are idempotent and we will re-run them "
       "on purpose. Runner PR: {" + GH + "infra/pull/5}",
       [msg("11:14", "maya", "Reviewed. Two comments about the lock timeout."),
        msg("11:30", "jonah", "Is the staging URL the same?"),
        msg("11:34", "tomas", "Same URL, new ingress. Nothing to change in the apps.")],
       reactions=[("ship", ["omar", "maya", "priya"])])

thread("ops", "2024-02-13 14:07", "tomas",
       ":fire: INCIDENT: production Postgres failed over during Atlas migration step 3. API is returning 503s. "
       "Incident lead: me. Comms: {@rosa}.",
       [msg("14:09", "maya", "Joining. Kestrel writes are queueing on clients, no data loss so far."),
        msg("14:15", "tomas", "Replica promoted, but pgbouncer still points at the old primary. Fixing the config."),
        msg("14:22", "rosa", "Status page updated: \"Sync paused, your notes are safe on your devices.\""),
        msg("14:54", "tomas", "API healthy. Resolved at 14:54 UTC, 47 minutes total. Queued client ops are draining."),
        msg("15:30", "omar", "Thank you. Postmortem by Thursday please, and Atlas step 4 waits until it is done."),
        msg("+2d 20:10", "tomas", "Postmortem: {" + p2("outage-pm") + "}")],
       edited="14:11", reactions=[("eyes", ["maya", "omar", "priya"])])

thread("support", "2024-02-13 14:12", "felix",
       "Customers reporting a \"Sync paused\" banner. Is this the outage in {#ops}?",
       [msg("14:13", "rosa", "Yes. Use the incident macro, no ETA yet."),
        msg("15:01", "felix", "Banner is gone for everyone who wrote back. 58 tickets, all answered.")])

thread("D04QF9MT11", "2024-02-13 18:20", "tomas",
       "honestly I think we should pause Atlas for two weeks after today. I want a PITR drill before step 4",
       [msg("18:24", "maya", "agreed, and I will back you if Omar pushes back. Write the drill down as a runbook?"),
        msg("18:25", "tomas", "yes, PR incoming")])

thread("leadership", "2024-02-14 09:00", "omar",
       "Board summary of yesterday's outage: 47 minutes of API downtime, no data loss thanks to Kestrel's client queue. "
       "I propose a one-month credit for the four Teams pilot customers.",
       [msg("09:12", "hannah", "Agree on the credit. Rosa, can support send it with a personal note?"),
        msg("09:20", "rosa", "Yes, I will write to all four today."),
        msg("09:41", "maya", "For the board: the reason nothing was lost is the op queue we shipped in December. Worth saying.")])

thread("platform", "2024-03-04 16:00", "maya",
       "Kestrel 1.0 is tagged: {" + GH + "kestrel/releases/tag/v1.0.0}. Rolling out behind the `kestrel_sync` flag "
       "to 5% of the beta cohort today, 25% on Thursday if the dashboards stay green.",
       [msg("16:05", "priya", ":partying_face:"),
        msg("16:20", "omar", "Huge. Write it up on P2 for the rest of the company?"),
        msg("+1d 15:05", "maya", "Done: {" + p2("kestrel-1") + "}")],
       reactions=[("tada", ["priya", "tomas", "omar", "jonah", "ines", "hannah"]), ("kestrel", ["priya"])])

thread("design", "2024-02-27 11:30", "sam",
       "Lantern icons v2 are in Figma: 214 icons on a 24px grid, all with 1.5px strokes.",
       [msg("11:45", "lucia", "Export to SVG and the token repo today?"),
        msg("12:02", "sam", "Exported. PR in quill-app later today.")],
       files=[("lantern-icons-v2.png", "image/png", 236112)])

bot("2024-03-04 15:40", "Deployed *kestrel-server* `v1.0.0` to *production* by tomas (12 commits). {https://github.com/quillfeather/kestrel/compare/v0.9.3...v1.0.0|compare}")

thread("design", "2024-04-10 14:20", "sam",
       "Accessibility audit results for Lantern are on P2: {" + p2("lantern-a11y") + "}. "
       "Short version: contrast is fixed, focus states are not.")

joined("general", "2024-05-06 08:55", "kenji")
joined("mobile", "2024-05-06 08:56", "kenji")
joined("design", "2024-05-06 08:57", "kenji")

thread("general", "2024-05-06 09:00", "hannah",
       "Please welcome {@kenji}, who joins the mobile team today! Kenji comes from five years of iOS and Android work on "
       "offline-first apps, which is exactly what Kestrel on mobile needs.",
       [msg("09:03", "jonah", "Welcome Kenji! Onboarding doc is pinned in {#mobile}."),
        msg("09:04", "ines", "Welcome! :wave:"),
        msg("09:20", "kenji", "Thanks everyone! Excited to work on sync that does not lose notes. I have lost enough of my own."),
        msg("09:31", "rosa", "Welcome! Support sits two tables over if you ever want to hear what users actually say.")],
       reactions=[("wave", ["jonah", "ines", "maya", "lucia", "sam", "rosa", "felix", "omar"])])

thread("mobile", "2024-05-07 10:00", "jonah",
       "{@kenji} your first ticket: {" + GH + "quill-app/issues/510}. Small, touches Lantern tokens and the "
       "settings screen, good tour of the codebase.",
       [msg("10:12", "kenji", "Taking it. Is there a preview build pipeline for PRs?"),
        msg("10:15", "ines", "Yes, every PR gets a Firebase App Distribution build. Link shows up as a PR comment."),
        msg("+2d 16:40", "kenji", "PR is up: {" + GH + "quill-app/pull/511}")])

thread("platform", "2024-06-11 14:00", "priya",
       "Tombstone compaction is live ({" + GH + "kestrel/pull/9}). Op storage went from 1.31 TB to 0.81 TB overnight, "
       "38% smaller. Write-up on P2 tomorrow.",
       [msg("14:10", "tomas", "The disk alert finally stopped paging me. Thank you."),
        msg("14:12", "maya", "This closes the oldest open Kestrel issue, {" + GH + "kestrel/issues/5}.")],
       reactions=[("floppy_disk", ["tomas", "maya"]), ("tada", ["omar"])])

thread("mobile", "2024-06-18 09:30", "ines",
       "Battery drain on Android 14: the sync WorkManager job reschedules itself every 15s while the app is idle. "
       "{" + GH + "quill-app/issues/520}",
       [msg("09:44", "kenji", "I saw the same loop on a Pixel 8. Exponential backoff when the op queue is empty?"),
        msg("09:50", "priya", "Server side you can also use the long-poll endpoint, it holds for 55s."),
        msg("10:02", "ines", "{@kenji} want to pair on it? You know the sync worker better than me by now."),
        msg("10:03", "kenji", "Sure!")])

bot("2024-06-20 16:30", "Deployed *quill-android* `5.1.3` to *play-store (20%)* by icarvalho.")

thread("ops", "2024-07-19 13:00", "tomas",
       "Atlas cutover tonight at 22:00 UTC: DNS for api.quillfeather.example moves to the kubernetes ingress. "
       "Heroku stays warm for 72h as a rollback. Runbook: {" + GH + "infra/pull/8}",
       [msg("13:20", "maya", "I will be on call with you."),
        msg("22:41", "tomas", "Cutover done. Error rate flat, p95 latency down from 310ms to 190ms."),
        msg("+3d 09:00", "tomas", "Heroku apps scaled to zero. Atlas is done.")],
       reactions=[("rocket", ["maya", "omar", "priya", "hannah"])])

thread("general", "2024-07-22 10:00", "omar",
       "Atlas is done: we are fully on kubernetes, Heroku is scaled to zero and the bill drops by about $21k/month. "
       "Thank you {@tomas} and {@maya}. Retro on P2 tomorrow.",
       [msg("10:05", "hannah", "This is a big one. Thank you both."),
        msg("10:40", "tomas", "And thanks to everyone who put up with two weekends of migration windows.")],
       reactions=[("clap", ["hannah", "maya", "priya", "lucia", "rosa", "felix", "jonah", "kenji"])])

thread("leadership", "2024-08-01 16:00", "hannah",
       "Pricing. The board wants ARR up 20% next year without raising the burn. Proposal: Pro goes from $6 to $8 a "
       "month, and a new Teams tier at $12 per seat with shared notebooks and admin controls. Annual plans keep their "
       "price until renewal. Draft numbers on P2 (private): {" + p2("pricing-draft") + "}",
       [msg("16:14", "omar", "Teams needs SSO to be credible. That is a platform quarter if we build it ourselves."),
        msg("16:20", "rosa", "Support load: last price change (2021) gave us ~400 tickets in two weeks. I want macros "
            "and a discretionary discount ready before the announcement."),
        msg("16:31", "lucia", "The pricing page needs a redesign for three tiers, two weeks of design work."),
        msg("16:45", "maya", "SSO via a managed provider, not built by us. Platform can do that in 4-6 weeks."),
        msg("+1d 09:00", "hannah", "Decision: announce Sept 3, effective Oct 1. Teams ships with SSO through the managed provider.")])

thread("design", "2024-08-14 11:00", "lucia",
       "Pricing page redesign for the new Teams tier is ready for crit. Three columns, Teams highlighted, annual "
       "toggle defaults to monthly.",
       [msg("11:15", "sam", "The comparison table is long. Collapse the integrations rows?"),
        msg("11:20", "hannah", "Looks great. Please make the grandfathering note readable, not small print.")],
       files=[("pricing-page-v3.png", "image/png", 301877)])

thread("mpdm-hannah--omar--rosa-1", "2024-09-02 17:00", "rosa",
       "Before tomorrow's pricing announcement: can support hand out a discretionary 3-month discount code for "
       "long-time Pro users who write in upset?",
       [msg("17:10", "hannah", "Yes. Cap it at 500 codes and tell me if we hit 300."),
        msg("17:12", "omar", "I will have the billing service accept a LOYAL3 coupon by tomorrow morning."),
        msg("17:15", "rosa", "Thank you both.")])

thread("general", "2024-09-03 15:10", "hannah",
       "Pricing update, public today: Pro goes from $6 to $8 a month on October 1, and we are launching a Teams tier "
       "at $12 per seat. Annual subscribers keep their current price until renewal. Why we are doing this: "
       "{" + p2("pricing") + "}",
       [msg("15:20", "rosa", "Support playbook and macros: {" + p2("support-pricing") + "}"),
        msg("15:34", "felix", "Do existing monthly Pro users get an email before Oct 1?"),
        msg("15:40", "hannah", "Yes, two: today and on Sept 24.")],
       reactions=[("moneybag", ["omar"]), ("eyes", ["felix", "sam"])])

thread("support", "2024-10-03 17:00", "felix",
       "First wave after the pricing change: 47 tickets since Oct 1, mostly monthly Pro users surprised by the $8 "
       "charge. 12 LOYAL3 codes given out so far.",
       [msg("17:12", "rosa", "That is far below the 2021 wave. The two emails worked."),
        msg("17:20", "felix", "Tagging them `pricing-2024` so we can report next week.")])

thread("mobile", "2024-10-02 12:00", "kenji",
       "TestFlight build 5.2 (1187) is up with the Lantern components on the note list and the editor toolbar. "
       "Please try dark mode especially.",
       [msg("12:30", "sam", "Toolbar icons look great. The selected state is too faint in dark mode though."),
        msg("12:41", "kenji", "Good catch, it uses `surface-2` instead of `accent-muted`. Fixing.")])

bot("2024-10-08 14:00", "Deployed *quill-web* `v5.2.0` to *production* by kwatanabe (31 commits).")

thread("ops", "2024-11-18 16:30", "omar",
       ":snowflake: Holiday deploy freeze 2024: Nov 25 through Jan 6. Same rules as last year, plus an exception "
       "template, and CI now blocks production deploys in the window. P2: {" + p2("freeze-2024") + "}",
       [msg("16:41", "maya", "Pushback: the 2023 freeze left us with a 9-day backlog in January and a messy first week. "
            "Can we shorten it to Dec 16 - Jan 2?"),
        msg("16:50", "tomas", "+1 to shorter. Since Atlas our deploys are much safer than last year."),
        msg("17:05", "omar", "Fair points. The freeze covers Black Friday this year because of the Teams launch traffic."),
        msg("17:30", "hannah", "Compromise: freeze Nov 25 - Dec 2 for Black Friday, then Dec 16 - Jan 2. I will note it on the P2 post."),
        msg("17:32", "omar", "Works for me. Updating the CI window.")],
       reactions=[("snowflake", ["tomas", "maya", "priya"])])

bot("2024-12-03 10:15", "Deployed *quill-api* `2024.12.03-1` to *production* by tlindqvist (44 commits). First deploy after the Black Friday freeze.")

thread("general", "2024-12-19 17:10", "hannah", "2024 in review: {" + p2("review-2024") + "}. Enjoy the break!",
       reactions=[("heart", ["omar", "maya", "kenji", "ines", "rosa"])])

# --- 2025 ------------------------------------------------------------------

thread("platform", "2025-01-14 15:00", "maya",
       "Kestrel 2.0 is offline-first: the op queue survives app restarts and reboots ({" + GH + "kestrel/pull/11}). "
       "With that, Heron has no job left. Sunset date: March 31. Post tomorrow.",
       [msg("15:10", "jonah", "iOS is ready for 2.0, we shipped the persistent queue behind a flag last month."),
        msg("15:14", "ines", "Android too. Kenji did most of it."),
        msg("15:40", "tomas", "I will schedule the Heron database snapshot and teardown for April 1. Not a joke.")],
       reactions=[("tada", ["priya", "omar", "kenji"])])

bot("2025-01-28 11:00", "Deployed *kestrel-server* `v2.0.0` to *production* by mokafor (58 commits).")

thread("mobile", "2025-02-05 10:00", "ines",
       "Should we drop Android 8 (API 26)? It is 1.7% of Android MAU and costs us a second code path for notification "
       "channels. Issue: {" + GH + "quill-app/issues/545}",
       [msg("10:10", "kenji", "+1, the WorkManager backport for API 26 is also why the sync worker is so complicated."),
        msg("10:30", "rosa", "From support: we get maybe one ticket a month from Android 8 users."),
        msg("10:41", "jonah", "I'd wait until after Lantern 1.0 ships, one big change at a time."),
        msg("10:44", "ines", "Fair. I will write it up as a P2 proposal in May.")])

bot("2025-03-20 08:02", ":rotating_light: Alert *KestrelReplicationLagHigh* firing: p99 replication lag 94s (SLO 5s) in eu-west-1.")

thread("ops", "2025-03-20 08:05", "tomas",
       "Looking at the replication lag alert. Fan-out queue depth is at 1.2M ops, normally under 5k.",
       [msg("08:14", "priya", "A single customer bulk-imported 300k notes through the API at 07:40. Fan-out is per op, not batched."),
        msg("08:20", "maya", "Can we rate limit that tenant for now?"),
        msg("08:26", "tomas", "Rate limited. Queue draining, lag down to 40s."),
        msg("09:15", "tomas", "Lag back under SLO at 09:11 UTC. Issue for the real fix: {" + GH + "kestrel/issues/12}"),
        msg("+4d 16:05", "tomas", "Incident review: {" + p2("lag-review") + "}")],
       edited="08:07")

thread("support", "2025-03-21 11:00", "felix",
       "Users on web saw stale notes yesterday morning for about an hour, 23 tickets. Is that the Kestrel replication lag "
       "from {#ops}?",
       [msg("11:06", "rosa", "Yes. Tomas is writing the incident review. Tag them `kestrel-lag`.")])

thread("platform", "2025-04-08 10:00", "omar",
       "From now on, architecture decisions get an ADR in the repo (docs/adr/NNNN-title.md), discussion stays on P2. "
       "Draft on P2 tomorrow, tracking issue: {" + GH + "kestrel/issues/14}",
       [msg("10:12", "maya", "Yes please. Half of Kestrel's decisions live in Slack threads nobody can find."),
        msg("10:20", "priya", "Can we backfill the big ones? RGA vs Heron, HLC, compaction, offline queue."),
        msg("10:24", "omar", "Backfill the top five, not everything.")])

thread("leadership", "2025-04-02 15:00", "hannah",
       "Headcount plan for the rest of 2025: one more platform engineer (on-call load) and a part-time support hire for "
       "the EU timezone. Anything else you would fight for?",
       [msg("15:20", "maya", "Platform hire is the right call, Tomas carries too much of on-call."),
        msg("15:25", "rosa", "The EU support hire would cut our first-response time in half for 40% of tickets."),
        msg("15:40", "lucia", "Nothing new from design. A contractor for illustration in Q3 would be nice.")])

thread("design", "2025-05-28 14:00", "lucia",
       "Lantern 1.0 release checklist: tokens frozen, 62 components documented, Storybook deployed, iOS and Android "
       "packages published. Two blockers left: focus rings in the date picker and RTL mirroring in the toolbar.",
       [msg("14:15", "sam", "Date picker focus ring fixed this morning."),
        msg("14:40", "kenji", "RTL mirroring PR is up, needs one more review.")])

thread("general", "2025-06-20 16:10", "lucia",
       "Lantern 1.0 is live! Every screen on web, iOS and Android now uses the same tokens and components. "
       "Story and screenshots: {" + p2("lantern-1") + "}",
       [msg("16:15", "hannah", "Priority 2 from January 2023, done. Beautiful work."),
        msg("16:20", "sam", "23 greys down to 7 :joy:")],
       reactions=[("bulb", ["sam", "hannah", "kenji", "jonah", "ines", "maya"])])

# Short one-off messages that make the channels feel lived in.
thread("random", "2023-08-25 15:00", "sam", "Friday question: what is the best note you ever lost? Mine was a grocery list with a secret pasta recipe.",
       [msg("15:08", "felix", "An entire D&D campaign. Heron ate it in 2021.")])
thread("random", "2024-04-01 09:00", "tomas", "Announcing our migration to punch cards. Fully idempotent, zero kubernetes.",
       reactions=[("joy", ["maya", "priya", "omar", "felix", "kenji"])])
thread("mobile", "2023-10-24 13:00", "ines", "Android 4.9.0 is out with the Kestrel beta switch hidden in Settings > Labs.")
thread("support", "2023-06-19 10:00", "rosa", "Duplicate-note tickets are down 72% since the April fix. First week under 10 since 2021.",
       reactions=[("tada", ["ines", "maya", "felix"])])
thread("platform", "2024-09-17 10:30", "maya", "SSO for Teams is live through the managed provider. SAML and OIDC both work; SCIM next.")
thread("platform", "2023-11-28 11:00", "priya", "Reminder that kubernetes is not the answer to everything; sometimes it is a cron job.",
       [msg("11:02", "tomas", "kubernetes CronJob it is then :upside_down_face:")])

for when, text in [
        ("2023-04-11 11:31", "Deployed *quill-api* `2023.04.11-3` to *production* by priyar (2 commits). Dedupe notes by client note id."),
        ("2023-06-05 12:00", "Deployed *kestrel-server* `v0.1.0` to *staging* by mokafor (87 commits)."),
        ("2023-11-17 17:45", "Deployed *quill-api* `2023.11.17-2` to *production* by tlindqvist (9 commits). Last deploy before the freeze."),
        ("2023-12-05 13:05", "Deployed *quill-web* `2023.12.05-1` to *production* by priyar (1 commit). Freeze exception: PDF export streaming."),
        ("2024-01-04 09:30", "Deployed *quill-api* `2024.01.04-1` to *production* by tlindqvist (52 commits). Freeze is over."),
        ("2024-07-19 22:38", "Deployed *quill-api* `2024.07.19-4` to *production (kubernetes)* by tlindqvist (3 commits)."),
        ("2025-03-25 10:00", "Deployed *kestrel-server* `v2.1.1` to *production* by priyar (6 commits). Batched fan-out.")]:
    bot(when, text)


# ---------------------------------------------------------------------------
# GitHub story
# ---------------------------------------------------------------------------

# name, private, description, created
REPOS = [
    ("kestrel", False, "Kestrel: the CRDT sync engine behind Quillfeather notes", "2023-02-18 10:00"),
    ("quill-app", False, "Quillfeather web, iOS and Android apps", "2019-05-02 12:00"),
    ("infra", True, "Infrastructure: Helm charts, Terraform, runbooks (private)", "2020-03-10 09:00"),
]
REPO_LABELS = {
    "kestrel": [("bug", "d73a4a", "Something isn't working"), ("performance", "fbca04", "Speed, memory, storage"),
                ("question", "d876e3", "Further information is requested"), ("rfc", "5319e7", "Needs a written proposal"),
                ("design-decision", "0e8a16", "Settled by a decision on P2"), ("tracking", "c5def5", "Tracks several issues"),
                ("incident", "b60205", "Came out of an incident"), ("process", "bfdadc", "How we work"),
                ("android", "3ddc84", "Android client"), ("ios", "0075ca", "iOS client")],
    "quill-app": [("bug", "d73a4a", "Something isn't working"), ("android", "3ddc84", "Android client"),
                  ("ios", "0075ca", "iOS client"), ("sync", "1d76db", "Sync with Heron or Kestrel"),
                  ("lantern", "fef2c0", "Lantern design system"), ("good first issue", "7057ff", "Good for newcomers"),
                  ("duplicate", "cfd3d7", "This issue or pull request already exists"),
                  ("discussion", "d4c5f9", "Needs a decision"), ("freeze-exception", "e99695", "Deployed during a freeze")],
    "infra": [("atlas", "0052cc", "Atlas: the move to kubernetes"), ("rfc", "5319e7", "Needs a written proposal"),
              ("incident", "b60205", "Came out of an incident"), ("ci", "c2e0c6", "Continuous integration"),
              ("database", "006b75", "Postgres and pgbouncer")],
}

ISSUES = []    # issues and pull requests, in creation order
RELEASES = []
MILESTONES = []


def comment(when, who, body, **opts):
    return dict(when=when, who=who, body=body, **opts)


def review(when, who, state, body="", comments=()):
    # A review with no words is not much of a document; say what it did.
    body = body or {"APPROVED": "LGTM", "COMMENTED": "Left a comment.", "CHANGES_REQUESTED": "Needs changes."}[state]
    return dict(when=when, who=who, state=state, body=body, comments=list(comments))


def rc(when, who, path, line, hunk, body, replies=()):
    return dict(when=when, who=who, path=path, line=line, hunk=hunk, body=body, replies=list(replies))


def issue(repo, n, when, who, title, body, labels=(), closed=None, comments=(), assignees=(), milestone=None,
          reactions=()):
    ISSUES.append(dict(type="issue", repo=repo, n=n, when=when, who=who, title=title, body=body, labels=list(labels),
                       closed=closed, comments=list(comments), assignees=list(assignees), milestone=milestone,
                       reactions=list(reactions), reviews=[]))


def pull(repo, n, when, who, title, body, head, labels=(), merged=None, closed=None, comments=(), reviews=(),
         closes=(), milestone=None, reactions=(), reviewers=()):
    ISSUES.append(dict(type="pull_request", repo=repo, n=n, when=when, who=who, title=title, body=body,
                       labels=list(labels), merged=merged, closed=closed or merged, comments=list(comments),
                       reviews=list(reviews), head=head, closes=list(closes), assignees=[], milestone=milestone,
                       reactions=list(reactions), reviewers=list(reviewers)))


def release(repo, tag, name, when, who, body, prerelease=False):
    RELEASES.append(dict(repo=repo, tag=tag, name=name, when=when, who=who, body=body, prerelease=prerelease))


def milestone(repo, n, title, description, when, due, closed=None):
    MILESTONES.append(dict(repo=repo, n=n, title=title, description=description, when=when, due=due, closed=closed))


milestone("kestrel", 1, "Kestrel 1.0", "Wire format frozen, compaction designed, ready for the beta cohort.",
          "2023-06-05 10:00", "2024-03-01 00:00", "2024-03-04 16:00")
milestone("kestrel", 2, "Kestrel 2.0", "Offline-first: the op queue survives restarts. Heron sunset.",
          "2024-06-15 10:00", "2025-01-31 00:00", "2025-01-28 12:00")
milestone("infra", 1, "Atlas", "Everything off Heroku and onto kubernetes.", "2023-10-03 12:00", "2024-06-30 00:00",
          "2024-07-22 10:00")

# --- kestrel -----------------------------------------------------------------

issue("kestrel", 1, "2023-02-20 10:00", "maya", "Tracking: Kestrel prototype",
      "Tracks the prototype described in the {" + p2("kestrel-rfc") + "|Kestrel RFC}.\n\n"
      "- [x] RGA sequence CRDT for note bodies (#2)\n"
      "- [x] Hybrid logical clock (#4)\n"
      "- [x] Decide title semantics (#3)\n"
      "- [ ] Tombstone compaction design (#5)\n\n"
      "Goal: replay the production op sample with zero conflicted copies.",
      labels=["tracking", "rfc"], closed="2023-06-05 12:00", milestone=1,
      comments=[comment("+105d 12:00", "maya", "Prototype goals met (see the benchmark in #platform). "
                        "Compaction continues in #5. Closing.")])

pull("kestrel", 2, "2023-03-07 16:00", "priya", "RGA sequence CRDT for note bodies",
     "Implements a Replicated Growable Array for note bodies.\n\n"
     "### What\n- `core/src/rga.rs`: insert/delete with tombstones\n- ties break on `(hlc, replica_id)`\n"
     "- property tests with 10k random interleavings\n\n"
     "### Not yet\nCompaction. Deleted characters stay as tombstones for now.\n\nPart of #1.",
     head="priya/rga", merged="+1d 10:15", milestone=1,
     reviews=[review("+1d 08:40", "maya", "APPROVED", "Lovely. Two nits, neither blocking.",
                     [rc("+1d 08:35", "maya", "core/src/rga.rs", 88,
                         "@@ -80,6 +80,14 @@ impl Rga {\n+    pub fn insert(&mut self, after: OpId, ch: char, id: OpId) {\n"
                         "+        let pos = self.find(after);",
                         "`find` is linear. Fine for the prototype, but leave a TODO: notes with 40k chars will feel it.",
                         [rc("+1d 09:50", "priya", "", 0, "", "Added the TODO and an issue reference.")]),
                      rc("+1d 08:37", "maya", "core/tests/interleave.rs", 12,
                         "@@ -0,0 +1,40 @@\n+proptest! {\n+    #[test]\n+    fn test_merge_interleaved(ops in op_strategy()) {",
                         "Fix the seed for CI, otherwise failures are not reproducible.")])],
     comments=[comment("+0d 16:30", "tomas", "CI is green. The property tests take 38s, acceptable for now.")])

issue("kestrel", 3, "2023-03-22 11:00", "jonah", "Conflict semantics for note titles: LWW or merge?",
      "If two devices rename a note concurrently, what should win?\n\n"
      "1. **LWW** (last writer wins by HLC): simple, one title disappears\n"
      "2. **Merge** as text (RGA): both edits survive, can produce \"Groceries Shopping list\"\n\n"
      "Users seem to expect titles to behave like a single value. Needs a decision before the iOS binding freezes.",
      labels=["question", "design-decision"], closed="2023-03-29 16:30",
      comments=[comment("+0d 13:00", "lucia", "From a design view titles are labels, not documents. Merged titles look broken."),
                comment("+1d 09:00", "priya", "LWW is also much cheaper: one register instead of a sequence per title."),
                comment("+7d 16:20", "maya", "Decided on P2: titles and tags are LWW registers, bodies are RGA. "
                        "{" + p2("titles-decision") + "}. Closing.")])

pull("kestrel", 4, "2023-04-03 09:30", "maya", "Hybrid logical clock (HLC) implementation",
     "Adds `core/src/hlc.rs`, a hybrid logical clock as described in the original HLC paper.\n\n"
     "Wall clock skew up to 500ms is absorbed; beyond that we log and keep the logical counter monotonic.\n\n"
     "```rust\nlet ts = clock.now();\nassert!(ts > previous);\n```\n\nPart of #1.",
     head="maya/hlc", merged="+3d 14:00", milestone=1,
     reviews=[review("+1d 10:00", "priya", "CHANGES_REQUESTED",
                     "The skew handling drops the logical counter when the wall clock jumps backwards. That breaks monotonicity.",
                     [rc("+1d 09:55", "priya", "core/src/hlc.rs", 41,
                         "@@ -35,7 +35,12 @@ impl Hlc {\n+        if wall < self.last.wall {\n+            self.last.logical = 0;",
                         "This reset is the bug: keep `logical + 1` when wall < last.wall.")]),
              review("+3d 11:00", "priya", "APPROVED", "Fixed, thanks. Added a regression test too?")],
     comments=[comment("+3d 11:30", "maya", "Yes, `hlc_backwards_wall_clock` in tests/hlc.rs.")])

issue("kestrel", 5, "2023-05-02 14:00", "tomas", "Tombstone growth: compaction strategy",
      "Op storage on the beta cluster grows 4.1 GB/day, 70% of it tombstones. At this rate the beta alone needs a "
      "new volume every month.\n\nOptions:\n- compact when every replica acked past a version vector\n"
      "- time-based: drop tombstones older than 30 days, force a full resync for stale replicas\n\n"
      "Needs a decision before 1.0.",
      labels=["performance"], closed="2024-06-11 13:00", milestone=2,
      comments=[comment("+0d 15:00", "maya", "Version-vector compaction, with a 90-day cutoff for replicas that never come back."),
                comment("+1d 10:00", "priya", "Agreed. I will write the design in the repo once 1.0 ships."),
                comment("+406d 13:00", "priya", "Done in #9. Storage is down 38%.")])

pull("kestrel", 6, "2023-09-11 15:00", "priya", "Protocol v2: idempotent op ids",
     "Every op now carries `op_id = (client_id, counter)`. The server keeps a per-client high-water mark and drops "
     "ops it has already applied, so retries are idempotent.\n\n"
     "**Breaking**: wire format v2. Heron translation layer updated in the same PR.\n\n"
     "Motivated by the {" + p2("android-dupes-pm") + "|Android duplicate notes postmortem}.",
     head="priya/idempotent-ops", merged="+2d 11:00", milestone=1,
     reviews=[review("+1d 14:00", "maya", "APPROVED", "This is the most important change since the RGA. Ship it."),
              review("+1d 16:00", "jonah", "COMMENTED", "iOS binding will need a migration for stored counters, tracking it on our side.")])

issue("kestrel", 7, "2023-10-18 09:00", "ines", "Android: op log replay is slow on cold start",
      "On a Pixel 6a, replaying 18k ops for a large notebook takes 6.4s on cold start. Profile attached: 80% in "
      "`Rga::find`.\n\nThe TODO from #2 has arrived.",
      labels=["bug", "android", "performance"], closed="2023-11-09 17:00", milestone=1,
      comments=[comment("+1d 10:00", "priya", "Switching `find` to a skip list keyed by op id. Should be O(log n)."),
                comment("+22d 16:50", "ines", "Replay is 0.7s now. Thank you!", reactions=[("hooray", "priya")])])

pull("kestrel", 8, "2024-02-26 10:00", "maya", "Release 1.0 prep: stabilize the wire format",
     "- freeze `proto/v2` and add golden files\n- remove the `experimental_` prefixes\n- changelog for 1.0",
     head="maya/1.0-prep", merged="+3d 15:00", milestone=1,
     reviews=[review("+2d 09:00", "priya", "APPROVED", ""),
              review("+2d 11:00", "tomas", "APPROVED", "Golden files are a great idea for the Heron translation too.")])

pull("kestrel", 9, "2024-06-03 14:00", "priya", "Weekly tombstone compaction job",
     "Closes #5.\n\nCompacts tombstones once every replica has acknowledged past the version vector, with a 90-day "
     "cutoff after which a stale replica must do a full resync.\n\nOn a copy of production: 1.31 TB -> 0.81 TB.",
     head="priya/compaction", merged="+7d 12:50", closes=[5], milestone=2,
     reviews=[review("+2d 10:00", "maya", "CHANGES_REQUESTED", "Please make the job idempotent: a crash mid-run must not lose acks.",
                     [rc("+2d 09:58", "maya", "server/src/compaction.rs", 120,
                         "@@ -110,8 +110,16 @@ pub async fn compact(db: &Db) -> Result<()> {\n+    db.delete_tombstones(before).await?;\n"
                         "+    db.advance_watermark(vv).await?;",
                         "If we crash between these two lines the next run deletes again from a stale watermark. "
                         "Advance the watermark in the same transaction.",
                         [rc("+3d 11:00", "priya", "", 0, "", "Good catch. Both in one transaction now, and the job "
                             "checks the watermark first, so re-running it is idempotent.")])]),
              review("+6d 15:00", "maya", "APPROVED", "Ship it."),
              review("+6d 16:00", "tomas", "APPROVED", "Please run it at 03:00 UTC, after the backups.")])

issue("kestrel", 10, "2025-01-09 10:00", "maya", "Offline-first: queue ops across app restarts",
      "Today the op queue lives in memory. If the app is killed offline, unsynced ops are lost. "
      "Kestrel 2.0 needs a persistent queue on every client.",
      labels=["ios", "android"], closed="2025-01-13 18:00", milestone=2,
      comments=[comment("+0d 11:00", "kenji", "Android has a SQLite-backed queue behind a flag since December, happy to upstream it to the core."),
                comment("+0d 11:20", "maya", "Yes please, one implementation in the core.")])

pull("kestrel", 11, "2025-01-10 09:00", "maya", "Persistent op queue (offline-first)",
     "Closes #10. Moves the op queue into the core, backed by SQLite on every platform. Ops survive restarts, "
     "reboots and OS kills. Co-authored with @kwatanabe.",
     head="maya/persistent-queue", merged="+3d 18:00", closes=[10], milestone=2,
     reviews=[review("+2d 10:00", "kenji", "APPROVED", "Tested on Android 9-15 and iOS 16-18, kill -9 mid-sync included."),
              review("+3d 09:00", "priya", "APPROVED", "")])

issue("kestrel", 12, "2025-03-20 09:15", "tomas", "Replication lag spikes above SLO on bulk imports",
      "On 2025-03-20 a tenant bulk-imported 300k notes; fan-out queue depth hit 1.2M and p99 replication lag hit 94s "
      "(SLO: 5s). Fan-out is per op, not batched.\n\nTimeline in {SLACK[ops 2025-03-20T08:05]|#ops}.",
      labels=["bug", "incident", "performance"], closed="2025-03-26 10:00",
      comments=[comment("+0d 10:00", "priya", "Batching fan-out per note per 50ms window should cut queue depth by ~100x for imports."),
                comment("+6d 10:00", "tomas", "Fixed by #13, lag stayed under 2s during a 500k-note replay test.")])

pull("kestrel", 13, "2025-03-24 11:00", "priya", "Batch fan-out to cut replication lag",
     "Closes #12. Coalesces ops per note in 50ms windows before fan-out. Replay of the March 20 import: "
     "queue depth peaks at 9k instead of 1.2M.",
     head="priya/batch-fanout", merged="+1d 09:30", closes=[12],
     reviews=[review("+0d 16:00", "tomas", "APPROVED", "Ran it against the replay twice, identical results both times.")])

issue("kestrel", 14, "2025-04-08 10:30", "omar", "Adopt ADRs in docs/adr",
      "Per {" + p2("adr-decision") + "|the P2 decision}: architecture decisions get an ADR in `docs/adr/`. "
      "Backfill the top five:\n\n- [ ] 0001 RGA for bodies\n- [ ] 0002 LWW for titles\n- [ ] 0003 HLC\n"
      "- [ ] 0004 tombstone compaction\n- [ ] 0005 persistent op queue",
      labels=["process"], assignees=["maya"],
      comments=[comment("+2d 09:00", "maya", "Template is in. 0001 and 0002 drafted.")])

pull("kestrel", 15, "2025-05-02 14:00", "jonah", "Experimental: WASM build of the core",
     "Builds the core to WebAssembly so the web app could drop its TypeScript port. Bundle is 410 KB gzipped.",
     head="jonah/wasm", closed="2025-05-20 10:00",
     comments=[comment("+1d 10:00", "priya", "410 KB is a lot for the web app's first load."),
               comment("+18d 10:00", "jonah", "Closing for now; we will revisit once the web app lazy-loads the editor.")])

release("kestrel", "v0.1.0", "Kestrel 0.1.0 (prototype)", "2023-06-05 12:00", "maya",
        "First tagged prototype.\n\n- RGA bodies, LWW titles, HLC ordering\n- replay benchmark: 1.8s vs Heron 41s",
        prerelease=True)
release("kestrel", "v1.0.0", "Kestrel 1.0", "2024-03-04 16:00", "maya",
        "## Kestrel 1.0\n\n- wire format v2 frozen, idempotent op ids (#6)\n- HLC ordering (#4)\n"
        "- skip-list lookup, cold start replay 9x faster (#7)\n\nRolling out behind `kestrel_sync`.")
release("kestrel", "v2.0.0", "Kestrel 2.0: offline-first", "2025-01-28 11:00", "maya",
        "## Kestrel 2.0\n\n- persistent op queue on every platform (#11)\n- weekly tombstone compaction (#9)\n\n"
        "Heron is sunset on March 31. See {" + p2("kestrel-2") + "|the announcement}.")

# --- quill-app ---------------------------------------------------------------

issue("quill-app", 480, "2023-04-11 08:10", "ines", "Duplicate notes after offline edits on Android",
      "**Steps**\n1. Edit a note offline on two Android devices\n2. Reconnect both within a minute\n\n"
      "**Expected** one note. **Actual** two notes, one titled \"(conflicted copy)\".\n\n"
      "Cause: the sync POST is retried on reconnect without an idempotency key.",
      labels=["bug", "android", "sync"], closed="2023-04-15 15:00",
      comments=[comment("+0d 09:00", "rosa", "Support has 60+ tickets about this since Saturday. Linking them to this issue."),
                comment("+0d 11:45", "priya", "Server-side dedupe by client note id is deployed as a stopgap."),
                comment("+4d 15:00", "ines", "Fixed by #483 in 4.8.1.")])

issue("quill-app", 481, "2023-04-12 09:00", "rosa", "Support: users see \"conflicted copy\" notes",
      "Collecting customer reports here: 64 tickets, all Android 4.8.0.",
      labels=["duplicate", "sync"], closed="2023-04-12 09:30",
      comments=[comment("+0d 09:30", "ines", "Duplicate of #480.")])

pull("quill-app", 483, "2023-04-14 10:00", "ines", "Dedupe notes by client-generated id on reconnect",
     "Fixes #480.\n\n- every new note gets a client UUID\n- sync retries send `Idempotency-Key`\n"
     "- on reconnect, notes with the same client id are merged instead of duplicated",
     head="ines/dedupe-reconnect", merged="+1d 15:00", closes=[480], labels=["android", "sync"],
     reviews=[review("+1d 10:00", "jonah", "APPROVED", "Let's port the idempotency key to iOS too, even if it does not reproduce there."),
              review("+1d 11:00", "priya", "APPROVED", "")])

pull("quill-app", 490, "2023-09-25 13:00", "sam", "Lantern: design tokens package",
     "Adds `packages/lantern-tokens`: colours, spacing, type scale, generated with Style Dictionary into CSS "
     "variables, Swift and Kotlin. Proposal: {" + p2("lantern-proposal") + "}",
     head="sam/lantern-tokens", merged="+4d 10:00", labels=["lantern"],
     reviews=[review("+2d 14:00", "lucia", "APPROVED", "Token names match the Figma library 1:1."),
              review("+3d 09:00", "ines", "COMMENTED", "Dark mode tokens are in, thanks!",
                     [rc("+3d 08:55", "ines", "packages/lantern-tokens/tokens/color.json", 14,
                         "@@ -10,6 +10,12 @@\n+    \"surface-2\": { \"value\": \"#F4F2EE\" },",
                         "Could `surface-2` get a dark value here rather than in a separate file?")])])

issue("quill-app", 495, "2023-12-04 10:05", "felix", "PDF export crashes for notes with more than 200 images",
      "Three enterprise customers today. Export fails with `OutOfMemoryError` on the export worker.",
      labels=["bug", "freeze-exception"], closed="2023-12-05 13:10",
      comments=[comment("+0d 10:30", "priya", "Export loads every image before rendering. Will stream them."),
                comment("+1d 13:10", "priya", "Fixed by #496, deployed as a freeze exception.")])

pull("quill-app", 496, "2023-12-05 09:00", "priya", "Fix PDF export OOM by streaming images",
     "Fixes #495. Streams images one by one into the PDF writer behind the `pdf_stream` flag. "
     "Freeze exception approved in #ops.",
     head="priya/pdf-stream", merged="+0d 12:50", closes=[495], labels=["freeze-exception"],
     reviews=[review("+0d 10:00", "maya", "APPROVED", "Small and flagged. OK for a freeze exception.")])

issue("quill-app", 510, "2024-05-07 09:50", "jonah", "Settings screen still uses legacy colours",
      "The settings screen predates Lantern and uses hard-coded hex values. Move it to Lantern tokens.",
      labels=["good first issue", "lantern"], assignees=["kenji"], closed="2024-05-10 11:00",
      comments=[comment("+0d 10:15", "kenji", "I will take this one.")])

pull("quill-app", 511, "2024-05-09 16:30", "kenji", "Settings: migrate to Lantern tokens",
     "Fixes #510. Replaces 19 hard-coded colours with Lantern tokens on iOS, Android and web. Screenshots in light and dark mode.",
     head="kenji/settings-lantern", merged="+0d 18:40", closes=[510], labels=["lantern"],
     reviews=[review("+0d 17:30", "jonah", "APPROVED", "Welcome aboard, great first PR!")],
     reactions=[("heart", "jonah"), ("hooray", "ines")])

issue("quill-app", 520, "2024-06-18 09:25", "ines", "Android 14: sync worker drains battery while idle",
      "The sync WorkManager job reschedules itself every 15s even with an empty op queue. Battery stats show "
      "Quillfeather at 9% per day on a Pixel 8 that was never opened.",
      labels=["bug", "android", "sync"], closed="2024-06-21 10:00",
      comments=[comment("+0d 10:00", "kenji", "Repro'd. Working on a backoff with Ines.")])

pull("quill-app", 522, "2024-06-20 11:00", "kenji", "Back off the sync worker when idle",
     "Fixes #520.\n\n- exponential backoff up to 15 minutes when the op queue is empty\n"
     "- use the 55s long-poll endpoint while the app is in the foreground",
     head="kenji/sync-backoff", merged="+0d 16:00", closes=[520], labels=["android", "sync"],
     reviews=[review("+0d 14:00", "ines", "APPROVED", "Battery at 0.4% per day idle now. ")])

pull("quill-app", 530, "2024-09-10 10:00", "lucia", "Pricing page: Teams tier",
     "Three-tier pricing page for the Sept 3 announcement follow-up: Free, Pro ($8), Teams ($12 per seat). "
     "Grandfathering note for annual plans in body text, not a footnote.",
     head="lucia/pricing-teams", merged="+1d 12:00", labels=["lantern"],
     reviews=[review("+1d 10:00", "sam", "APPROVED", "")])

issue("quill-app", 545, "2025-02-05 09:50", "ines", "Drop Android 8 (API 26) support",
      "Android 8 is 1.7% of Android MAU. Supporting it costs a second notification-channel path and the "
      "WorkManager backport. Proposal: minSdk 28 with the Lantern 1.0 release.",
      labels=["discussion", "android"],
      comments=[comment("+0d 10:15", "kenji", "+1 from me."),
                comment("+0d 10:45", "jonah", "Let's decide after Lantern 1.0."),
                comment("+96d 14:05", "ines", "Written up on P2: {" + p2("android8") + "}")])

release("quill-app", "v5.0.0", "Quillfeather 5.0", "2024-03-18 14:00", "jonah",
        "- Kestrel sync beta for everyone who opts in\n- Lantern tokens in the editor\n- PDF export streams images")
release("quill-app", "v5.2.0", "Quillfeather 5.2", "2024-10-08 14:00", "kenji",
        "- Lantern components on the note list and toolbar\n- Teams tier and SSO\n- dark mode fixes")

# --- infra (private) ------------------------------------------------------------

issue("infra", 1, "2023-10-03 10:00", "omar", "Atlas: migrate from Heroku to kubernetes",
      "RFC: {" + p2("atlas-rfc") + "}\n\n"
      "Plan:\n1. EKS cluster + Helm charts, staging first\n2. Idempotent database migration runner\n"
      "3. Postgres 12 -> 15 with logical replication\n4. Production cutover, Heroku warm for 72h\n\n"
      "Heroku cost today: $38k/month.",
      labels=["atlas", "rfc"], closed="2024-07-22 10:00", milestone=1,
      comments=[comment("+0d 10:30", "maya", "Concern for the record: kubernetes is a lot for three people. "
                        "Let's keep the cluster boring: managed node groups, no service mesh."),
                comment("+1d 09:00", "tomas", "Agreed. No mesh, no operators we did not write down here."),
                comment("+293d 10:00", "omar", "Done. Retro: {" + p2("atlas-retro") + "}")])

issue("infra", 2, "2023-10-20 14:00", "tomas", "Atlas: EKS or GKE?",
      "Both are fine. EKS keeps us next to the RDS snapshots and the S3 attachment buckets; GKE's autopilot is nicer. "
      "Egress costs decide it: EKS.",
      labels=["atlas"], closed="2023-10-27 10:00", milestone=1,
      comments=[comment("+7d 10:00", "omar", "EKS. Closing.")])

pull("infra", 4, "2024-01-15 15:00", "tomas", "Helm charts for quill-api on staging",
     "Part of #1. Adds `charts/quill-api` and `charts/kestrel-server`. Staging only.",
     head="tomas/helm-staging", merged="+1d 10:00", milestone=1, labels=["atlas"],
     reviews=[review("+1d 09:00", "priya", "APPROVED", "")])

pull("infra", 5, "2024-01-16 10:30", "tomas", "Idempotent database migration runner",
     "Part of #1. Every step checks current state before acting, records completion in `atlas_steps`, and can be "
     "re-run safely. Dry-run mode prints what would change.\n\n"
     "```\n./atlas migrate --step 3 --dry-run\n```",
     head="tomas/migration-runner", merged="+4d 11:00", milestone=1, labels=["atlas", "database"],
     reviews=[review("+0d 14:00", "maya", "CHANGES_REQUESTED", "Two things about locks.",
                     [rc("+0d 13:50", "maya", "atlas/runner.py", 57,
                         "@@ -50,6 +50,10 @@ def run_step(step):\n+    with db.advisory_lock(\"atlas\"):\n+        step.apply()",
                         "An advisory lock with no timeout will hang forever if a previous run died holding it. Add `lock_timeout`."),
                      rc("+0d 13:55", "maya", "atlas/steps/s03_pg_upgrade.py", 22,
                         "@@ -15,6 +15,9 @@ class PgUpgrade(Step):\n+    def apply(self):\n+        self.promote_replica()",
                         "Step 3 needs a PITR snapshot before `promote_replica`, otherwise it is not recoverable.",
                         [rc("+1d 09:00", "tomas", "", 0, "", "Added `require_pitr_snapshot()` as the first line of apply().")])]),
              review("+3d 10:00", "maya", "APPROVED", "Thanks, looks safe to re-run now.")])

issue("infra", 6, "2024-02-14 10:00", "tomas", "Postmortem action items: Postgres failover during migration step 3",
      "From {" + p2("outage-pm") + "|the postmortem}:\n\n"
      "- [x] pgbouncer follows the primary via DNS, not a static IP\n- [x] PITR drill before each major step (#7)\n"
      "- [x] status page template for sync pauses\n- [ ] alert when pgbouncer points at a read-only node",
      labels=["incident", "database"], closed="2024-03-15 10:00", milestone=1,
      comments=[comment("+1d 10:00", "priya", "Taking the PITR drill."),
                comment("+30d 10:00", "tomas", "Last item moved to the observability backlog. Closing.")])

pull("infra", 7, "2024-02-20 10:00", "priya", "PITR drill script and runbook",
     "Part of #6. `scripts/pitr-drill.sh` restores last night's base backup plus WAL to a scratch instance and "
     "checks row counts. Runbook in `runbooks/pitr.md`. First drill: restore took 23 minutes.",
     head="priya/pitr-drill", merged="+2d 10:00", milestone=1, labels=["database"],
     reviews=[review("+1d 15:00", "tomas", "APPROVED", "Ran it myself, 21 minutes.")])

pull("infra", 8, "2024-07-18 10:00", "tomas", "Atlas cutover: DNS to the kubernetes ingress",
     "Part of #1. Switches api.quillfeather.example to the ingress load balancer with a 60s TTL. Rollback: revert "
     "this PR, Heroku stays warm for 72h.",
     head="tomas/cutover", merged="+1d 21:55", milestone=1, labels=["atlas"],
     reviews=[review("+1d 09:00", "maya", "APPROVED", "See you at 22:00.")])

issue("infra", 9, "2024-11-18 16:40", "omar", "Deploy freeze 2024: enforce in CI",
      "Last year the deploy freeze was enforced by trust. This year CI should refuse production deploys in the "
      "window unless the PR has the `freeze-exception` label and two approvals. Windows per {" + p2("freeze-2024") +
      "|the P2 post}: Nov 25 - Dec 2 and Dec 16 - Jan 2.",
      labels=["ci"], closed="2024-11-20 12:00",
      comments=[comment("+1d 09:00", "tomas", "PR in #10.")])

pull("infra", 10, "2024-11-19 10:00", "tomas", "CI: block production deploys during the freeze window",
     "Fixes #9. Reads windows from `freeze.yaml`; the deploy job fails with a link to the P2 post unless the "
     "exception label and two approvals are present.",
     head="tomas/freeze-ci", merged="+1d 12:00", closes=[9], labels=["ci"],
     reviews=[review("+1d 10:00", "omar", "APPROVED", "")])

issue("infra", 11, "2025-03-21 09:00", "tomas", "Replication lag alert is too noisy",
      "KestrelReplicationLagHigh fired 14 times last week, 13 of them for under 60s. Proposal: alert on 5 minutes "
      "over SLO, page only above 60s for 10 minutes.",
      labels=["incident"],
      comments=[comment("+0d 11:00", "maya", "+1. Paging on 60s for 10 minutes matches the SLO error budget.")])


# ---------------------------------------------------------------------------
# P2 story
# ---------------------------------------------------------------------------

CATEGORIES = [  # nicename, name, term id
    ("announcements", "Announcements", 3), ("engineering", "Engineering", 4), ("design", "Design", 5),
    ("support", "Support", 6), ("operations", "Operations", 7), ("company", "Company", 8),
]
CAT_NAME = {c[0]: c[1] for c in CATEGORIES}

POSTS = []


def post(key, who, title, blocks, cats, tags, resolved=None, status="publish", comments=(), gutenberg=True,
         modified=None, sticky=False):
    post_id, when, slug = P2_INDEX[key]
    POSTS.append(dict(key=key, id=post_id, when=when, slug=slug, who=who, title=title, blocks=blocks, cats=cats,
                      tags=tags, resolved=resolved, status=status, comments=list(comments), gutenberg=gutenberg,
                      modified=modified, sticky=sticky))


def pc(when, who, text, replies=(), approved=True):
    return dict(when=when, who=who, text=text, replies=list(replies), approved=approved)


post("priorities-2023", "hannah", "2023 priorities", [
    ("p", "We start 2023 with 1.9M notes synced a day, a support queue dominated by duplicate notes, and a Heroku bill "
          "that grew 60% last year. Three priorities follow from that."),
    ("h", "1. Sync that never loses or duplicates a note"),
    ("p", "Heron, our sync service, merges whole note bodies on the server. When the merge fails it keeps both versions. "
          "{@maya} will propose a replacement in February."),
    ("h", "2. One design system"),
    ("p", "Web, iOS and Android have drifted apart. {@lucia} will propose a shared design system."),
    ("h", "3. Leave Heroku"),
    ("p", "{@omar} owns the plan. The goal is to cut hosting cost by at least a third and get control over Postgres versions."),
], ["announcements"], ["planning", "2023"], sticky=True,
    comments=[pc("2023-01-06 16:10", "rosa", "Thank you for putting duplicate notes first. It is a third of our tickets."),
              pc("2023-01-06 17:40", "tomas", "Happy to see Heroku on the list. I will start collecting numbers.")])

post("kestrel-rfc", "maya", "RFC: Kestrel, a CRDT sync engine to replace Heron", [
    ("p", "This RFC proposes Kestrel, a new sync engine built on conflict-free replicated data types (CRDTs), to replace "
          "Heron's server-side diff3 merge. Please comment by Friday, February 17."),
    ("h", "Problem"),
    ("p", "Heron receives whole note bodies, diffs them against the last known version and merges with diff3. "
          "When diff3 fails, Heron keeps both versions as a \"conflicted copy\". That produces about 30% of support "
          "tickets and an O(n^2) reconciliation job that spikes CPU every afternoon."),
    ("h", "Proposal"),
    ("ul", ["Note bodies are an RGA sequence CRDT: every character insert and delete is an op.",
            "Titles and tags are LWW registers (last writer wins).",
            "Ops are ordered by a hybrid logical clock (HLC) plus replica id.",
            "Deleted characters stay as tombstones until a weekly compaction removes them.",
            "Every op carries an idempotent op id, so retries never apply twice."]),
    ("h", "Migration"),
    ("p", "Heron stays up as a translation layer for old clients until they drop below 2% of MAU. Notes are converted "
          "lazily on first edit. The migration is reversible until the translation layer is switched off."),
    ("h", "Open questions"),
    ("ul", ["Should titles merge like bodies? (tracked in {" + GH + "kestrel/issues/3|kestrel#3})",
            "Where do ops live: Postgres JSONB or a separate table?"]),
], ["engineering"], ["kestrel", "rfc", "sync", "heron", "crdt"], resolved="resolved",
    comments=[
        pc("2023-02-14 16:30", "priya", "Strong +1 on RGA. My worry is tombstone growth: our heaviest notes have 40k edits. "
           "Please make compaction part of v1.",
           [pc("2023-02-14 17:05", "maya", "Agreed, moving compaction into v1. Section 4 now describes version-vector compaction."),
            pc("2023-02-15 09:20", "priya", "Thanks. And op ids in the wire format from day one, so every op is idempotent.")]),
        pc("2023-02-15 10:00", "tomas", "Separate `ops` table partitioned by hash of note id, please. JSONB rows on the notes "
           "table would make vacuum miserable.",
           [pc("2023-02-15 11:30", "maya", "Yes. Updated the storage section.")]),
        pc("2023-02-15 14:00", "omar", "What is the rollback if Kestrel misbehaves in production?",
           [pc("2023-02-15 15:10", "maya", "Per-user flag. Flip it off and the client goes back to Heron; ops since the "
               "flip are replayed into Heron by the translation layer.")]),
        pc("2023-02-16 09:00", "jonah", "Mobile needs one core library, not three implementations. Rust with bindings?"),
        pc("2023-02-17 18:00", "maya", "Thanks everyone. Marking this resolved: Kestrel goes to a prototype, decisions on "
           "titles and storage are recorded above."),
    ])

post("titles-decision", "maya", "Decision: note titles use LWW, bodies use RGA", [
    ("p", "This settles {" + GH + "kestrel/issues/3|kestrel#3}, which asked how concurrent title edits should merge."),
    ("quote", "Decision: titles and tags are last-writer-wins registers ordered by HLC. Note bodies stay an RGA sequence."),
    ("p", "Why: people treat a title as a single value, and merged titles (\"Groceries Shopping list\") look broken. "
          "LWW is also cheaper, one register instead of a sequence per title. The losing title is kept in note history "
          "so nothing is lost."),
], ["engineering"], ["kestrel", "decision", "crdt"], resolved="resolved", gutenberg=False,
    comments=[pc("2023-03-29 17:00", "jonah", "Works for iOS. History keeps the old title, perfect."),
              pc("2023-03-30 08:40", "lucia", "Thank you, this matches how people think about titles.")])

post("android-dupes-pm", "ines", "Postmortem: duplicate notes on Android (April 2023)", [
    ("h", "Summary"),
    ("p", "From April 8 to April 15, Android 4.8.0 created duplicate notes when a device reconnected after offline "
          "edits. About 2,300 users were affected; no note content was lost."),
    ("h", "Cause"),
    ("p", "4.8.0 retried the sync POST on reconnect without an idempotency key, so the server treated the retry as a "
          "new note. Tracked in {" + GH + "quill-app/issues/480|quill-app#480}."),
    ("h", "What we changed"),
    ("ul", ["Server-side dedupe by client note id (April 11)",
            "Client sends an Idempotency-Key on every sync request ({" + GH + "quill-app/pull/483|#483})",
            "Kestrel protocol v2 will make every op idempotent by design"]),
    ("h", "Lessons"),
    ("p", "Any retry must be idempotent. We now check this in code review for every network call."),
], ["engineering"], ["postmortem", "incident", "android", "sync"],
    comments=[pc("2023-04-20 19:00", "rosa", "Support closed 412 tickets about this. Thank you for the fast fix."),
              pc("2023-04-21 09:10", "priya", "Adding the idempotency checklist to the PR template.")])

post("support-q1", "rosa", "Support quarterly: Q1 2023", [
    ("p", "2,904 tickets in Q1, median first response 3h02m, CSAT 91%."),
    ("ul", ["Duplicate notes: 29% (down from 31% in Q4)", "Android login loop: 11%", "PDF export: 6%"]),
    ("p", "{@felix} built macros for the top five ticket types; they cut handling time by a quarter."),
], ["support"], ["support", "quarterly"], gutenberg=False,
    comments=[pc("2023-05-15 15:00", "hannah", "Great quarter given the April incident. Thank you both.")])

post("kestrel-go", "omar", "Decision: Kestrel is a go", [
    ("p", "After the RFC, the prototype and the replay benchmark (Kestrel converges in 1.8s where Heron takes 41s and "
          "produces 37 conflicted copies), we are building Kestrel."),
    ("ul", ["Owner: platform team, {@maya} leads.", "Heron goes into maintenance mode: security fixes only.",
            "Target: Kestrel 1.0 in Q1 2024, behind a per-user flag.",
            "Not doing: real-time collaborative cursors. Maybe later, not in 1.0."]),
], ["engineering", "announcements"], ["kestrel", "decision", "heron"],
    comments=[pc("2023-06-01 18:00", "jonah", "Mobile commits to Swift and Kotlin bindings by 1.0."),
              pc("2023-06-02 09:00", "felix", "Does maintenance mode mean no fixes for the Android login loop in Heron?",
                 [pc("2023-06-02 09:30", "omar", "The login loop is in the app, not Heron. Still fixed.")])])

post("lantern-proposal", "lucia", "Proposal: Lantern, one design system for web and mobile", [
    ("p", "Our web app has 23 greys, iOS and Android use different spacing scales, and every new screen starts from "
          "scratch. Lantern is one design system for all three."),
    ("ul", ["One Figma library, owned by design", "Design tokens (colour, spacing, type) as the source of truth",
            "Tokens generated into CSS variables, Swift and Kotlin with Style Dictionary",
            "Components for web first, then iOS and Android"]),
    ("p", "Success looks like: a new screen built from Lantern components in a day, in light and dark mode, "
          "passing WCAG AA contrast."),
], ["design"], ["lantern", "rfc", "design-system"], resolved="resolved",
    comments=[pc("2023-08-07 15:00", "sam", "Yes! I will start the token audit this week."),
              pc("2023-08-08 10:00", "ines", "Dark mode tokens from day one please.",
                 [pc("2023-08-08 11:00", "lucia", "Promise. Dark mode is in the first token release.")]),
              pc("2023-08-10 12:00", "hannah", "Approved. Lantern it is.")])

post("atlas-rfc", "omar", "RFC: Atlas, leaving Heroku for kubernetes", [
    ("p", "Heroku costs $38k a month and will not let us pin Postgres versions. Atlas moves the API, Kestrel and the "
          "workers to kubernetes on EKS during Q1 and Q2 2024."),
    ("h", "Principles"),
    ("ul", ["Boring: managed node groups, Helm, no service mesh", "Every migration step is idempotent and reversible",
            "Staging first, production one service at a time", "Heroku stays warm for 72 hours after each cutover"]),
    ("h", "Not decided"),
    ("p", "EKS or GKE, and whether Postgres moves to RDS in the same project. Details and the step-by-step plan are "
          "in the private infra repository."),
], ["engineering", "operations"], ["atlas", "rfc", "kubernetes", "infrastructure", "migration"], resolved="resolved",
    comments=[pc("2023-10-02 16:30", "maya", "I will be the voice of caution: kubernetes for a team of three is a lot. "
                 "If we do it, keep it boring, and budget on-call time for the first months.",
                 [pc("2023-10-02 17:10", "omar", "Agreed, added an on-call budget section."),
                  pc("2023-10-03 08:30", "tomas", "Boring is the plan. I have run EKS before; the hard part is the database migration, not kubernetes.")]),
              pc("2023-10-04 11:00", "priya", "Please make the database migration its own RFC section with a rollback for every step."),
              pc("2023-10-09 10:00", "omar", "Resolved: Atlas goes ahead on EKS, Postgres moves to RDS in step 3.")])

post("freeze-2023", "omar", "Holiday deploy freeze 2023", [
    ("p", "From November 20 00:00 UTC until January 3 there are no production deploys of the API, the web app or "
          "Kestrel. Traffic doubles around the holidays and half the team is away."),
    ("h", "Exceptions"),
    ("p", "Security patches and fixes for customer-facing breakage. An exception needs approval from {@omar} and "
          "{@maya} in {#ops}, with the customer impact and the risk written down."),
    ("p", "Feature-flag flips are configuration and are allowed, with a note in {#ops}."),
], ["operations"], ["deploy-freeze", "process"],
    comments=[pc("2023-11-13 17:00", "tomas", "Last production deploy will be Friday the 17th."),
              pc("2023-11-14 09:00", "felix", "Does the deploy freeze apply to the help center?",
                 [pc("2023-11-14 09:30", "omar", "No, the help center is content, not code.")])])

post("review-2023", "hannah", "2023 in review", [
    ("p", "Duplicate-note tickets are down 72% since April. Kestrel went from RFC to a working prototype and a go "
          "decision. Lantern's tokens are in every app. Atlas has a plan and a staging cluster on the way."),
    ("p", "Thank you all. See you on January 3."),
], ["company"], ["year-in-review"], gutenberg=False)

post("atlas-staging", "tomas", "Atlas status: staging is on kubernetes", [
    ("p", "Staging runs on EKS since January 16. Helm charts for the API and kestrel-server are in the infra repo, "
          "and the migration runner is idempotent: every step checks state before it acts and can be re-run."),
    ("ul", ["Step 1 (cluster): done", "Step 2 (staging services): done",
            "Step 3 (Postgres 12 to 15 on RDS): scheduled for February 13",
            "Step 4 (production cutover): after step 3"]),
], ["operations"], ["atlas", "kubernetes", "migration"],
    comments=[pc("2024-01-22 16:00", "omar", "Great progress. Please do step 3 on a weekday, with everyone around.")])

post("outage-pm", "tomas", "Postmortem: 47-minute API outage during Atlas migration step 3", [
    ("h", "Summary"),
    ("p", "On February 13, 2024 at 14:07 UTC, production Postgres failed over while migration step 3 (the Postgres 15 "
          "upgrade) promoted the new replica. pgbouncer kept pointing at the old primary and the API returned 503s "
          "until 14:54 UTC. Thanks to Kestrel's client op queue, no notes were lost."),
    ("p", "Incident channel: {SLACK[ops 2024-02-13T14:07]|the #ops thread}."),
    ("h", "Root cause"),
    ("p", "pgbouncer was configured with the primary's IP address instead of its DNS name, so promotion did not move "
          "traffic. The migration runner's step 3 was idempotent, but the failover around it was not rehearsed."),
    ("h", "Action items"),
    ("ul", ["pgbouncer follows the primary by DNS", "PITR drill before every major migration step",
            "Status page template for sync pauses",
            "Tracked in {" + GH + "infra/issues/6|infra#6} (private)"]),
], ["operations", "engineering"], ["postmortem", "incident", "atlas", "migration", "postgres"],
    comments=[pc("2024-02-15 21:00", "maya", "Blameless and clear. The thing I want us to remember: idempotent steps are "
                 "necessary, not sufficient. Rehearse the failover."),
              pc("2024-02-16 09:00", "rosa", "Support answered 58 tickets during the outage. The status page text "
                 "(\"your notes are safe on your devices\") worked really well.")])

post("kestrel-1", "maya", "Kestrel 1.0 is out", [
    ("p", "Kestrel 1.0 is tagged ({" + GH + "kestrel/releases/tag/v1.0.0|release notes}) and rolling out behind the "
          "kestrel_sync flag: 5% of the beta cohort today, 25% on Thursday."),
    ("ul", ["Wire format v2 with idempotent op ids", "HLC ordering", "Cold-start replay 9x faster on Android"]),
    ("p", "What is next: tombstone compaction and a persistent op queue for offline-first."),
], ["engineering", "announcements"], ["kestrel", "release"],
    comments=[pc("2024-03-05 16:00", "hannah", "Congratulations to the whole platform team!"),
              pc("2024-03-06 10:00", "felix", "Is there a way for support to see if a user is on Kestrel?",
                 [pc("2024-03-06 10:40", "maya", "Yes, the admin panel shows \"Sync: Kestrel\" on the user page now.")])])

post("lantern-a11y", "sam", "Lantern accessibility audit results", [
    ("p", "We audited Lantern against WCAG 2.1 AA. Colour contrast: all 40 text/background pairs pass after the "
          "neutral ramp change. Focus states: 9 of 62 components have no visible focus ring."),
    ("p", "Fixes are tracked in the Lantern board; the date picker is the hardest."),
], ["design"], ["lantern", "accessibility"], resolved="unresolved",
    comments=[pc("2024-04-10 15:00", "kenji", "Happy to help with focus rings on iOS once I start in May.")])

post("welcome-kenji", "jonah", "Welcome Kenji!", [
    ("p", "Kenji Watanabe joins the mobile team today. Kenji spent five years on offline-first iOS and Android apps "
          "and will work on Kestrel's mobile bindings and Lantern components."),
    ("p", "Say hi to {@kenji} in #general, and send him your favourite undocumented corner of the codebase."),
], ["company"], ["team", "hiring", "mobile"],
    comments=[pc("2024-05-06 17:00", "kenji", "Thank you for the warm welcome!"),
              pc("2024-05-06 17:30", "lucia", "Welcome! Design crit is on Thursdays, come any time.")])

post("compaction", "priya", "Tombstone compaction: what we learned", [
    ("p", "The weekly compaction job shipped on June 10 ({" + GH + "kestrel/pull/9|kestrel#9}). Op storage went from "
          "1.31 TB to 0.81 TB."),
    ("h", "Three lessons"),
    ("ul", ["Make the job idempotent: watermark and deletes in one transaction, so a crash mid-run is harmless.",
            "Version vectors are cheap to store and make \"has everyone seen this?\" a simple comparison.",
            "A 90-day cutoff for dead replicas is fine: 0.3% of clients needed a full resync."]),
    ("code", "SELECT count(*) FROM ops WHERE tombstone AND hlc < watermark;"),
], ["engineering"], ["kestrel", "compaction", "postgres"],
    comments=[pc("2024-06-12 16:00", "tomas", "And the disk alerts stopped. Best kind of project.")])

post("atlas-retro", "omar", "Atlas retrospective", [
    ("p", "Atlas is done: since July 22 everything runs on kubernetes and Heroku is scaled to zero. Hosting cost is "
          "down about $21k a month, p95 API latency from 310ms to 190ms."),
    ("h", "What went well"),
    ("ul", ["Idempotent migration steps let us re-run safely many times", "Staging first found 14 config issues",
            "Cutover with Heroku warm as a rollback"]),
    ("h", "What did not"),
    ("ul", ["The February 13 outage: failover was not rehearsed", "Two weekends of migration windows for Tomas and Maya"]),
], ["operations"], ["atlas", "retro", "kubernetes", "migration"],
    comments=[pc("2024-07-23 16:00", "tomas", "For the next migration: PITR drills from day one, not after an incident."),
              pc("2024-07-24 09:00", "maya", "I was the kubernetes sceptic. It has been calmer than I feared.",
                 [pc("2024-07-24 09:40", "tomas", "Screenshotting this.")])])

post("pricing-draft", "hannah", "Pricing change: draft numbers (leadership only)", [
    ("p", "Private draft for the leadership team. Current: Pro $6/month, 41k paying users. Proposal: Pro $8/month from "
          "October 1, Teams $12 per seat with shared notebooks, admin controls and SSO."),
    ("ul", ["Expected churn: 4-6% of monthly Pro", "Expected ARR change: +18% to +24%",
            "Annual plans keep their price until renewal", "Support: discretionary 3-month discount, 500 codes max"]),
], ["company"], ["pricing", "draft-numbers"], status="private",
    comments=[pc("2024-08-05 19:00", "omar", "Numbers look right. Teams without SSO would not sell, so SSO is in."),
              pc("2024-08-06 09:00", "rosa", "Please add the support cost of the first two weeks, I estimate 400 tickets.")])

post("pricing", "hannah", "Pricing update: Pro is $8 and there is a new Teams tier", [
    ("p", "On October 1, Quillfeather Pro goes from $6 to $8 a month. It is the first price change since 2021, and it "
          "pays for Kestrel, offline-first sync and the support team that answers in hours, not days."),
    ("p", "We are also launching Teams at $12 per seat: shared notebooks, admin controls and single sign-on."),
    ("ul", ["Annual subscribers keep their current price until renewal.",
            "Monthly Pro subscribers get two emails before the change: today and September 24.",
            "Free stays free."]),
], ["announcements", "company"], ["pricing", "decision", "announcement", "teams"],
    comments=[pc("2024-09-03 16:00", "felix", "The support playbook is linked from the #support channel topic."),
              pc("2024-09-03 16:30", "lucia", "Pricing page with the three tiers goes live with this post.")])

post("support-pricing", "rosa", "Support playbook for the pricing change", [
    ("p", "What to say, what to offer, and when to escalate, for tickets about the new Pro price and the Teams tier."),
    ("ul", ["Macro pricing-explain: why the price changes, with a link to Hannah's post",
            "Macro pricing-annual: annual plans keep their price until renewal",
            "Discount: long-time Pro users who are upset can get code LOYAL3 (3 months at $6). Max 500 codes.",
            "Escalate to {@rosa}: anyone asking for a refund of an annual plan"]),
    ("p", "Tag every ticket pricing-2024 so we can report weekly."),
], ["support"], ["support", "pricing", "macros"], resolved="unresolved",
    comments=[pc("2024-09-04 15:00", "felix", "Should LOYAL3 also apply to Teams upgrades?",
                 [pc("2024-09-04 15:30", "rosa", "No, Pro only. Teams has its own 30-day trial.")]),
              pc("2024-10-10 10:00", "rosa", "Week 1 report: 61 tickets, 19 codes. Marking this resolved once the wave ends.")])

post("freeze-2024", "omar", "Holiday deploy freeze 2024 (and the exception template)", [
    ("p", "Updated after the discussion in {#ops}: two freeze windows this year instead of one long one."),
    ("ul", ["November 25 to December 2: Black Friday and the Teams launch traffic",
            "December 16 to January 2: the holidays"]),
    ("p", "CI now refuses production deploys inside a window ({" + GH + "infra/pull/10|infra#10}). To deploy anyway, "
          "the PR needs the freeze-exception label and two approvals."),
    ("h", "Exception template"),
    ("code", "What: \nCustomer impact if we wait: \nRisk and rollback: \nApprovers: "),
], ["operations"], ["deploy-freeze", "process", "decision"], modified="2024-11-19 10:00",
    comments=[pc("2024-11-18 18:00", "maya", "Thank you for shortening it. Two windows is a good compromise."),
              pc("2024-11-19 09:00", "priya", "Is the template required for flag flips too?",
                 [pc("2024-11-19 09:20", "omar", "No, flag flips are still just a note in #ops.")])])

post("review-2024", "hannah", "2024 in review", [
    ("p", "Kestrel 1.0 shipped in March and compaction in June. Atlas finished in July and cut hosting cost by $21k a "
          "month. Kenji joined mobile. Pro moved to $8 and Teams launched with SSO. Lantern reached every screen of "
          "the mobile apps."),
    ("p", "The February outage taught us to rehearse failovers; we have not had a data-loss incident all year."),
], ["company"], ["year-in-review"], gutenberg=False,
    comments=[pc("2024-12-19 18:00", "omar", "What a year. Thank you, everyone.")])

post("kestrel-2", "maya", "Kestrel 2.0: offline-first, and Heron's sunset date", [
    ("p", "Kestrel 2.0 keeps the op queue on disk ({" + GH + "kestrel/pull/11|kestrel#11}), so edits made offline "
          "survive app restarts, reboots and the OS killing the app. It ships in the apps at the end of January."),
    ("h", "Heron's sunset"),
    ("p", "Old clients that still talk to Heron are down to 1.1% of MAU. Heron will be switched off on March 31, 2025; "
          "the database is snapshotted and torn down on April 1. Users on old app versions see an update prompt from "
          "February 15."),
], ["engineering", "announcements"], ["kestrel", "heron", "release", "offline-first"],
    comments=[pc("2025-01-15 16:00", "rosa", "Support will prepare a macro for the update prompt."),
              pc("2025-01-15 17:00", "kenji", "Proud of this one. Killing the app mid-sync and losing nothing never gets old.")])

post("lag-review", "tomas", "Incident review: Kestrel replication lag (March 20)", [
    ("p", "From 07:40 to 09:11 UTC on March 20, 2025, replication lag in eu-west-1 exceeded the 5s SLO, peaking at "
          "94s at p99. Web users saw stale notes for up to an hour. No data was lost."),
    ("p", "Cause: one tenant bulk-imported 300k notes through the API, and fan-out was per op. Fixed by batching "
          "fan-out per note ({" + GH + "kestrel/pull/13|kestrel#13}). Timeline: {SLACK[ops 2025-03-20T08:05]|#ops thread}."),
    ("ul", ["Rate limits per tenant on bulk import", "Alert tuning ({" + GH + "infra/issues/11|infra#11}, private)",
            "Replay test with 500k notes in CI before every Kestrel release"]),
], ["operations", "engineering"], ["incident", "postmortem", "kestrel", "slo"],
    comments=[pc("2025-03-24 17:00", "felix", "23 tickets, all answered within the hour. The tag kestrel-lag helped.")])

post("adr-decision", "omar", "Decision: ADRs for architecture, P2 for discussion", [
    ("p", "Half of Kestrel's decisions live in Slack threads nobody can find. From now on:"),
    ("ul", ["Discussion happens on P2 (RFC posts, comments).",
            "The outcome is an ADR (architecture decision record) in the repo under docs/adr/.",
            "We backfill the five biggest Kestrel decisions ({" + GH + "kestrel/issues/14|kestrel#14})."]),
], ["engineering"], ["process", "decision", "adr"], resolved="resolved",
    comments=[pc("2025-04-09 16:00", "maya", "Yes. And link the ADR from the P2 post when it is merged."),
              pc("2025-04-10 09:00", "lucia", "Should design decisions get ADRs too?",
                 [pc("2025-04-10 10:00", "omar", "Design has Figma decision pages; link them from P2. ADRs are for code.")])])

post("android8", "ines", "Proposal: drop Android 8", [
    ("p", "Android 8 (API 26) is 1.7% of Android MAU and costs us a second notification-channel path and the "
          "WorkManager backport. Proposal: raise minSdk to 28 with the Lantern 1.0 release. Discussion started in "
          "{" + GH + "quill-app/issues/545|quill-app#545}."),
], ["engineering"], ["android", "rfc"], resolved="unresolved",
    comments=[pc("2025-05-12 15:00", "rosa", "From support: about one ticket a month from Android 8 users. Fine by us."),
              pc("2025-05-13 09:00", "jonah", "Let's decide in June, after Lantern 1.0."),
              pc("2025-05-14 03:12", "seo-bot", "Great post! Visit our site for cheap followers.", approved=False)])

post("lantern-1", "lucia", "Lantern 1.0 shipped", [
    ("p", "Every screen on web, iOS and Android now uses Lantern: 62 components, 7 greys (down from 23), dark mode "
          "everywhere, WCAG AA contrast and visible focus rings on every component."),
    ("p", "Thank you {@sam}, {@kenji}, {@ines} and {@jonah}. Lantern began as priority 2 of 2023; it took 22 months."),
], ["design", "announcements"], ["lantern", "release", "design-system"],
    comments=[pc("2025-06-20 17:00", "hannah", "Beautiful work, all of you."),
              pc("2025-06-21 10:00", "sam", "Next: a Lantern site with usage guidelines.")])

post("draft-kestrel3", "maya", "Kestrel 3 ideas (draft)", [
    ("p", "Draft, not ready: real-time cursors, end-to-end encrypted ops, a WASM core for the web."),
], ["engineering"], ["kestrel"], status="draft")

# ---------------------------------------------------------------------------
# Meeting notes: a source Lore has no importer for, brought in as JSON Lines
# ---------------------------------------------------------------------------

# when, author, title, text, principals (person keys; empty = public)
MEETINGS = [
    ("2023-01-12 16:00", "omar", "Platform weekly", "Attendees: Omar, Maya, Tomas, Priya.\n- Heron reconciliation job spikes CPU daily; move to 03:00 UTC.\n- Maya writes the Kestrel RFC, due Feb 14.\n- Tomas collects Heroku cost numbers for Atlas.", []),
    ("2023-02-23 16:00", "maya", "Platform weekly", "- Kestrel RFC resolved: prototype approved.\n- Storage: separate ops table partitioned by note id hash.\n- Priya starts the RGA prototype.", []),
    ("2023-03-30 15:00", "lucia", "Design crit", "- Title conflict semantics: LWW decided (P2). Design agrees.\n- Sam presents the grey audit: 23 greys on web.\n- Lantern naming accepted.", []),
    ("2023-04-13 16:00", "maya", "Incident sync: Android duplicates", "- Server-side dedupe live since April 11.\n- Client fix (idempotency key) in review.\n- Rosa: 64 tickets linked to quill-app#480.\n- Postmortem owner: Ines.", []),
    ("2023-06-01 17:30", "hannah", "Leadership weekly", "- Kestrel go decision posted.\n- Board deck uses the replay benchmark.\n- Heroku bill at $36k/month; Atlas RFC in Q4.", ["hannah", "omar", "maya", "lucia", "rosa"]),
    ("2023-08-10 15:00", "lucia", "Design crit", "- Lantern proposal approved by Hannah.\n- Style Dictionary for token generation.\n- Dark mode tokens in the first release (Ines' ask).", []),
    ("2023-10-12 16:00", "omar", "Platform weekly", "- Atlas: EKS vs GKE decision by Oct 27.\n- Maya's concern: kubernetes on-call load. Budget 20% of Tomas' time for Q1.\n- Protocol v2 with idempotent op ids merged.", []),
    ("2023-11-16 16:00", "omar", "Platform weekly", "- Deploy freeze starts Monday. Last deploy Friday 17:00 UTC.\n- Exceptions: Omar + Maya approve in #ops.", []),
    ("2024-01-18 16:00", "tomas", "Atlas standup", "- Staging on kubernetes since Jan 16.\n- Migration runner: idempotent steps, dry-run mode.\n- Step 3 (Postgres upgrade) on Feb 13; needs a PITR snapshot first.", []),
    ("2024-02-15 16:00", "omar", "Incident review: Feb 13 outage", "- 47 minutes of 503s; no data lost.\n- Root cause: pgbouncer pointed at an IP.\n- Atlas paused two weeks; PITR drill first (Priya).", []),
    ("2024-03-07 16:00", "maya", "Platform weekly", "- Kestrel 1.0 at 5% of beta, dashboards green, 25% today.\n- Next: compaction (Priya), persistent queue (Maya).", []),
    ("2024-05-09 15:00", "jonah", "Mobile weekly", "- Kenji onboarding: first PR (settings on Lantern tokens) merged.\n- Android 14 battery complaints rising; Ines investigating.", []),
    ("2024-07-25 16:00", "omar", "Atlas retro meeting", "- What went well: idempotent steps, staging first.\n- What did not: unrehearsed failover.\n- Heroku account closes Aug 31.", []),
    ("2024-08-08 17:00", "hannah", "Leadership weekly", "- Pricing: Pro $8, Teams $12/seat, announce Sept 3.\n- SSO via managed provider (Maya: 4-6 weeks).\n- Support discount codes: 500 max.", ["hannah", "omar", "maya", "lucia", "rosa"]),
    ("2024-09-12 15:00", "rosa", "Support weekly", "- Pricing week 1: 61 tickets, 19 LOYAL3 codes.\n- Macro pricing-annual used 40 times.\n- No refunds requested yet.", []),
    ("2024-11-21 16:00", "omar", "Platform weekly", "- Deploy freeze 2024: two windows, CI enforced (infra#10).\n- Heron traffic at 1.4% of MAU.", []),
    ("2025-01-16 16:00", "maya", "Platform weekly", "- Kestrel 2.0 release Jan 28.\n- Heron sunset March 31; teardown April 1 (Tomas).\n- Kenji upstreams the SQLite queue.", []),
    ("2025-03-27 16:00", "tomas", "Incident review: replication lag", "- Batched fan-out shipped (kestrel#13).\n- Per-tenant bulk import limits.\n- Alert tuning proposal in infra#11.", []),
    ("2025-04-10 17:00", "hannah", "Leadership weekly", "- Headcount: one platform engineer, one part-time EU support.\n- ADR process adopted.", ["hannah", "omar", "maya", "lucia", "rosa"]),
    ("2025-06-19 15:00", "lucia", "Design crit", "- Lantern 1.0 ships tomorrow.\n- Date picker focus ring fixed; RTL toolbar merged.\n- Next: Lantern guidelines site.", []),
]


# ===========================================================================
# Writers
# ===========================================================================

RECORDS = []  # JSONL records of every source


def record(**fields):
    """A JSONL record; empty optional fields are left out."""
    out = {}
    for k, v in fields.items():
        if v is None or v == [] or v == "":
            if k in ("text",):
                out[k] = ""
            continue
        out[k] = v
    RECORDS.append(out)
    return out


def features(text, render_has_link, extra=()):
    has = []
    if render_has_link:
        has.append("link")
    if has_code(text):
        has.append("code")
    has.extend(extra)
    return has


def uid(*parts):
    """A deterministic UUID-looking string."""
    h = hashlib.sha1("/".join(parts).encode()).hexdigest()
    return "%s-%s-%s-%s-%s" % (h[:8], h[8:12], h[12:16], h[16:20], h[20:32])


def sha(*parts):
    return hashlib.sha1(("sha/" + "/".join(parts)).encode()).hexdigest()


def dumps_export(obj):
    # Exports are pretty-printed like the real ones; key order is insertion
    # order, which is fixed.
    return json.dumps(obj, indent=4, ensure_ascii=False) + "\n"


# ---------------------------------------------------------------------------
# Slack
# ---------------------------------------------------------------------------

def slack_url(cid, ts, thread_ts=None):
    url = "https://%s/archives/%s/p%s" % (SLACK_HOST, cid, ts.replace(".", ""))
    if thread_ts and thread_ts != ts:
        url += "?thread_ts=%s&cid=%s" % (thread_ts, cid)
    return url


def assign_slack():
    """Gives every message a datetime and a unique ts, oldest first."""
    flat = []
    for order, th in enumerate(SLACK):
        root = th["root"]
        root["dt"] = parse_when(root["when"])
        flat.append((root["dt"], order, 0, root))
        for i, r in enumerate(th["replies"]):
            r["dt"] = parse_when(r["when"], root["dt"])
            assert r["dt"] > root["dt"], (root["when"], r["when"])
            flat.append((r["dt"], order, i + 1, r))
    flat.sort(key=lambda x: (x[0], x[1], x[2]))
    for seq, (dt, _, _, m) in enumerate(flat, start=1):
        m["dt"] = with_seconds(dt)
        m["ts"] = "%d.%06d" % (epoch(m["dt"]), seq * 100)
        if m.get("edited"):
            m["edited_dt"] = with_seconds(parse_when(m["edited"], m["dt"]))
            if m["edited_dt"] <= m["dt"]:
                m["edited_dt"] = m["dt"] + timedelta(minutes=1)
    for th in SLACK:
        th["root"]["dt_minute"] = parse_when(th["root"]["when"])
        for r in th["replies"]:
            r["thread_ts"] = th["root"]["ts"]
        cid = CHAN[th["channel"]][1]
        key = "%s %s" % (th["channel"], th["root"]["dt_minute"].strftime("%Y-%m-%dT%H:%M"))
        SLACK_LINKS[key] = slack_url(cid, th["root"]["ts"])


def slack_user_profile(p):
    return {"avatar_hash": hashlib.md5(p.key.encode()).hexdigest()[:12],
            "image_72": "https://avatars.slack-edge.com/2023-01-03/%s_72.png" % p.slack_id.lower(),
            "first_name": p.first, "real_name": p.name, "display_name": p.key, "team": SLACK_TEAM,
            "name": p.key, "is_restricted": False, "is_ultra_restricted": False}


def slack_file(m, idx, spec):
    name, mimetype, size = spec
    p = PEOPLE[m["who"]]
    fid = "F0" + hashlib.sha1((m["ts"] + name).encode()).hexdigest()[:9].upper()
    ext = name.rsplit(".", 1)[1]
    slug = name.lower().replace(" ", "_")
    return {"id": fid, "created": epoch(m["dt"]), "timestamp": epoch(m["dt"]), "name": name, "title": name,
            "mimetype": mimetype, "filetype": ext, "pretty_type": ext.upper(), "user": p.slack_id,
            "user_team": SLACK_TEAM, "editable": False, "size": size, "mode": "hosted", "is_external": False,
            "external_type": "", "is_public": CHAN[m["channel"]][2] == "channel", "public_url_shared": False,
            "display_as_bot": False, "username": "",
            "url_private": "https://files.slack.com/files-pri/%s-%s/%s" % (SLACK_TEAM, fid, slug),
            "url_private_download": "https://files.slack.com/files-pri/%s-%s/download/%s" % (SLACK_TEAM, fid, slug),
            "permalink": "https://%s/files/%s/%s/%s" % (SLACK_HOST, p.slack_id, fid, slug),
            "permalink_public": "https://slack-files.com/%s-%s-%s" % (SLACK_TEAM, fid, hashlib.sha1(fid.encode()).hexdigest()[:10]),
            "is_starred": False, "has_rich_preview": False}


def slack_message_json(th, m, is_root):
    """One message as it appears in a day file of the export."""
    channel = th["channel"]
    cid = CHAN[channel][1]
    m["channel"] = channel
    if m.get("join"):
        p = PEOPLE[m["who"]]
        return {"type": "message", "subtype": "channel_join", "ts": m["ts"], "user": p.slack_id,
                "text": "<@%s> has joined the channel" % p.slack_id}
    if m.get("bot"):
        return {"type": "message", "subtype": "bot_message", "text": to_slack(m["text"]), "ts": m["ts"],
                "username": BOT_NAME, "bot_id": BOT_ID,
                "bot_profile": {"id": BOT_ID, "deleted": False, "name": BOT_NAME, "updated": 1672741200,
                                "app_id": "A05DPLAPP1", "icons": {"image_36": "https://a.slack-edge.com/deploybot_36.png"},
                                "team_id": SLACK_TEAM},
                "blocks": slack_blocks(m["text"])}
    p = PEOPLE[m["who"]]
    out = {"client_msg_id": uid("slack", m["ts"]), "type": "message", "text": to_slack(m["text"]),
           "user": p.slack_id, "ts": m["ts"], "team": SLACK_TEAM}
    if m.get("files"):
        out["files"] = [slack_file(m, i, f) for i, f in enumerate(m["files"])]
        out["upload"] = False
        out["display_as_bot"] = False
    if m.get("edited"):
        out["edited"] = {"user": p.slack_id, "ts": "%d.000000" % epoch(m["edited_dt"])}
    out["user_team"] = SLACK_TEAM
    out["source_team"] = SLACK_TEAM
    out["user_profile"] = slack_user_profile(p)
    out["blocks"] = slack_blocks(m["text"])
    if is_root and th["replies"]:
        replies = th["replies"]
        users = []
        for r in replies:
            if PEOPLE[r["who"]].slack_id not in users:
                users.append(PEOPLE[r["who"]].slack_id)
        out["thread_ts"] = m["ts"]
        out["reply_count"] = len(replies)
        out["reply_users_count"] = len(users)
        out["latest_reply"] = replies[-1]["ts"]
        out["reply_users"] = users
        out["replies"] = [{"user": PEOPLE[r["who"]].slack_id, "ts": r["ts"]} for r in replies]
        out["is_locked"] = False
        out["subscribed"] = False
    elif not is_root:
        out["thread_ts"] = th["root"]["ts"]
        out["parent_user_id"] = PEOPLE[th["root"]["who"]].slack_id
    if m.get("reactions"):
        out["reactions"] = [{"name": name, "users": [PEOPLE[u].slack_id for u in users], "count": len(users)}
                            for name, users in m["reactions"]]
    if m.get("pinned"):
        out["pinned_to"] = [cid]
    return out


def slack_records():
    for th in SLACK:
        channel = th["channel"]
        name, cid, kind = CHAN[channel][:3]
        principals = [] if kind == "channel" else sorted("slack:" + PEOPLE[k].slack_id for k in members_of(channel))
        root = th["root"]
        if root.get("join"):
            continue
        root_id = "slack:%s/%s" % (cid, root["ts"])
        for i, m in enumerate([root] + th["replies"]):
            is_root = i == 0
            extra = []
            if m.get("files"):
                extra.append("file")
                if any(f[1].startswith("image/") for f in m["files"]):
                    extra.append("image")
            if m.get("reactions"):
                extra.append("reaction")
            text = slack_plain(m["text"])
            if m.get("bot"):
                author, author_id, aliases = BOT_NAME, BOT_ID, []
            else:
                p = PEOPLE[m["who"]]
                author, author_id, aliases = p.name, p.slack_id, [p.key]
            rid = "slack:%s/%s" % (cid, m["ts"])
            record(id=rid, source="slack", kind="message" if is_root else "reply", space=name,
                   thread=root_id, parent=None if is_root else root_id, author=author, author_id=author_id,
                   date=iso(m["dt"]), updated=iso(m["edited_dt"]) if m.get("edited") else None,
                   url=slack_url(cid, m["ts"], root["ts"]), text=text, principals=principals,
                   has=features(m["text"], has_link(m["text"]), extra),
                   mentions=[PEOPLE[k].name for k in mentioned(m["text"])],
                   author_aliases=aliases, space_aliases=[cid] if cid != name else [],
                   bot=True if m.get("bot") else None, edited=True if m.get("edited") else None)


def slack_channel_meta(c):
    name, cid, kind, _, purpose, created = c
    members = [PEOPLE[k].slack_id for k in members_of(name)]
    created_e = epoch(parse_when(created))
    creator = PEOPLE["hannah"].slack_id if kind != "mpim" else PEOPLE["rosa"].slack_id
    if kind == "dm":
        return {"id": cid, "created": created_e, "members": members}
    out = {"id": cid, "name": name, "created": created_e, "creator": creator, "is_archived": False,
           "is_general": name == "general", "members": members}
    pins = [{"id": m["ts"], "type": "C", "user": PEOPLE[m["who"]].slack_id, "owner": PEOPLE[m["who"]].slack_id,
             "created": epoch(m["dt"]) + 60}
            for th in SLACK if th["channel"] == name for m in [th["root"]] if m.get("pinned")]
    if pins:
        out["pins"] = pins
    out["topic"] = {"value": "", "creator": "", "last_set": 0}
    out["purpose"] = {"value": purpose, "creator": creator, "last_set": created_e}
    return out


def slack_users_json():
    users = []
    for p in PEOPLE.values():
        users.append({
            "id": p.slack_id, "team_id": SLACK_TEAM, "name": p.key, "deleted": False,
            "color": hashlib.md5(p.name.encode()).hexdigest()[:6], "real_name": p.name,
            "tz": "Europe/London", "tz_label": "Greenwich Mean Time", "tz_offset": 0,
            "profile": {"title": p.title, "phone": "", "skype": "", "real_name": p.name,
                        "real_name_normalized": p.name, "display_name": p.key, "display_name_normalized": p.key,
                        "fields": None, "status_text": "", "status_emoji": "", "status_expiration": 0,
                        "avatar_hash": hashlib.md5(p.key.encode()).hexdigest()[:12], "email": p.email,
                        "first_name": p.first, "last_name": p.last,
                        "image_72": "https://avatars.slack-edge.com/2023-01-03/%s_72.png" % p.slack_id.lower(),
                        "team": SLACK_TEAM},
            "is_admin": p.key in ("hannah", "omar"), "is_owner": p.key == "hannah",
            "is_primary_owner": p.key == "hannah", "is_restricted": False, "is_ultra_restricted": False,
            "is_bot": False, "is_app_user": False, "updated": 1704067200, "is_email_confirmed": True,
            "who_can_share_contact_card": "EVERYONE"})
    users.append({
        "id": BOT_USER, "team_id": SLACK_TEAM, "name": BOT_NAME, "deleted": False, "color": "9f69e7",
        "real_name": "Deploy Bot",
        "profile": {"title": "", "phone": "", "skype": "", "real_name": "Deploy Bot", "real_name_normalized": "Deploy Bot",
                    "display_name": "", "display_name_normalized": "", "fields": None, "status_text": "",
                    "status_emoji": "", "status_expiration": 0, "avatar_hash": "g5a1b2c3d4e5", "bot_id": BOT_ID,
                    "api_app_id": "A05DPLAPP1", "always_active": True, "first_name": "Deploy Bot", "last_name": "",
                    "team": SLACK_TEAM},
        "is_admin": False, "is_owner": False, "is_primary_owner": False, "is_restricted": False,
        "is_ultra_restricted": False, "is_bot": True, "is_app_user": False, "updated": 1672741200})
    return users


def write_slack_export(path):
    files = {}
    files["users.json"] = slack_users_json()
    files["channels.json"] = [slack_channel_meta(c) for c in CHANNELS if c[2] == "channel"]
    files["groups.json"] = [slack_channel_meta(c) for c in CHANNELS if c[2] == "private"]
    files["dms.json"] = [slack_channel_meta(c) for c in CHANNELS if c[2] == "dm"]
    files["mpims.json"] = [slack_channel_meta(c) for c in CHANNELS if c[2] == "mpim"]
    files["integration_logs.json"] = {"logs": [{"service_id": "A05DPLAPP1", "service_type": "Bot",
                                                "user_id": PEOPLE["tomas"].slack_id, "user_name": "tomas",
                                                "date": "1672741200", "change_type": "added", "scope": "bot",
                                                "reason": "", "channel": "ops"}]}
    days = {}
    for th in SLACK:
        folder = CHAN[th["channel"]][0]
        for i, m in enumerate([th["root"]] + th["replies"]):
            obj = slack_message_json(th, m, i == 0)
            day = m["dt"].strftime("%Y-%m-%d")
            days.setdefault((folder, day), []).append((m["ts"], obj))
    folders = sorted({f for f, _ in days})
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        def add(name, data):
            info = zipfile.ZipInfo(name, ENTRY_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, data)
        for name in ["channels.json", "dms.json", "groups.json", "integration_logs.json", "mpims.json", "users.json"]:
            add(name, dumps_export(files[name]))
        for folder in folders:
            info = zipfile.ZipInfo(folder + "/", ENTRY_TIME)
            info.external_attr = (0o40755 << 16) | 0x10
            z.writestr(info, b"")
            for (f, day) in sorted(k for k in days if k[0] == folder):
                msgs = [obj for ts, obj in sorted(days[(f, day)], key=lambda x: x[0])]
                add("%s/%s.json" % (folder, day), dumps_export(msgs))
    with open(path, "wb") as fh:
        fh.write(buf.getvalue())
    return len(folders), len(days)


# ---------------------------------------------------------------------------
# GitHub
# ---------------------------------------------------------------------------

def gh_user_url(key):
    return GH.rstrip("/").replace("/" + ORG, "") + "/" + PEOPLE[key].login


def repo_url(repo):
    return GH + repo


def assign_github():
    """Resolves dates and hands out comment, review and review-comment ids
    in time order, the way GitHub's ids grow."""
    comments, reviews, rcs = [], [], []
    for it in ISSUES:
        it["dt"] = with_seconds(parse_when(it["when"]))
        for key in ("merged", "closed"):
            if it.get(key):
                it[key + "_dt"] = with_seconds(parse_when(it[key], it["dt"]))
        if it.get("merged") and it["merged"] == it.get("closed"):
            it["closed_dt"] = it["merged_dt"]  # merging closes at the same second
        for c in it["comments"]:
            c["dt"] = with_seconds(parse_when(c["when"], it["dt"]))
            comments.append((c["dt"], c))
        for rv in it["reviews"]:
            rv["dt"] = with_seconds(parse_when(rv["when"], it["dt"]))
            reviews.append((rv["dt"], rv))

            def walk(items, review_obj, top):
                for x in items:
                    x["dt"] = with_seconds(parse_when(x["when"], it["dt"]))
                    # Comments written as part of a review count from its
                    # submission, so a thread never starts before its review.
                    if x["dt"] < review_obj["dt"]:
                        x["dt"] = review_obj["dt"]
                    x["review"] = review_obj
                    x["top"] = top or x
                    rcs.append((x["dt"], x))
                    walk(x["replies"], review_obj, top or x)
            walk(rv["comments"], rv, None)
    for base, items in ((1448000000, comments), (1318000000, reviews), (1129000000, rcs)):
        n = base
        for _, x in sorted(items, key=lambda p: p[0]):
            n += RNG.randint(1500, 95000)
            x["id"] = n
    for it in ISSUES:
        last = max([it["dt"]] + [c["dt"] for c in it["comments"]] + [it.get("closed_dt", it["dt"])])
        it["updated_dt"] = last
    for r in RELEASES:
        r["dt"] = with_seconds(parse_when(r["when"]))
    for m in MILESTONES:
        m["dt"] = with_seconds(parse_when(m["when"]))


def gh_item_url(it):
    return "%s/%s/%d" % (repo_url(it["repo"]), "issues" if it["type"] == "issue" else "pull", it["n"])


def gh_labels(it):
    return ["%s/labels/%s" % (repo_url(it["repo"]), l.replace(" ", "%20")) for l in it["labels"]]


def gh_reactions(items, subject, dt):
    return [{"user": gh_user_url(who), "content": content, "subject_type": subject,
             "created_at": iso(dt + timedelta(hours=1 + i))} for i, (content, who) in enumerate(items)]


def milestone_url(repo, n):
    return "%s/milestones/%d" % (repo_url(repo), n)


def gh_state(it):
    if it.get("merged_dt"):
        return "merged"
    return "closed" if it.get("closed_dt") else "open"


def github_records():
    private = {r[0] for r in REPOS if r[1]}
    for it in ISSUES:
        repo = it["repo"]
        space = ORG + "/" + repo
        principals = ["github:" + space] if repo in private else []
        iid = "github:%s#%d" % (space, it["n"])
        p = PEOPLE[it["who"]]
        record(id=iid, source="github", kind=it["type"], space=space, thread=iid, title=it["title"],
               author=p.name, author_id=p.login, date=iso(it["dt"]),
               # Migration archives give updated_at for issues only.
               updated=iso(it["updated_dt"]) if it["type"] == "issue" and it["updated_dt"] != it["dt"] else None,
               url=gh_item_url(it), tags=it["labels"], state=gh_state(it), text=markdown_plain(it["body"]),
               principals=principals, author_aliases=[p.key],
               has=features(it["body"], has_link(it["body"]), ["reaction"] if it["reactions"] else []),
               mentions=[PEOPLE[k].login for k in mentioned(it["body"])])
        base_url = gh_item_url(it)
        for c in it["comments"]:
            cp = PEOPLE[c["who"]]
            record(id="%s/comment/%d" % (iid, c["id"]), source="github", kind="issue_comment", space=space,
                   thread=iid, parent=iid, title=None, author=cp.name, author_id=cp.login, date=iso(c["dt"]),
                   url="%s#issuecomment-%d" % (base_url, c["id"]), text=markdown_plain(c["body"]),
                   principals=principals, author_aliases=[cp.key],
                   has=features(c["body"], has_link(c["body"]), ["reaction"] if c.get("reactions") else []))
        for rv in it["reviews"]:
            rp = PEOPLE[rv["who"]]
            rid = "%s/review/%d" % (iid, rv["id"])
            record(id=rid, source="github", kind="review", space=space, thread=iid, parent=iid,
                   author=rp.name, author_id=rp.login, date=iso(rv["dt"]),
                   url="%s#pullrequestreview-%d" % (base_url, rv["id"]), text=markdown_plain(rv["body"]),
                   principals=principals, author_aliases=[rp.key])

            def walk(items, parent_id):
                for x in items:
                    xp = PEOPLE[x["who"]]
                    xid = "%s/review-comment/%d" % (iid, x["id"])
                    record(id=xid, source="github", kind="review_comment", space=space, thread=iid,
                           parent=parent_id, author=xp.name, author_id=xp.login, date=iso(x["dt"]),
                           url="%s#discussion_r%d" % (base_url, x["id"]), text=markdown_plain(x["body"]),
                           principals=principals, author_aliases=[xp.key],
                           has=features(x["body"], has_link(x["body"])))
                    walk(x["replies"], xid)
            walk(rv["comments"], rid)
    for r in RELEASES:
        space = ORG + "/" + r["repo"]
        rid = "github:%s/release/%s" % (space, r["tag"])
        p = PEOPLE[r["who"]]
        record(id=rid, source="github", kind="release", space=space, thread=rid, title=r["name"], author=p.name,
               author_id=p.login, date=iso(r["dt"]), url="%s/releases/tag/%s" % (repo_url(r["repo"]), r["tag"]),
               text=markdown_plain(r["body"]), principals=["github:" + space] if r["repo"] in private else [],
               author_aliases=[p.key])


def github_archive_files():
    files = []
    files.append(("schema.json", json.dumps({"version": "1.0.1", "github_sha": sha("schema")}, separators=(",", ":"))))
    files.append(("organizations_000001.json", dumps_export([{
        "type": "organization", "url": GH.rstrip("/"), "login": ORG, "name": "Quillfeather Labs",
        "description": "Notes that sync everywhere, without losing a word.", "website": "https://quillfeather.example",
        "location": "", "email": "hello@quillfeather.example",
        "members": [{"user": gh_user_url(k), "role": "admin" if k in ("hannah", "omar") else "direct_member",
                     "state": "active"} for k in PEOPLE],
        "webhooks": [], "created_at": "2019-04-30T10:00:00Z"}])))
    teams = [("platform", ["kestrel", "infra"]), ("mobile", ["quill-app", "kestrel"]), ("design", ["quill-app"]),
             ("support", ["quill-app"]), ("leadership", ["kestrel", "quill-app", "infra"])]
    files.append(("teams_000001.json", dumps_export([{
        "type": "team", "url": "%sorgs/%s/teams/%s" % (GH.replace("/" + ORG + "/", "/"), ORG, t),
        "organization": GH.rstrip("/"), "name": t.capitalize(), "description": "", "permissions": [
            {"repository": repo_url(r), "access": "admin" if t == "leadership" else "write"} for r in repos],
        "members": [{"user": gh_user_url(p.key), "role": "member"} for p in PEOPLE.values() if p.team == t],
        "created_at": "2019-05-02T12:00:00Z"} for t, repos in teams])))
    repos = []
    for name, private, description, created in REPOS:
        repos.append({
            "type": "repository", "url": repo_url(name), "owner": GH.rstrip("/"), "name": name,
            "description": description, "website": "", "private": private, "has_issues": True, "has_wiki": False,
            "has_downloads": True, "is_archived": False,
            "labels": [{"url": "%s/labels/%s" % (repo_url(name), l.replace(" ", "%20")), "name": l, "color": color,
                        "description": desc, "created_at": iso(parse_when(created))}
                       for l, color, desc in REPO_LABELS[name]],
            "collaborators": [], "created_at": iso(parse_when(created)),
            "git_url": "tarball://root/repositories/%s/%s.git" % (ORG, name), "default_branch": "main",
            "webhooks": [], "page": None, "public_keys": [], "repository_topics": [],
            "security_and_analysis": {"dependency_graph": False, "vulnerability_alerts": False,
                                      "vulnerability_updates": False, "advanced_security": False,
                                      "token_scanning": False, "token_scanning_push_protection": False},
            "autolinks": [],
            "general_settings": {"template": False, "allow_forking": not private, "sponsorships": False,
                                 "projects": True, "discussions": False, "merge_commit": False, "squash_merge": True,
                                 "rebase_merge": False, "auto_merge": True, "delete_branch_heads": True,
                                 "update_branch": False, "git_lfs_in_archives": False}})
    files.append(("repositories_000001.json", dumps_export(repos)))
    users = []
    for i, p in enumerate(PEOPLE.values()):
        users.append({"type": "user", "url": gh_user_url(p.key),
                      "avatar_url": "https://avatars.githubusercontent.com/u/%d?v=4" % (91230001 + i * 7919),
                      "login": p.login, "name": p.name, "bio": p.title, "company": "@" + ORG, "website": "",
                      "location": "", "emails": [{"address": "%d+%s@users.noreply.github.com" % (91230001 + i * 7919, p.login),
                                                  "primary": True, "verified": True}],
                      "social_accounts": [], "billing_plan": None, "created_at": "2019-0%d-1%dT09:00:00Z" % (1 + i % 9, i % 10)})
    files.append(("users_000001.json", dumps_export(users)))

    issues, pulls, comments, reviews, rcs, events = [], [], [], [], [], []
    for it in ISSUES:
        url = gh_item_url(it)
        common = {"assignee": gh_user_url(it["assignees"][0]) if it["assignees"] else None,
                  "assignees": [gh_user_url(a) for a in it["assignees"]],
                  "milestone": milestone_url(it["repo"], it["milestone"]) if it["milestone"] else None,
                  "labels": gh_labels(it),
                  "reactions": gh_reactions(it["reactions"], "Issue" if it["type"] == "issue" else "PullRequest", it["dt"])}
        if it["type"] == "issue":
            issues.append(dict({"type": "issue", "url": url, "repository": repo_url(it["repo"]),
                                "user": gh_user_url(it["who"]), "title": it["title"], "body": to_markdown(it["body"])},
                               **common, closed_at=iso(it["closed_dt"]) if it.get("closed_dt") else None,
                               created_at=iso(it["dt"]), updated_at=iso(it["updated_dt"])))
        else:
            head_sha = sha(url, "head")
            pulls.append(dict({"type": "pull_request", "url": url, "user": gh_user_url(it["who"]),
                               "repository": repo_url(it["repo"]), "title": it["title"], "body": to_markdown(it["body"]),
                               "base": {"ref": "main", "sha": sha(url, "base"), "user": GH.rstrip("/"),
                                        "repo": repo_url(it["repo"])},
                               "head": {"ref": it["head"], "sha": head_sha, "user": gh_user_url(it["who"]),
                                        "repo": repo_url(it["repo"])}},
                              **common, review_requests=[
                                  {"reviewer": gh_user_url(rv["who"]), "type": "User"}
                                  for rv in it["reviews"][:1]],
                              close_issue_references=["%s/issues/%d" % (repo_url(it["repo"]), n) for n in it["closes"]],
                              work_in_progress=False,
                              merged_at=iso(it["merged_dt"]) if it.get("merged_dt") else None,
                              closed_at=iso(it["closed_dt"]) if it.get("closed_dt") else None,
                              created_at=iso(it["dt"]),
                              merge_commit_sha=sha(url, "merge") if it.get("merged_dt") else None))
        key = "issue" if it["type"] == "issue" else "pull_request"
        for c in it["comments"]:
            comments.append({"type": "issue_comment", "url": "%s#issuecomment-%d" % (url, c["id"]), key: url,
                             "user": gh_user_url(c["who"]), "body": to_markdown(c["body"]), "formatter": "markdown",
                             "reactions": gh_reactions(c.get("reactions", []), "IssueComment", c["dt"]),
                             "created_at": iso(c["dt"])})
        for rv in it["reviews"]:
            rv_url = "%s/files#pullrequestreview-%d" % (url, rv["id"])
            reviews.append({"type": "pull_request_review", "url": rv_url, "pull_request": url,
                            "user": gh_user_url(rv["who"]), "body": to_markdown(rv["body"]),
                            "head_sha": sha(url, "head"), "formatter": "markdown",
                            "state": {"APPROVED": 40, "CHANGES_REQUESTED": 30, "COMMENTED": 1}[rv["state"]],
                            "reactions": [], "created_at": iso(rv["dt"]), "submitted_at": iso(rv["dt"])})

            def walk(items, parent):
                for x in items:
                    top = x["top"]
                    rcs.append({"type": "pull_request_review_comment", "url": "%s/files#r%d" % (url, x["id"]),
                                "pull_request": url, "pull_request_review": rv_url,
                                "pull_request_review_thread": "%s/files#pullrequestreviewthread-%d" % (url, top["id"] + 7),
                                "user": gh_user_url(x["who"]), "body": to_markdown(x["body"]), "formatter": "markdown",
                                "diff_hunk": top["hunk"], "path": top["path"], "position": top["line"],
                                "original_position": top["line"], "commit_id": sha(url, "head"),
                                "original_commit_id": sha(url, "head"), "state": 1,
                                "in_reply_to": "%s/files#r%d" % (url, parent["id"]) if parent else None,
                                "reactions": [], "created_at": iso(x["dt"])})
                    walk(x["replies"], x)
            walk(rv["comments"], None)
        n_ev = int(hashlib.sha1(url.encode()).hexdigest()[:7], 16)
        if it.get("merged_dt"):
            events.append({"type": "issue_event", "url": "%s#event-%d" % (url, 9000000000 + n_ev), key: url,
                           "actor": gh_user_url(it["who"]), "event": "merged",
                           "commit_id": sha(url, "merge"), "commit_repository": repo_url(it["repo"]),
                           "created_at": iso(it["merged_dt"])})
        if it.get("closed_dt"):
            events.append({"type": "issue_event", "url": "%s#event-%d" % (url, 9000000001 + n_ev), key: url,
                           "actor": gh_user_url(it["who"]), "event": "closed", "created_at": iso(it["closed_dt"])})
    # Review comments are listed per review thread in real archives; keep time order here.
    files.append(("issues_000001.json", dumps_export(issues)))
    files.append(("pull_requests_000001.json", dumps_export(pulls)))
    files.append(("issue_comments_000001.json", dumps_export(sorted(comments, key=lambda c: c["created_at"]))))
    files.append(("issue_events_000001.json", dumps_export(sorted(events, key=lambda e: (e["created_at"], e["url"])))))
    files.append(("pull_request_reviews_000001.json", dumps_export(reviews)))
    files.append(("pull_request_review_comments_000001.json", dumps_export(rcs)))
    files.append(("milestones_000001.json", dumps_export([{
        "type": "milestone", "url": milestone_url(m["repo"], m["n"]), "repository": repo_url(m["repo"]),
        "user": gh_user_url("maya" if m["repo"] == "kestrel" else "omar"), "title": m["title"],
        "description": m["description"], "state": "closed" if m["closed"] else "open",
        "due_on": iso(parse_when(m["due"])), "created_at": iso(m["dt"]),
        "updated_at": iso(parse_when(m["closed"]) if m["closed"] else m["dt"]),
        "closed_at": iso(parse_when(m["closed"])) if m["closed"] else None} for m in MILESTONES])))
    files.append(("releases_000001.json", dumps_export([{
        "type": "release", "url": "%s/releases/tag/%s" % (repo_url(r["repo"]), r["tag"]),
        "repository": repo_url(r["repo"]), "user": gh_user_url(r["who"]), "name": r["name"], "tag_name": r["tag"],
        "body": to_markdown(r["body"]), "state": "published", "pending_tag": r["tag"], "prerelease": r["prerelease"],
        "target_commitish": "main", "release_assets": [], "published_at": iso(r["dt"]),
        "created_at": iso(r["dt"] - timedelta(minutes=12))} for r in RELEASES])))
    return files


def write_tar_gz(path, files):
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.USTAR_FORMAT) as tar:
        mtime = calendar.timegm(ENTRY_TIME + (0, 0, 0))
        for name, text in files:
            data = text.encode("utf-8")
            info = tarfile.TarInfo(name)
            info.size, info.mtime, info.mode = len(data), mtime, 0o644
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            tar.addfile(info, io.BytesIO(data))
    out = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=out, mtime=0) as gz:
        gz.write(raw.getvalue())
    with open(path, "wb") as fh:
        fh.write(out.getvalue())


# ---------------------------------------------------------------------------
# P2 (WordPress WXR)
# ---------------------------------------------------------------------------

def assign_p2():
    cid = 1201
    for post_ in POSTS:
        post_["dt"] = with_seconds(parse_when(post_["when"]))
        post_["modified_dt"] = with_seconds(parse_when(post_["modified"])) if post_["modified"] else None

        def walk(items, parent):
            nonlocal cid
            for c in items:
                c["dt"] = with_seconds(parse_when(c["when"]))
                assert c["dt"] > post_["dt"], (post_["key"], c["when"])
                c["id"] = cid
                c["parent"] = parent
                cid += 1 + RNG.randint(0, 3)
                walk(c["replies"], c)
        walk(post_["comments"], None)


def all_comments(post_):
    out = []

    def walk(items):
        for c in items:
            out.append(c)
            walk(c["replies"])
    walk(post_["comments"])
    return sorted(out, key=lambda c: c["id"])


def post_html(post_):
    parts = []
    for kind, body in post_["blocks"]:
        if kind == "p":
            inner = inline_html(body)
            parts.append(("<!-- wp:paragraph -->\n<p>%s</p>\n<!-- /wp:paragraph -->" % inner) if post_["gutenberg"] else inner)
        elif kind == "h":
            inner = "<h3>%s</h3>" % inline_html(body)
            parts.append(('<!-- wp:heading {"level":3} -->\n%s\n<!-- /wp:heading -->' % inner) if post_["gutenberg"] else inner)
        elif kind == "ul":
            inner = "<ul>%s</ul>" % "".join("<li>%s</li>" % inline_html(i) for i in body)
            parts.append(("<!-- wp:list -->\n%s\n<!-- /wp:list -->" % inner) if post_["gutenberg"] else inner)
        elif kind == "quote":
            inner = '<blockquote class="wp-block-quote"><p>%s</p></blockquote>' % inline_html(body)
            parts.append(("<!-- wp:quote -->\n%s\n<!-- /wp:quote -->" % inner) if post_["gutenberg"] else inner)
        elif kind == "code":
            inner = '<pre class="wp-block-code"><code>%s</code></pre>' % html.escape(body, quote=False)
            parts.append(("<!-- wp:code -->\n%s\n<!-- /wp:code -->" % inner) if post_["gutenberg"] else inner)
    return "\n\n".join(parts)


def post_plain(post_):
    parts = []
    for kind, body in post_["blocks"]:
        if kind == "ul":
            parts.append("\n".join(inline_plain(i) for i in body))
        elif kind == "code":
            parts.append(body)
        else:
            parts.append(inline_plain(body))
    return "\n\n".join(parts)


def post_has(post_):
    text = " ".join(b if isinstance(b, str) else " ".join(b) for _, b in post_["blocks"])
    has = ["link"] if has_link(text) else []
    if has_code(text) or any(k == "code" for k, _ in post_["blocks"]):
        has.append("code")
    return has


def p2_permalink(post_):
    return p2(post_["key"])


def p2_records():
    for post_ in POSTS:
        if post_["status"] == "draft":
            continue
        pid = "p2:%s/%d" % (P2_HOST, post_["id"])
        p = PEOPLE[post_["who"]]
        principals = ["p2:" + P2_HOST] if post_["status"] == "private" else []
        text_src = " ".join(b if isinstance(b, str) else " ".join(b) for _, b in post_["blocks"])
        record(id=pid, source="p2", kind="post", space=P2_HOST, thread=pid, title=post_["title"], author=p.name,
               author_id=p.key, date=iso(post_["dt"]),
               updated=iso(post_["modified_dt"]) if post_["modified_dt"] else None, url=p2_permalink(post_),
               tags=[CAT_NAME[c] for c in post_["cats"]] + post_["tags"], state=post_["resolved"],
               text=post_plain(post_), principals=principals, has=post_has(post_),
               mentions=[k for k in mentioned(text_src)],
               edited=True if post_["modified_dt"] else None)
        for c in all_comments(post_):
            if not c["approved"]:
                continue
            cp = PEOPLE[c["who"]]
            record(id="%s/comment/%d" % (pid, c["id"]), source="p2", kind="comment", space=P2_HOST, thread=pid,
                   parent="%s/comment/%d" % (pid, c["parent"]["id"]) if c["parent"] else pid,
                   author=cp.name, author_id=cp.key, date=iso(c["dt"]),
                   url="%s#comment-%d" % (p2_permalink(post_), c["id"]), text=inline_plain(c["text"]),
                   principals=principals, has=["link"] if has_link(c["text"]) else [])


def cdata(s):
    return "<![CDATA[%s]]>" % s.replace("]]>", "]]]]><![CDATA[>")


def wp_date(dt):
    return dt.strftime("%Y-%m-%d %H:%M:%S")


def write_wxr(path):
    tags = sorted({t for p_ in POSTS for t in p_["tags"]})
    tag_ids = {t: 5000 + i for i, t in enumerate(tags)}
    out = []
    w = out.append
    w('<?xml version="1.0" encoding="UTF-8"?>')
    w("<!-- This is a WordPress eXtended RSS file generated by WordPress as an export of your site. -->")
    w("<!-- It contains information about your site's posts, pages, comments, categories, and other content. -->")
    w("<!-- You may use this file to transfer that content from one site to another. -->")
    w("<!-- This file is not intended to serve as a complete backup of your site. -->")
    w("")
    w('<!-- generator="WordPress.com" created="2025-06-30 12:00"-->')
    w('<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" '
      'xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:wfw="http://wellformedweb.org/CommentAPI/" '
      'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">')
    w("<channel>")
    w("\t<title>Quillfeather HQ</title>")
    w("\t<link>%s</link>" % P2_URL)
    w("\t<description>Decisions, proposals and updates from Quillfeather Labs</description>")
    w("\t<pubDate>Mon, 30 Jun 2025 12:00:00 +0000</pubDate>")
    w("\t<language>en</language>")
    w("\t<wp:wxr_version>1.2</wp:wxr_version>")
    w("\t<wp:base_site_url>http://wordpress.com/</wp:base_site_url>")
    w("\t<wp:base_blog_url>%s</wp:base_blog_url>" % P2_URL)
    w("")
    for p in PEOPLE.values():
        w("\t<wp:author><wp:author_id>%d</wp:author_id><wp:author_login>%s</wp:author_login>"
          "<wp:author_email>%s</wp:author_email><wp:author_display_name>%s</wp:author_display_name>"
          "<wp:author_first_name>%s</wp:author_first_name><wp:author_last_name>%s</wp:author_last_name></wp:author>"
          % (p.wp_id, cdata(p.key), cdata(p.email), cdata(p.name), cdata(p.first), cdata(p.last)))
    w("")
    for nicename, name, term_id in CATEGORIES:
        w("\t<wp:category>\n\t\t<wp:term_id>%d</wp:term_id>\n\t\t<wp:category_nicename>%s</wp:category_nicename>\n"
          "\t\t<wp:category_parent>%s</wp:category_parent>\n\t\t<wp:cat_name>%s</wp:cat_name>\n\t</wp:category>"
          % (term_id, cdata(nicename), cdata(""), cdata(name)))
    for t in tags:
        w("\t<wp:tag>\n\t\t<wp:term_id>%d</wp:term_id>\n\t\t<wp:tag_slug>%s</wp:tag_slug>\n\t\t<wp:tag_name>%s</wp:tag_name>\n\t</wp:tag>"
          % (tag_ids[t], cdata(t), cdata(t)))
    for i, state in enumerate(["resolved", "unresolved"]):
        w("\t<wp:term>\n\t\t<wp:term_id>%d</wp:term_id>\n\t\t<wp:term_taxonomy>%s</wp:term_taxonomy>\n"
          "\t\t<wp:term_slug>%s</wp:term_slug>\n\t\t<wp:term_parent>%s</wp:term_parent>\n\t\t<wp:term_name>%s</wp:term_name>\n\t</wp:term>"
          % (9001 + i, cdata("p2_resolved"), cdata(state), cdata(""), cdata(state)))
    w("")
    w("\t<generator>http://wordpress.com/</generator>")
    for post_ in POSTS:
        p = PEOPLE[post_["who"]]
        draft = post_["status"] == "draft"
        local = p2_local(post_["dt"])
        link = p2_permalink(post_) if not draft else "%s/?p=%d" % (P2_URL, post_["id"])
        w("")
        w("\t<item>")
        w("\t\t<title>%s</title>" % html.escape(post_["title"], quote=False))
        w("\t\t<link>%s</link>" % link)
        w("\t\t<pubDate>%s</pubDate>" % post_["dt"].strftime("%a, %d %b %Y %H:%M:%S +0000"))
        w("\t\t<dc:creator>%s</dc:creator>" % cdata(p.key))
        w('\t\t<guid isPermaLink="false">%s/?p=%d</guid>' % (P2_URL, post_["id"]))
        w("\t\t<description></description>")
        w("\t\t<content:encoded>%s</content:encoded>" % cdata(post_html(post_)))
        w("\t\t<excerpt:encoded>%s</excerpt:encoded>" % cdata(""))
        w("\t\t<wp:post_id>%d</wp:post_id>" % post_["id"])
        w("\t\t<wp:post_date>%s</wp:post_date>" % cdata(wp_date(local)))
        w("\t\t<wp:post_date_gmt>%s</wp:post_date_gmt>" % cdata("0000-00-00 00:00:00" if draft else wp_date(post_["dt"])))
        mod = post_["modified_dt"] or post_["dt"]
        w("\t\t<wp:post_modified>%s</wp:post_modified>" % cdata(wp_date(p2_local(mod))))
        w("\t\t<wp:post_modified_gmt>%s</wp:post_modified_gmt>" % cdata(wp_date(mod)))
        w("\t\t<wp:comment_status>%s</wp:comment_status>" % cdata("open"))
        w("\t\t<wp:ping_status>%s</wp:ping_status>" % cdata("open"))
        w("\t\t<wp:post_name>%s</wp:post_name>" % cdata("" if draft else post_["slug"]))
        w("\t\t<wp:status>%s</wp:status>" % cdata(post_["status"]))
        w("\t\t<wp:post_parent>0</wp:post_parent>")
        w("\t\t<wp:menu_order>0</wp:menu_order>")
        w("\t\t<wp:post_type>%s</wp:post_type>" % cdata("post"))
        w("\t\t<wp:post_password>%s</wp:post_password>" % cdata(""))
        w("\t\t<wp:is_sticky>%d</wp:is_sticky>" % (1 if post_["sticky"] else 0))
        for c in post_["cats"]:
            w('\t\t<category domain="category" nicename="%s">%s</category>' % (c, cdata(CAT_NAME[c])))
        for t in post_["tags"]:
            w('\t\t<category domain="post_tag" nicename="%s">%s</category>' % (t, cdata(t)))
        if post_["resolved"]:
            w('\t\t<category domain="p2_resolved" nicename="%s">%s</category>' % (post_["resolved"], cdata(post_["resolved"])))
        w("\t\t<wp:postmeta>\n\t\t\t<wp:meta_key>%s</wp:meta_key>\n\t\t\t<wp:meta_value>%s</wp:meta_value>\n\t\t</wp:postmeta>"
          % (cdata("_edit_last"), cdata(str(p.wp_id))))
        for c in all_comments(post_):
            person = PEOPLE.get(c["who"])
            name = person.name if person else c["who"]
            email = person.email if person else "spam@example.invalid"
            body = inline_html(c["text"])
            w("\t\t<wp:comment>")
            w("\t\t\t<wp:comment_id>%d</wp:comment_id>" % c["id"])
            w("\t\t\t<wp:comment_author>%s</wp:comment_author>" % cdata(name))
            w("\t\t\t<wp:comment_author_email>%s</wp:comment_author_email>" % cdata(email))
            w("\t\t\t<wp:comment_author_url>%s</wp:comment_author_url>" % cdata("" if person else "http://spam.example.invalid"))
            w("\t\t\t<wp:comment_author_IP>%s</wp:comment_author_IP>" % cdata("" if person else "203.0.113.7"))
            w("\t\t\t<wp:comment_date>%s</wp:comment_date>" % cdata(wp_date(p2_local(c["dt"]))))
            w("\t\t\t<wp:comment_date_gmt>%s</wp:comment_date_gmt>" % cdata(wp_date(c["dt"])))
            w("\t\t\t<wp:comment_content>%s</wp:comment_content>" % cdata(body))
            w("\t\t\t<wp:comment_approved>%s</wp:comment_approved>" % cdata("1" if c["approved"] else "0"))
            w("\t\t\t<wp:comment_type>%s</wp:comment_type>" % cdata("comment"))
            w("\t\t\t<wp:comment_parent>%d</wp:comment_parent>" % (c["parent"]["id"] if c["parent"] else 0))
            w("\t\t\t<wp:comment_user_id>%d</wp:comment_user_id>" % (person.wp_id if person else 0))
            w("\t\t</wp:comment>")
        w("\t</item>")
    w("</channel>")
    w("</rss>")
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        fh.write("\n".join(out) + "\n")


# ---------------------------------------------------------------------------
# Meetings (JSON Lines only)
# ---------------------------------------------------------------------------

def meeting_records():
    for when, who, title, text, members in MEETINGS:
        dt = parse_when(when)
        slug = "%s-%s" % (dt.strftime("%Y-%m-%d"), re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-"))
        p = PEOPLE[who]
        record(id="meetings:" + slug, source="meetings", kind="post", space="meeting-notes",
               title="%s (%s)" % (title, dt.strftime("%Y-%m-%d")), author=p.name, author_id=p.key, date=iso(dt),
               url="https://docs.quillfeather.example/meetings/" + slug, text=text,
               tags=["meeting-notes"], principals=sorted("slack:" + PEOPLE[k].slack_id for k in members))


# ---------------------------------------------------------------------------

def main():
    os.makedirs(OUT, exist_ok=True)
    assign_slack()
    assign_github()
    assign_p2()
    slack_records()
    github_records()
    p2_records()
    meeting_records()
    RECORDS.sort(key=lambda r: (r["date"], r["id"]))
    with open(os.path.join(OUT, "company.jsonl"), "w", encoding="utf-8", newline="\n") as fh:
        for r in RECORDS:
            fh.write(json.dumps(r, sort_keys=True, ensure_ascii=False) + "\n")
    # The demo imports the three exports plus what only JSON Lines carries.
    with open(os.path.join(OUT, "meetings.jsonl"), "w", encoding="utf-8", newline="\n") as fh:
        for r in RECORDS:
            if r["source"] == "meetings":
                fh.write(json.dumps(r, sort_keys=True, ensure_ascii=False) + "\n")
    folders, days = write_slack_export(os.path.join(OUT, "slack-export.zip"))
    write_tar_gz(os.path.join(OUT, "github-migration.tar.gz"), github_archive_files())
    write_wxr(os.path.join(OUT, "p2.wordpress.xml"))
    counts = {}
    for r in RECORDS:
        counts[(r["source"], r["kind"])] = counts.get((r["source"], r["kind"]), 0) + 1
    print("company.jsonl: %d records" % len(RECORDS))
    for (source, kind), n in sorted(counts.items()):
        print("  %-9s %-15s %d" % (source, kind, n))
    print("slack-export.zip: %d conversations, %d day files" % (folders, days))


if __name__ == "__main__":
    main()
